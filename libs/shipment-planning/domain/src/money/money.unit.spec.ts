import { addMoney, compareMoney, CurrencyMismatchError, isCurrencyCode, isDecimalString, minorUnits, money, subtractMoney, sumMoney } from './money';

describe('money', () => {
  it('adds exactly, where floats would not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addMoney(money('0.1', 'USD'), money('0.2', 'USD'))).toEqual({ amount: '0.30', currency: 'USD' });
    expect(sumMoney([money('19.99', 'EUR'), money('0.01', 'EUR'), money('100', 'EUR')], 'EUR')).toEqual({ amount: '120.00', currency: 'EUR' });
    expect(sumMoney([], 'GBP')).toEqual({ amount: '0.00', currency: 'GBP' });
  });

  it('rounds half up to the currency minor unit', () => {
    expect(money('1.005', 'USD').amount).toBe('1.01');
    expect(money('1.0049', 'USD').amount).toBe('1.00');
    expect(money('1234.5', 'JPY').amount).toBe('1235');
    expect(money('1.2345', 'KWD').amount).toBe('1.235');
    expect([minorUnits('USD'), minorUnits('JPY'), minorUnits('BHD')]).toEqual([2, 0, 3]);
  });

  it('never mixes currencies', () => {
    expect(() => addMoney(money('1', 'USD'), money('1', 'EUR'))).toThrow(CurrencyMismatchError);
    expect(() => compareMoney(money('1', 'USD'), money('1', 'EUR'))).toThrow(/USD and EUR/);
    expect(() => sumMoney([money('1', 'EUR')], 'USD')).toThrow(CurrencyMismatchError);
  });

  it('compares and subtracts', () => {
    expect(compareMoney(money('8.80', 'USD'), money('8.8', 'USD'))).toBe(0);
    expect(compareMoney(money('8.79', 'USD'), money('8.80', 'USD'))).toBeLessThan(0);
    expect(subtractMoney(money('10', 'USD'), money('12.5', 'USD'))).toEqual({ amount: '-2.50', currency: 'USD' });
  });

  it('recognises decimal strings and currency codes', () => {
    expect(['0', '12', '12.50', '0.125'].every(isDecimalString)).toBe(true);
    expect([12.5, '-1', '1e3', '12.', '.5', ' 1', ''].some(isDecimalString)).toBe(false);
    expect(isCurrencyCode('USD')).toBe(true);
    expect([isCurrencyCode('usd'), isCurrencyCode('US'), isCurrencyCode(840)]).toEqual([false, false, false]);
  });
});
