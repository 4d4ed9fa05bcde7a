import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopicSpec } from '@lading/contracts';
import { testSchemaRegistryUrl, uniqueName } from '@lading/testing';
import { checkSchemas, createAvroSerde, createRegistryAdmin, IncompatibleSchemaError, LADING_COMPATIBILITY, registerSchemas, subjectFor, type SubjectSchema } from '../src';

const admin = createRegistryAdmin(testSchemaRegistryUrl());
const meta = {
  name: 'meta',
  doc: 'meta',
  type: {
    type: 'record',
    name: 'EventMeta',
    namespace: 'lading.common',
    doc: 'meta',
    fields: [
      { name: 'eventId', type: { type: 'string', logicalType: 'uuid' }, doc: 'id' },
      { name: 'tenantId', type: 'string', doc: 'tenant' },
    ],
  },
};

/** A record type of its own per test run, so subjects never collide across runs. */
function scenario() {
  const recordName = `ParcelScanned${uniqueName('x').replace(/[^a-zA-Z0-9]/g, '')}`;
  const recordType = `lading.test.${recordName}`;
  const topic = `${uniqueName('test')}.parcels.v1`;
  const schema = (fields: object[]) => ({ type: 'record', name: recordName, namespace: 'lading.test', doc: 'test', fields: [meta, ...fields] });
  const v1 = schema([
    { name: 'parcelId', type: 'string', doc: 'parcel' },
    { name: 'weight', type: 'int', doc: 'grams' },
  ]);
  const subject = (s: object): SubjectSchema => ({ topic, recordType, subject: subjectFor(topic, recordType), schema: JSON.stringify(s) });
  const catalog: TopicSpec[] = [
    { name: topic, keyField: 'parcelId', keyDescription: 'parcel', partitions: 1, cleanupPolicy: 'delete', retentionMs: 60_000, recordTypes: [recordType], producedBy: 'test', alsoProducedBy: [], consumedBy: ['test'] },
  ];
  return { recordType, topic, schema, v1, subject, catalog };
}

describe('schema registration (real registry, FULL_TRANSITIVE per subject)', () => {
  it('registers once, sets the compatibility level, and a second run changes nothing', async () => {
    const s = scenario();
    const [first] = await registerSchemas(admin, [s.subject(s.v1)]);
    expect(first).toEqual(expect.objectContaining({ outcome: 'registered', compatibilitySet: true }));
    expect(await admin.compatibility(s.subject(s.v1).subject)).toBe(LADING_COMPATIBILITY);
    const [second] = await registerSchemas(admin, [s.subject(s.v1)]);
    expect(second).toEqual({ subject: first.subject, outcome: 'unchanged', schemaId: first.schemaId, compatibilitySet: false });
  });

  it('refuses removing a field without default, naming the field and the rule', async () => {
    const s = scenario();
    await registerSchemas(admin, [s.subject(s.v1)]);
    const v2 = s.schema([{ name: 'parcelId', type: 'string', doc: 'parcel' }]);
    const refusal = registerSchemas(admin, [s.subject(v2)]);
    await expect(refusal).rejects.toBeInstanceOf(IncompatibleSchemaError);
    await expect(refusal).rejects.toThrow(/field 'weight': FIELD_WITHOUT_DEFAULT \(FORWARD/);
  });

  it('refuses changing a type, naming the field', async () => {
    const s = scenario();
    await registerSchemas(admin, [s.subject(s.v1)]);
    const v2 = s.schema([
      { name: 'parcelId', type: 'string', doc: 'parcel' },
      { name: 'weight', type: 'string', doc: 'grams' },
    ]);
    await expect(registerSchemas(admin, [s.subject(v2)])).rejects.toThrow(/field 'weight': TYPE_CHANGED/);
  });

  it('enforces the level transitively: a change compatible with the latest version but not the first is refused', async () => {
    const s = scenario();
    const withNote = (note: object) => s.schema([...(s.v1.fields.slice(1) as object[]), note]);
    await registerSchemas(admin, [s.subject(s.v1)]);
    await registerSchemas(admin, [s.subject(withNote({ name: 'note', type: 'string', default: '', doc: 'n' }))]);
    await expect(registerSchemas(admin, [s.subject(withNote({ name: 'note', type: 'string', doc: 'n' }))])).rejects.toThrow(/field 'note': FIELD_WITHOUT_DEFAULT \(BACKWARD.*against registry v1/);
  });

  it('accepts a new optional field with a default, and data written with v1 is read with v2', async () => {
    const s = scenario();
    const v2 = s.schema([...(s.v1.fields.slice(1) as object[]), { name: 'note', type: ['null', 'string'], default: null, doc: 'note' }]);
    await registerSchemas(admin, [s.subject(s.v1)]);
    const [accepted] = await registerSchemas(admin, [s.subject(v2)]);
    expect(accepted.outcome).toBe('registered');

    const url = testSchemaRegistryUrl();
    const writerV1 = createAvroSerde({ registryUrl: url, catalog: s.catalog, schemas: { [s.recordType]: s.v1 } });
    const readerV2 = createAvroSerde({ registryUrl: url, catalog: s.catalog, schemas: { [s.recordType]: v2 } });
    const value = { meta: { eventId: randomUUID(), tenantId: 't-1' }, parcelId: 'P-1', weight: 1200 };
    const bytes = await writerV1.encode(s.topic, s.recordType, value);
    const decoded = await readerV2.decode(s.topic, bytes);
    expect(decoded.schemaId).toBe(bytes.readInt32BE(1));
    expect(decoded.value).toEqual({ ...value, note: null });
    // and FULL: data written with v2 is read by a v1 consumer
    const back = await writerV1.decode(s.topic, await readerV2.encode(s.topic, s.recordType, { ...value, note: 'fragile' }));
    expect(back.value).toEqual(value);
  });
});

describe('schemas:check against the registry', () => {
  it('names the field and the registry version a working-tree schema breaks', async () => {
    const s = scenario();
    const repo = mkdtempSync(join(tmpdir(), 'lading-check-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: repo });
      mkdirSync(join(repo, 'schemas', 'test'), { recursive: true });
      await registerSchemas(admin, [s.subject(s.v1)]);
      writeFileSync(join(repo, 'schemas', 'test', 'Parcel.avsc'), JSON.stringify(s.schema([{ name: 'parcelId', type: 'string', doc: 'parcel' }])));
      const [check] = await checkSchemas({ repoRoot: repo, schemasDir: join(repo, 'schemas'), admin, catalog: s.catalog });
      expect(check.checkedAgainst).toEqual(['registry v1']);
      expect(check.violations).toEqual([expect.objectContaining({ field: 'weight', rule: 'FIELD_WITHOUT_DEFAULT', direction: 'FORWARD', against: 'registry v1' })]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
