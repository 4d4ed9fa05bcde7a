import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopicSpec } from '@lading/contracts';
import { checkSchemas } from '../src';

const meta = { name: 'meta', type: { type: 'record', name: 'EventMeta', namespace: 'lading.common', doc: 'meta', fields: [{ name: 'eventId', type: 'string', doc: 'id' }] }, doc: 'meta' };
const v1 = {
  type: 'record',
  name: 'ParcelScanned',
  namespace: 'lading.test',
  doc: 'test record',
  fields: [
    meta,
    { name: 'parcelId', type: 'string', doc: 'parcel' },
    { name: 'weight', type: 'int', doc: 'grams' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['UNKNOWN', 'OK'], default: 'UNKNOWN' }, doc: 'status' },
  ],
};
const withFields = (fields: object[]) => ({ ...v1, fields });

describe('schemas:check against git history (works on a fresh registry)', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  const catalog: TopicSpec[] = [
    {
      name: 'test.parcels.v1',
      keyField: 'parcelId',
      keyDescription: 'parcel id',
      partitions: 1,
      cleanupPolicy: 'delete',
      retentionMs: 1000,
      recordTypes: ['lading.test.ParcelScanned'],
      producedBy: 'test',
      alsoProducedBy: [],
      consumedBy: ['test'],
    },
  ];
  const write = (schema: object) => writeFileSync(join(repo, 'schemas', 'test', 'ParcelScanned.avsc'), JSON.stringify(schema, null, 2));

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'lading-schemas-'));
    mkdirSync(join(repo, 'schemas', 'test'), { recursive: true });
    git('init', '-q');
    git('config', 'user.email', 'test@lading.dev');
    git('config', 'user.name', 'test');
    write(v1);
    git('add', '.');
    git('commit', '-qm', 'v1');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('finds the committed v1 and refuses a working-tree v2 that drops a field without default', async () => {
    write(withFields([v1.fields[0], v1.fields[1], v1.fields[3]]));
    const [check] = await checkSchemas({ repoRoot: repo, schemasDir: join(repo, 'schemas'), catalog });
    expect(check.checkedAgainst).toEqual([expect.stringMatching(/^git [0-9a-f]{10}$/)]);
    expect(check.violations).toEqual([expect.objectContaining({ field: 'weight', rule: 'FIELD_WITHOUT_DEFAULT' })]);
  });

  it('checks against every committed version, not only the last (transitive)', async () => {
    // v2 adds `note` with a default (compatible); v3 removes its default: fine against v2, not against v1
    const note = { name: 'note', type: 'string', default: '', doc: 'note' };
    write(withFields([...v1.fields, note]));
    git('commit', '-qam', 'v2');
    write(withFields([...v1.fields, { ...note, default: undefined }]));
    const [check] = await checkSchemas({ repoRoot: repo, schemasDir: join(repo, 'schemas'), catalog });
    expect(check.checkedAgainst).toHaveLength(2);
    expect(check.violations.map((v) => [v.field, v.rule, v.direction])).toEqual([['note', 'FIELD_WITHOUT_DEFAULT', 'BACKWARD']]);
  });

  it('passes a compatible change', async () => {
    write(withFields([...v1.fields, { name: 'note', type: ['null', 'string'], default: null, doc: 'note' }]));
    const [check] = await checkSchemas({ repoRoot: repo, schemasDir: join(repo, 'schemas'), catalog });
    expect(check.violations).toEqual([]);
    expect(check.warnings).toEqual([expect.stringMatching(/lading.test.ParcelScanned changed since git [0-9a-f]{10} but its lading.version is still 1/)]);
  });
});
