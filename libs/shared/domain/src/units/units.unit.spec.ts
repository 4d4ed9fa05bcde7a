import { dimensionalWeightKg, isLengthUnit, isUnitOfMeasure, isWeightUnit, roundQuantity, toCentimetres, toKilograms, UNITS_OF_MEASURE } from './units';

describe('units', () => {
  describe('given stock units of measure', () => {
    it('when asked which units exist then EA, PK, CS, PL are discrete and KG, LB, M measured', () => {
      expect(Object.entries(UNITS_OF_MEASURE).map(([unit, { discrete }]) => `${unit}:${discrete}`)).toEqual([
        'EA:true',
        'PK:true',
        'CS:true',
        'PL:true',
        'KG:false',
        'LB:false',
        'M:false',
      ]);
    });

    it('when a unit is not in the table (lower case, or an inherited property name) then it is not a unit', () => {
      expect(isUnitOfMeasure('EA')).toBe(true);
      expect(isUnitOfMeasure('ea')).toBe(false);
      expect(isUnitOfMeasure('BOX')).toBe(false);
      expect(isUnitOfMeasure('toString')).toBe(false);
    });

    it('when measured quantities are summed then they are kept to 3 decimals', () => {
      expect(roundQuantity(0.1 + 0.2)).toBe(0.3);
      expect(roundQuantity(2.0004)).toBe(2);
      expect(roundQuantity(2.0006)).toBe(2.001);
      expect(roundQuantity(7)).toBe(7);
    });
  });

  describe('given freight weights', () => {
    it('when converted to kilograms then the exact international factors apply', () => {
      expect(toKilograms(1, 'LB')).toBe(0.453592);
      expect(toKilograms(100, 'LB')).toBe(45.359237);
      expect(toKilograms(16, 'OZ')).toBe(0.453592);
      expect(toKilograms(2.2, 'LB')).toBe(0.997903);
      expect(toKilograms(1500, 'G')).toBe(1.5);
      expect(toKilograms(12.5, 'KG')).toBe(12.5);
    });

    it('when the sixth decimal is a half then it rounds up on the decimal digits, not the binary float', () => {
      expect(toKilograms(0.0001245, 'KG')).toBe(0.000125);
    });

    it('when a weight is negative, not finite or in an unknown unit then it refuses', () => {
      expect(() => toKilograms(-1, 'KG')).toThrow(RangeError);
      expect(() => toKilograms(Number.NaN, 'KG')).toThrow(RangeError);
      expect(() => toKilograms(1, 'ST' as never)).toThrow(/not a weight unit: ST/);
      expect(isWeightUnit('OZ')).toBe(true);
      expect(isWeightUnit('CM')).toBe(false);
    });
  });

  describe('given freight lengths', () => {
    it('when converted to centimetres then the inch is 2.54 cm and the foot 30.48 cm exactly', () => {
      expect(toCentimetres(1, 'IN')).toBe(2.54);
      expect(toCentimetres(12, 'IN')).toBe(30.48);
      expect(toCentimetres(1, 'FT')).toBe(30.48);
      expect(toCentimetres(0.3, 'M')).toBe(30);
      expect(toCentimetres(25, 'MM')).toBe(2.5);
      expect(toCentimetres(48, 'IN')).toBe(121.92);
    });

    it('when a length is in an unknown unit then it refuses', () => {
      expect(() => toCentimetres(1, 'YD' as never)).toThrow(/not a length unit: YD/);
      expect(isLengthUnit('FT')).toBe(true);
      expect(isLengthUnit('KG')).toBe(false);
    });
  });

  describe('given a parcel’s dimensions and a carrier divisor', () => {
    it('when the divisor is 5000 cm³/kg then 50 × 40 × 30 cm weighs 12 kg dimensionally', () => {
      expect(dimensionalWeightKg(50, 40, 30, 5000)).toBe(12);
    });

    it('when the divisor is 6000 (air cargo) then a 33 cm cube weighs 5.9895 kg', () => {
      expect(dimensionalWeightKg(33, 33, 33, 6000)).toBe(5.9895);
    });

    it('when dimensions come in inches then converting first gives the same rule (a 12 in cube at 5000)', () => {
      const side = toCentimetres(12, 'IN');
      expect(dimensionalWeightKg(side, side, side, 5000)).toBe(5.663369);
    });

    it('when a dimension is negative or the divisor not positive then it refuses', () => {
      expect(() => dimensionalWeightKg(-1, 40, 30, 5000)).toThrow(/lengthCm/);
      expect(() => dimensionalWeightKg(50, 40, 30, 0)).toThrow(/divisorCm3PerKg/);
    });
  });
});
