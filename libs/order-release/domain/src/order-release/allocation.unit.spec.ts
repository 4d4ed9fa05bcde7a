import { allocate, availableToOrder } from './allocation';
import { ReleaseLine } from './order-release';

const line = (sku: string, quantity: number, unitOfMeasure: ReleaseLine['unitOfMeasure'] = 'EA', lineNumbers = [1]): ReleaseLine => ({ sku, quantity, unitOfMeasure, lineNumbers });
const position = (available: number, awaitedByOlderOrders = 0) => ({ available, awaitedByOlderOrders });

describe('allocation rule', () => {
  it('what an order may take is what is available minus what older orders wait for, never negative', () => {
    expect(availableToOrder(position(10, 4))).toBe(6);
    expect(availableToOrder(position(10, 40))).toBe(0);
    expect(availableToOrder(position(-3))).toBe(0);
    expect(availableToOrder(undefined)).toBe(0);
  });

  describe('SHIP_COMPLETE', () => {
    it('reserves every line in full when all are available', () => {
      expect(allocate([line('A', 5), line('B', 2, 'CS', [2])], { A: position(5), B: position(9) }, 'SHIP_COMPLETE')).toEqual({
        reserve: [line('A', 5), line('B', 2, 'CS', [2])],
        backorder: [],
        shortages: [],
      });
    });

    it('reserves nothing when one line is short, and names each short line', () => {
      expect(allocate([line('A', 5), line('B', 2, 'EA', [2]), line('C', 1, 'EA', [3])], { A: position(4), B: position(9) }, 'SHIP_COMPLETE')).toEqual({
        reserve: [],
        backorder: [line('A', 5), line('B', 2, 'EA', [2]), line('C', 1, 'EA', [3])],
        shortages: [
          { sku: 'A', requested: 5, available: 4, unitOfMeasure: 'EA' },
          { sku: 'C', requested: 1, available: 0, unitOfMeasure: 'EA' },
        ],
      });
    });
  });

  describe('ALLOW_PARTIAL', () => {
    it('reserves what is available per line and backorders the rest', () => {
      expect(allocate([line('A', 5), line('B', 2, 'EA', [2]), line('C', 1, 'EA', [3])], { A: position(4), B: position(9) }, 'ALLOW_PARTIAL')).toEqual({
        reserve: [line('A', 4), line('B', 2, 'EA', [2])],
        backorder: [line('A', 1), line('C', 1, 'EA', [3])],
        shortages: [
          { sku: 'A', requested: 5, available: 4, unitOfMeasure: 'EA' },
          { sku: 'C', requested: 1, available: 0, unitOfMeasure: 'EA' },
        ],
      });
    });

    it('reserves whole units of discrete units and exact amounts of measured ones', () => {
      const result = allocate([line('BOX', 3, 'CS'), line('WIRE', 20, 'M', [2])], { BOX: position(2.9), WIRE: position(12.345) }, 'ALLOW_PARTIAL');
      expect(result.reserve).toEqual([line('BOX', 2, 'CS'), line('WIRE', 12.345, 'M', [2])]);
      expect(result.backorder).toEqual([line('BOX', 1, 'CS'), line('WIRE', 7.655, 'M', [2])]);
    });

    it('reserves nothing when nothing at all is available', () => {
      expect(allocate([line('A', 5)], { A: position(0.5) }, 'ALLOW_PARTIAL')).toEqual({
        reserve: [],
        backorder: [line('A', 5)],
        shortages: [{ sku: 'A', requested: 5, available: 0, unitOfMeasure: 'EA' }],
      });
    });

    it('leaves stock older orders wait for', () => {
      expect(allocate([line('A', 5)], { A: position(10, 7) }, 'ALLOW_PARTIAL').reserve).toEqual([line('A', 3)]);
    });
  });

  it('does not share its lines with the caller (no aliasing into events)', () => {
    const input = [line('A', 5)];
    const result = allocate(input, { A: position(5) }, 'SHIP_COMPLETE');
    result.reserve[0].lineNumbers.push(99);
    expect(input[0].lineNumbers).toEqual([1]);
  });
});
