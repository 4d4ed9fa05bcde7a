import { dimensionalWeightKg, toCentimetres, toKilograms } from '@lading/shared-domain';
import { Dec, decimalOf, money, sumMoney, type Money } from '../money/money';
import type { RateCard, ServiceRate, WeightBreak } from '../rate-card/rate-card-document';
import type { FreightPackage } from './freight-request';

/** How one package is weighed for rating, in kg. */
export interface PackageWeight {
  packageId: string;
  /** Gross weight converted to kg (6 decimals). */
  actualKg: number;
  /** L × W × H in cm / the card's divisor (6 decimals). */
  dimensionalKg: number;
  /** max(actual, dimensional) rounded up to the card's increment. */
  billableKg: number;
}

export type AccessorialCode = 'RESIDENTIAL' | 'LIFTGATE';

/**
 * Every line of a price, so a person (or an end-to-end test) can check it by hand. Amounts are
 * decimal strings in `total.currency`, each rounded half up to the currency's minor unit; the
 * total is the sum of the rounded lines.
 */
export interface PriceBreakdown {
  packages: PackageWeight[];
  /** Sum of the packages' billable weights. */
  billableWeightKg: number;
  /** The weight break that applied (the first whose upToKg ≥ billableWeightKg). */
  weightBreakUpToKg: number;
  ratePerKg: string;
  /** billableWeightKg × ratePerKg. */
  weightCharge: string;
  minimumCharge: string;
  /** True when the minimum charge exceeded the weight charge and replaced it. */
  minimumApplied: boolean;
  /** max(weightCharge, minimumCharge). */
  freightCharge: string;
  fuelSurchargePercent: string;
  /** freightCharge × fuelSurchargePercent / 100. */
  fuelSurcharge: string;
  accessorials: { code: AccessorialCode; amount: string }[];
  total: Money;
}

/** What the consignee needs that costs extra. */
export interface AccessorialNeeds {
  residential: boolean;
  liftgate: boolean;
}

/** Weighs each package the way the card rates it: the heavier of actual and dimensional weight, rounded up to the card's increment. */
export function billableWeights(packages: readonly FreightPackage[], card: Pick<RateCard, 'dimensionalDivisorCm3PerKg' | 'billableWeightIncrementKg'>): PackageWeight[] {
  const increment = new Dec(String(card.billableWeightIncrementKg));
  return packages.map((pkg) => {
    const actualKg = toKilograms(pkg.weight, pkg.weightUnit);
    const [length, width, height] = [pkg.length, pkg.width, pkg.height].map((side) => toCentimetres(side, pkg.lengthUnit));
    const dimensionalKg = dimensionalWeightKg(length, width, height, card.dimensionalDivisorCm3PerKg);
    const heavier = new Dec(String(Math.max(actualKg, dimensionalKg)));
    const billableKg = heavier.dividedBy(increment).toDecimalPlaces(0, Dec.ROUND_CEIL).times(increment).toNumber();
    return { packageId: pkg.packageId, actualKg, dimensionalKg, billableKg };
  });
}

/** The break a shipment of `billableKg` is rated in: the first whose `upToKg` is at least that; undefined past the last. */
export function weightBreakFor(breaks: readonly WeightBreak[], billableKg: number): WeightBreak | undefined {
  const weight = new Dec(String(billableKg));
  return breaks.find((weightBreak) => weight.lessThanOrEqualTo(String(weightBreak.upToKg)));
}

/**
 * Prices a shipment with one service of a card (see `RateCard` for the rule). Undefined when the
 * shipment's billable weight is beyond the service's last weight break (the service cannot carry it).
 */
export function priceShipment(packages: readonly FreightPackage[], card: RateCard, service: ServiceRate, needs: AccessorialNeeds): PriceBreakdown | undefined {
  const { currency } = card;
  const weights = billableWeights(packages, card);
  const billable = weights.reduce((sum, weight) => sum.plus(String(weight.billableKg)), new Dec(0));
  const weightBreak = weightBreakFor(service.weightBreaks, billable.toNumber());
  if (!weightBreak) return undefined;

  const weightCharge = money(billable.times(decimalOf(weightBreak.ratePerKg)), currency);
  const minimumCharge = money(service.minimumCharge.amount, currency);
  const minimumApplied = decimalOf(minimumCharge).greaterThan(decimalOf(weightCharge));
  const freightCharge = minimumApplied ? minimumCharge : weightCharge;
  const fuelSurcharge = money(decimalOf(freightCharge).times(card.fuelSurchargePercent).dividedBy(100), currency);
  const accessorials: PriceBreakdown['accessorials'] = [];
  const residential = card.accessorials?.residential;
  if (needs.residential && residential) accessorials.push({ code: 'RESIDENTIAL', amount: money(residential.amount, currency).amount });
  const liftgate = card.accessorials?.liftgate;
  if (needs.liftgate && liftgate) accessorials.push({ code: 'LIFTGATE', amount: money(liftgate.amount, currency).amount });
  const total = sumMoney([freightCharge, fuelSurcharge, ...accessorials.map(({ amount }) => ({ amount, currency }))], currency);

  return {
    packages: weights,
    billableWeightKg: billable.toNumber(),
    weightBreakUpToKg: weightBreak.upToKg,
    ratePerKg: weightBreak.ratePerKg.amount,
    weightCharge: weightCharge.amount,
    minimumCharge: minimumCharge.amount,
    minimumApplied,
    freightCharge: freightCharge.amount,
    fuelSurchargePercent: card.fuelSurchargePercent,
    fuelSurcharge: fuelSurcharge.amount,
    accessorials,
    total,
  };
}
