import { ltlCard, parcelCard, usd } from './freight-options.fixtures';
import type { FreightPackage } from './freight-request';
import { billableWeights, priceShipment, weightBreakFor } from './pricing';

const ground = parcelCard.services[0];
const noExtras = { residential: false, liftgate: false };
const pkg = (packageId: string, weight: number, sides: [number, number, number], weightUnit: FreightPackage['weightUnit'] = 'KG', lengthUnit: FreightPackage['lengthUnit'] = 'CM'): FreightPackage => ({
  packageId,
  weight,
  weightUnit,
  length: sides[0],
  width: sides[1],
  height: sides[2],
  lengthUnit,
});

describe('billableWeights', () => {
  it('charges the dimensional weight when the package is light for its size', () => {
    // 2 lb = 0.907185 kg; 16 × 12 × 10 in = 40.64 × 30.48 × 25.4 cm = 31,463.16288 cm³; / 5000 = 6.292633 kg → up to 6.5
    expect(billableWeights([pkg('PILLOWS', 2, [16, 12, 10], 'LB', 'IN')], parcelCard)).toEqual([{ packageId: 'PILLOWS', actualKg: 0.907185, dimensionalKg: 6.292633, billableKg: 6.5 }]);
  });

  it('charges the actual weight when it is the heavier, rounded up to the increment', () => {
    expect(billableWeights([pkg('BOLTS', 4.01, [20, 20, 10])], parcelCard)).toEqual([{ packageId: 'BOLTS', actualKg: 4.01, dimensionalKg: 0.8, billableKg: 4.5 }]);
    expect(billableWeights([pkg('EXACT', 4.5, [20, 20, 10])], parcelCard)[0].billableKg).toBe(4.5);
  });

  it('uses each carrier its own divisor and increment', () => {
    // LTL: divisor 4000, whole kg: 60 × 40 × 50 cm = 120,000 cm³ / 4000 = 30 kg against 12.2 actual
    expect(billableWeights([pkg('CRATE', 12.2, [60, 40, 50])], ltlCard)).toEqual([{ packageId: 'CRATE', actualKg: 12.2, dimensionalKg: 30, billableKg: 30 }]);
    expect(billableWeights([pkg('CRATE', 12.2, [60, 40, 50])], parcelCard)[0]).toMatchObject({ dimensionalKg: 24, billableKg: 24 });
  });
});

describe('weightBreakFor', () => {
  it('takes the first break whose upper bound is at least the weight, inclusive', () => {
    expect(weightBreakFor(ground.weightBreaks, 10)?.upToKg).toBe(10);
    expect(weightBreakFor(ground.weightBreaks, 10.5)?.upToKg).toBe(50);
    expect(weightBreakFor(ground.weightBreaks, 500)?.upToKg).toBe(500);
    expect(weightBreakFor(ground.weightBreaks, 500.5)).toBeUndefined();
  });
});

describe('priceShipment', () => {
  it('applies the minimum charge when the weight charge is below it', () => {
    const price = priceShipment([pkg('P1', 1, [10, 10, 10])], parcelCard, ground, noExtras);
    expect(price).toMatchObject({ billableWeightKg: 1, weightCharge: '2.00', minimumCharge: '8.00', minimumApplied: true, freightCharge: '8.00', fuelSurcharge: '0.80', total: usd('8.80') });
  });

  it('rates the whole shipment in the break of its total billable weight', () => {
    // 3 × 4.5 kg = 13.5 kg → the 10–50 kg break at 1.50/kg = 20.25; fuel 10% = 2.025 → 2.03 (half up)
    const packages = ['A', 'B', 'C'].map((id) => pkg(id, 4.5, [20, 20, 10]));
    expect(priceShipment(packages, parcelCard, ground, noExtras)).toMatchObject({
      billableWeightKg: 13.5,
      weightBreakUpToKg: 50,
      ratePerKg: '1.50',
      weightCharge: '20.25',
      minimumApplied: false,
      fuelSurcharge: '2.03',
      total: usd('22.28'),
    });
  });

  it('adds accessorials flat, without fuel surcharge, only when needed and on the card', () => {
    const packages = [pkg('P1', 200, [100, 80, 60])];
    // LTL: 200 actual vs 480,000 / 4000 = 120 → 200 kg × 0.60 = 120.00 (= minimum, not above it); fuel 22.5% = 27.00
    expect(priceShipment(packages, ltlCard, ltlCard.services[0], { residential: true, liftgate: true })).toMatchObject({
      freightCharge: '120.00',
      minimumApplied: false,
      fuelSurcharge: '27.00',
      accessorials: [
        { code: 'RESIDENTIAL', amount: '50.00' },
        { code: 'LIFTGATE', amount: '75.00' },
      ],
      total: usd('272.00'),
    });
    // The parcel card has no liftgate: nothing to add (the option is ineligible for a liftgate delivery, see freightOptionsFor)
    expect(priceShipment([pkg('P1', 4, [30, 20, 10])], parcelCard, ground, { residential: true, liftgate: true })?.accessorials).toEqual([{ code: 'RESIDENTIAL', amount: '4.00' }]);
  });

  it('cannot price a shipment beyond the last weight break', () => {
    const packages = Array.from({ length: 17 }, (_, i) => pkg(`P${i}`, 30, [40, 40, 40]));
    expect(priceShipment(packages, parcelCard, ground, noExtras)).toBeUndefined();
  });

  it('prices with exact decimals: the lines always add up to the total', () => {
    const price = priceShipment([pkg('P1', 3.3, [10, 10, 10]), pkg('P2', 3.3, [10, 10, 10]), pkg('P3', 3.3, [10, 10, 10])], { ...parcelCard, fuelSurchargePercent: '7.35' }, ground, noExtras);
    // 3 × 3.5 = 10.5 kg → 1.50/kg = 15.75; fuel 7.35% = 1.157625 → 1.16; total 16.91
    expect(price).toMatchObject({ billableWeightKg: 10.5, weightCharge: '15.75', fuelSurcharge: '1.16', total: usd('16.91') });
  });
});
