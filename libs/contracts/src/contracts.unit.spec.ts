import {
  exceptionForX12StatusReason,
  keyOf,
  recordSchemas,
  recordTypeNames,
  schemaVersions,
  topicCatalog,
  topicForRecordType,
  topicSpec,
  UNKNOWN_EXCEPTION,
  x12StatusReasonCodes,
} from './index';

type Json = { type?: unknown; name?: string; doc?: string; fields?: Json[]; symbols?: string[]; default?: unknown; items?: unknown; values?: unknown };

function walkNamed(type: unknown, visit: (named: Json) => void): void {
  if (Array.isArray(type)) return type.forEach((t) => walkNamed(t, visit));
  if (!type || typeof type !== 'object') return;
  const t = type as Json;
  if (t.type === 'record' || t.type === 'enum') visit(t);
  t.fields?.forEach((f) => walkNamed(f.type, visit));
  walkNamed(t.items, visit);
  walkNamed(t.values, visit);
}

describe('topic catalog', () => {
  it('carries every event and command on exactly one current topic, and only types that have a schema', () => {
    const carried = topicCatalog.filter((t) => !t.deprecatedBy).flatMap((t) => t.recordTypes);
    expect([...carried].sort()).toEqual([...recordTypeNames].sort());
    expect(new Set(carried).size).toBe(carried.length);
  });

  it('replaces a topic whose key changes by a new version: the deprecated one names it and carries nothing else', () => {
    for (const old of topicCatalog.filter((t) => t.deprecatedBy)) {
      const replacement = topicSpec(old.deprecatedBy!);
      expect(replacement.recordTypes).toEqual(expect.arrayContaining([...old.recordTypes]));
      expect(replacement.keyField).not.toBe(old.keyField);
      expect(topicForRecordType(old.recordTypes[0]).name).toBe(replacement.name);
    }
    // two tenants' levels of one SKU at one shared site are two keys on the current inventory topic
    const level = (tenantId: string) => ({ meta: { tenantId }, sku: 'BOLT-0001', siteId: 'US-NJ1' });
    expect(keyOf('wms.inventory.v2', level('acme'))).toBe('acme@BOLT-0001@US-NJ1');
    expect(keyOf('wms.inventory.v2', level('acme'))).not.toBe(keyOf('wms.inventory.v2', level('globex')));
  });

  it('gives every topic 12 partitions by default, a producer and consumers', () => {
    for (const topic of topicCatalog) {
      expect(topic.partitions).toBe(12);
      expect(topic.consumedBy.length).toBeGreaterThan(0);
      expect(topic.name).toMatch(/^[a-z]+\.[a-z-]+\.v\d+$/);
    }
  });

  it('keys every topic by a field every one of its record types has', () => {
    for (const topic of topicCatalog) {
      for (const recordType of topic.recordTypes) {
        const fields = ((recordSchemas as Record<string, Json>)[recordType].fields ?? []).map((f) => f.name);
        for (const path of topic.keyField.split('@')) expect({ recordType, has: fields.includes(path.split('.')[0]) }).toEqual({ recordType, has: true });
      }
    }
  });

  it('reads keys, composite ones included, and refuses unkeyed values', () => {
    expect(keyOf('erp.orders.v1', { orderId: 'SO-1' })).toBe('SO-1');
    expect(keyOf('wms.inventory.v1', { sku: 'A-100', siteId: 'DC-1' })).toBe('A-100@DC-1');
    expect(() => keyOf('erp.orders.v1', { orderId: '' })).toThrow(/no key for topic 'erp.orders.v1'/);
    expect(topicForRecordType('lading.commands.ReleaseOrderToWarehouse').name).toBe('wms.commands.v1');
    expect(() => topicSpec('nope.v1')).toThrow(/unknown topic 'nope.v1'/);
    expect(() => topicForRecordType('lading.erp.Nope')).toThrow(/unknown record type/);
  });
});

describe('schemas', () => {
  it('start every event and command with meta: EventMeta and carry a contract version', () => {
    for (const recordType of recordTypeNames) {
      const schema = (recordSchemas as Record<string, Json>)[recordType];
      const meta = schema.fields?.[0];
      expect(meta?.name).toBe('meta');
      expect((meta?.type as Json).name).toBe('EventMeta');
      expect(schemaVersions[recordType]).toBeGreaterThanOrEqual(1);
    }
  });

  it('document every record and field, and give every enum a default symbol', () => {
    const missing: string[] = [];
    for (const recordType of recordTypeNames) {
      walkNamed(recordSchemas[recordType], (named) => {
        if (!named.doc) missing.push(`${named.name} has no doc`);
        named.fields?.forEach((f) => f.doc || missing.push(`${named.name}.${f.name} has no doc`));
        if (named.type === 'enum' && !named.symbols?.includes(named.default as string)) missing.push(`enum ${named.name} has no default`);
      });
    }
    expect(missing).toEqual([]);
  });
});

describe('X12 214 status reason codes (element 1651)', () => {
  it('maps known codes to the taxonomy and normal status to no exception', () => {
    expect(exceptionForX12StatusReason('A2')).toEqual({ type: 'ADDRESS_PROBLEM', severity: 'HIGH', owner: 'SHIPPER' });
    expect(exceptionForX12StatusReason('ay')).toEqual({ type: 'MISSED_PICKUP', severity: 'HIGH', owner: 'CARRIER' });
    expect(exceptionForX12StatusReason('NS')).toBeNull();
  });

  it('maps unmapped codes to UNKNOWN on every axis, never a guess', () => {
    expect(exceptionForX12StatusReason('BG')).toBe(UNKNOWN_EXCEPTION); // "Other"
    expect(exceptionForX12StatusReason('ZZ')).toEqual({ type: 'UNKNOWN', severity: 'UNKNOWN', owner: 'UNKNOWN' });
    expect(Object.values(x12StatusReasonCodes).every((r) => r.exception === null || r.exception.type !== 'UNKNOWN')).toBe(true);
  });
});
