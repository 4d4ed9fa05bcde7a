import Decimal from 'decimal.js';

/**
 * Money is an exact decimal with its currency, never a float: `0.1 + 0.2` must be `0.30` on a
 * freight bill. Amounts travel as decimal strings (`"129.90"`), the form Avro's `Money.amount`
 * takes in TypeScript, and are computed with decimal.js (pinned exactly in the root
 * package.json; its CommonJS entry is what jest and Node load).
 */
export interface Money {
  /** Exact decimal string, e.g. `"129.90"`; never a JSON number. */
  amount: string;
  /** ISO 4217 alphabetic code, e.g. `USD`. */
  currency: string;
}

/**
 * A private decimal.js constructor, so no other code's `Decimal.set` can change our precision
 * or rounding. 40 significant digits is far beyond any freight amount; rounding to the currency's
 * minor unit is half up (half away from zero for the positive amounts we price).
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

/** Thrown when two amounts in different currencies would be added or compared: never converted silently. */
export class CurrencyMismatchError extends Error {
  constructor(a: string, b: string) {
    super(`currency mismatch: ${a} and ${b} cannot be combined`);
    this.name = 'CurrencyMismatchError';
  }
}

/** Currencies whose minor unit is not the cent (ISO 4217); every other currency has 2 decimals. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Three upper-case letters (`USD`, `EUR`); whether the code is assigned is the card owner's business. */
export function isCurrencyCode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code);
}

/** Decimals of the currency's minor unit: 2 for most, 0 for JPY or KRW, 3 for KWD or BHD. */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/** A non-negative decimal string: digits, optionally a point and more digits (`"12"`, `"12.50"`). */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value);
}

/** An amount rounded half up to the currency's minor unit, written with exactly that many decimals. */
export function money(amount: Dec | string, currency: string): Money {
  const places = minorUnits(currency);
  return { amount: new Dec(amount).toDecimalPlaces(places, Dec.ROUND_HALF_UP).toFixed(places), currency };
}

/** The exact decimal of an amount. */
export function decimalOf(value: Money | string): Dec {
  return new Dec(typeof value === 'string' ? value : value.amount);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

/** a + b, in their common currency (throws `CurrencyMismatchError` otherwise). */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(decimalOf(a).plus(decimalOf(b)), a.currency);
}

/** a − b, in their common currency (may be negative). */
export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(decimalOf(a).minus(decimalOf(b)), a.currency);
}

/** Negative, zero or positive as a is less than, equal to or more than b (same currency only). */
export function compareMoney(a: Money, b: Money): number {
  sameCurrency(a, b);
  return decimalOf(a).comparedTo(decimalOf(b));
}

/** The sum of amounts in `currency`; zero for an empty list. */
export function sumMoney(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce((total, amount) => addMoney(total, amount), money('0', currency));
}
