import { avroType, invalidFields } from '../src';

const money = avroType({
  type: 'record',
  name: 'Price',
  namespace: 'lading.test',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 4 } },
  ],
});
const id = '0b7c6a52-3c8e-4a5e-9d52-8d5c2f3b1a10';

describe('decimal and uuid logical types', () => {
  it.each(['0', '1', '-1', '0.0128', '-0.0129', '129.9', '-1234567.8912', '99999999999999.9999'])('round-trips %s exactly', (amount) => {
    expect(money.fromBuffer(money.toBuffer({ id, amount }))).toEqual({ id, amount });
  });

  it('normalises trailing zeros and writes the unscaled value as two’s complement', () => {
    expect((money.fromBuffer(money.toBuffer({ id, amount: '129.90' })) as { amount: string }).amount).toBe('129.9');
    // 1.28 at scale 4 = 12800 = 0x3200
    expect(money.toBuffer({ id, amount: '1.28' }).subarray(-3)).toEqual(Buffer.from([0x04, 0x32, 0x00]));
  });

  it('refuses more fraction digits than the scale, more digits than the precision, non-numbers and non-uuids, by field', () => {
    expect(invalidFields(money, { id, amount: '1.00001' })).toEqual([{ field: 'amount', value: '1.00001', expected: 'a valid decimal' }]);
    expect(invalidFields(money, { id, amount: '999999999999999' })).toHaveLength(1);
    expect(invalidFields(money, { id: 'SO-1', amount: 'ten' }).map((f) => f.field)).toEqual(['id', 'amount']);
    expect(invalidFields(money, { id, amount: '1', extra: true })).toHaveLength(1);
  });
});
