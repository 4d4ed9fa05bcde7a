import { compatibilityViolations, describeViolation, fullCompatibilityViolations } from '../src';

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

describe('compatibility rules (FULL: both directions)', () => {
  it('refuses removing a field without default, naming the field and the rule', () => {
    const v2 = withFields([v1.fields[0], v1.fields[1], v1.fields[3]]);
    const violations = fullCompatibilityViolations(v2, v1);
    expect(violations).toEqual([expect.objectContaining({ field: 'weight', rule: 'FIELD_WITHOUT_DEFAULT', direction: 'FORWARD' })]);
    expect(describeViolation(violations[0])).toMatch(/field 'weight': FIELD_WITHOUT_DEFAULT \(FORWARD/);
  });

  it('refuses changing a type, naming the field', () => {
    const v2 = withFields([v1.fields[0], v1.fields[1], { name: 'weight', type: 'string', doc: 'grams' }, v1.fields[3]]);
    const violations = fullCompatibilityViolations(v2, v1);
    expect(violations.map((v) => [v.field, v.rule, v.direction])).toEqual([
      ['weight', 'TYPE_CHANGED', 'BACKWARD'],
      ['weight', 'TYPE_CHANGED', 'FORWARD'],
    ]);
  });

  it('refuses a nested change and a changed decimal scale', () => {
    const money = (scale: number) => ({ name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale }, doc: 'x' });
    const a = withFields([{ ...meta, type: { ...meta.type, fields: [{ name: 'eventId', type: 'long', doc: 'id' }] } }, money(2)]);
    const b = withFields([meta, money(4)]);
    expect(compatibilityViolations(b, a, 'BACKWARD').map((v) => [v.field, v.rule])).toEqual([
      ['meta.eventId', 'TYPE_CHANGED'],
      ['amount', 'LOGICAL_TYPE_CHANGED'],
    ]);
  });

  it('accepts a new optional field with a default, a promotion-free enum symbol with a default, and int → long backward', () => {
    const v2 = withFields([
      ...v1.fields.slice(0, 3),
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['UNKNOWN', 'OK', 'DAMAGED'], default: 'UNKNOWN' }, doc: 'status' },
      { name: 'note', type: ['null', 'string'], default: null, doc: 'note' },
    ]);
    expect(fullCompatibilityViolations(v2, v1)).toEqual([]);
    const widened = withFields([...v1.fields.slice(0, 2), { name: 'weight', type: 'long', doc: 'grams' }, v1.fields[3]]);
    expect(compatibilityViolations(widened, v1, 'BACKWARD')).toEqual([]);
    expect(compatibilityViolations(widened, v1, 'FORWARD')).toEqual([expect.objectContaining({ field: 'weight', rule: 'TYPE_CHANGED' })]);
  });
});
