/**
 * Units of measure: for stock (how an order line or a stock level counts a SKU) and for freight
 * (the weights and dimensions carriers rate on). Physical quantities are plain numbers: they
 * are measurements with a tolerance, not money. Results are rounded to a fixed number of
 * decimals so binary floating-point noise (0.1 + 0.2) never reaches a comparison or a message.
 */

// ---------------------------------------------------------------------------------------------
// Stock
// ---------------------------------------------------------------------------------------------

/**
 * Units a SKU is counted in. Discrete units (each, pack, case, pallet) take whole quantities;
 * measured units (kilogram, pound, metre) take decimals. Converting between them needs pack
 * data per SKU, which is not a rule of units.
 */
export const UNITS_OF_MEASURE = {
  EA: { discrete: true },
  PK: { discrete: true },
  CS: { discrete: true },
  PL: { discrete: true },
  KG: { discrete: false },
  LB: { discrete: false },
  M: { discrete: false },
} as const;

export type UnitOfMeasure = keyof typeof UNITS_OF_MEASURE;

export function isUnitOfMeasure(unit: string): unit is UnitOfMeasure {
  return Object.prototype.hasOwnProperty.call(UNITS_OF_MEASURE, unit);
}

/** Measured quantities are kept to 3 decimals so sums of decimals compare as people expect. */
export function roundQuantity(quantity: number): number {
  return Math.round(quantity * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Freight
// ---------------------------------------------------------------------------------------------

/** Decimals kept by freight conversions and dimensional weight (in kilograms, a milligram). */
export const MEASUREMENT_DECIMALS = 6;

/** Kilograms per unit. The pound is exactly 0.45359237 kg (1959 international agreement), the ounce a sixteenth of it. */
export const WEIGHT_UNITS = {
  KG: 1,
  G: 0.001,
  LB: 0.45359237,
  OZ: 0.028349523125,
} as const;

export type WeightUnit = keyof typeof WEIGHT_UNITS;

/** Centimetres per unit. The inch is exactly 2.54 cm, the foot 12 inches. */
export const LENGTH_UNITS = {
  CM: 1,
  M: 100,
  MM: 0.1,
  IN: 2.54,
  FT: 30.48,
} as const;

export type LengthUnit = keyof typeof LENGTH_UNITS;

export function isWeightUnit(unit: string): unit is WeightUnit {
  return Object.prototype.hasOwnProperty.call(WEIGHT_UNITS, unit);
}

export function isLengthUnit(unit: string): unit is LengthUnit {
  return Object.prototype.hasOwnProperty.call(LENGTH_UNITS, unit);
}

/** `value` × 10^places, done on its decimal digits so no binary rounding creeps in. */
function shift(value: number, places: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

/**
 * `value` rounded half away from zero to `decimals` places, decided on its shortest decimal
 * form (0.0001245 → 0.000125) rather than on the binary float, where 0.0001245 × 10⁶ is
 * 124.49999999999999.
 */
function roundTo(value: number, decimals: number): number {
  const rounded = shift(Math.round(shift(Math.abs(value), decimals)), -decimals);
  return value < 0 ? -rounded : rounded;
}

function measurement(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${name}: not a finite number ≥ 0: ${value}`);
  return value;
}

/** A weight in kilograms, to `MEASUREMENT_DECIMALS` places. Throws on a negative or non-finite value or an unknown unit. */
export function toKilograms(value: number, unit: WeightUnit): number {
  if (!isWeightUnit(unit)) throw new RangeError(`not a weight unit: ${String(unit)}`);
  return roundTo(measurement(value, 'weight') * WEIGHT_UNITS[unit], MEASUREMENT_DECIMALS);
}

/** A length in centimetres, to `MEASUREMENT_DECIMALS` places. Throws on a negative or non-finite value or an unknown unit. */
export function toCentimetres(value: number, unit: LengthUnit): number {
  if (!isLengthUnit(unit)) throw new RangeError(`not a length unit: ${String(unit)}`);
  return roundTo(measurement(value, 'length') * LENGTH_UNITS[unit], MEASUREMENT_DECIMALS);
}

/**
 * The weight a carrier charges a parcel's space as: length × width × height (cm³) divided by
 * the carrier's divisor in cm³ per kg (5000 for most express services, 6000 for IATA air cargo,
 * 4000 for some road networks). Kilograms to `MEASUREMENT_DECIMALS` places; rounding up to a
 * rating increment (the next 0.5 kg) is the rate card's rule, not this one's.
 */
export function dimensionalWeightKg(lengthCm: number, widthCm: number, heightCm: number, divisorCm3PerKg: number): number {
  const volume = measurement(lengthCm, 'lengthCm') * measurement(widthCm, 'widthCm') * measurement(heightCm, 'heightCm');
  if (typeof divisorCm3PerKg !== 'number' || !Number.isFinite(divisorCm3PerKg) || divisorCm3PerKg <= 0)
    throw new RangeError(`divisorCm3PerKg: not a finite number > 0: ${divisorCm3PerKg}`);
  return roundTo(volume / divisorCm3PerKg, MEASUREMENT_DECIMALS);
}
