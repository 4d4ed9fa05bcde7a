import { fullTransactionId } from './commit-order';

describe('the 64-bit id of a 32-bit transaction id', () => {
  it('given ids around xmax in the same epoch, then they keep the epoch (also those above xmax: still in progress)', () => {
    expect(fullTransactionId(18_100n, 18_104n)).toBe(18_100n);
    expect(fullTransactionId(18_150n, 18_104n)).toBe(18_150n);
    expect(fullTransactionId(5n, (3n << 32n) | 10n)).toBe((3n << 32n) | 5n);
  });

  it('given an id from just before a wrap-around, then it is in the previous epoch; one just after, in the next', () => {
    const afterWrap = (3n << 32n) | 10n;
    expect(fullTransactionId(0xfffffff0n, afterWrap)).toBe((2n << 32n) | 0xfffffff0n);
    const beforeWrap = (3n << 32n) | 0xfffffff0n;
    expect(fullTransactionId(10n, beforeWrap)).toBe((4n << 32n) | 10n);
  });
});
