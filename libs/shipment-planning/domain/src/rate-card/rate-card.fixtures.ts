import type { Money } from '../money/money';
import type { RateCard } from './rate-card-document';

// Fixtures for the specs only (not exported from the package).

export const usd = (amount: string): Money => ({ amount, currency: 'USD' });

/** A parcel carrier: US holidays and its own closure the day after Thanksgiving; cut-off 17:00 at US-NJ1. */
export const parcelCard: RateCard = {
  rateCardId: 'parcelco-2026',
  carrierId: 'PARCELCO',
  currency: 'USD',
  effectiveFrom: '2026-01-01T00:00:00Z',
  dimensionalDivisorCm3PerKg: 5000,
  billableWeightIncrementKg: 0.5,
  fuelSurchargePercent: '10',
  accessorials: { residential: usd('4.00') },
  sites: [{ siteId: 'US-NJ1', pickupCutOff: '17:00' }],
  carrierCalendar: { holidaysOf: { country: 'US' }, closedDates: ['2026-11-27'] },
  services: [
    {
      serviceLevel: 'GROUND',
      transitBusinessDays: 3,
      zones: [
        { zoneId: 'US', countryCode: 'US' },
        { zoneId: 'US-NY-METRO', countryCode: 'US', postalPrefixes: ['100', '101', '07'], transitBusinessDays: 1 },
      ],
      weightBreaks: [
        { upToKg: 10, ratePerKg: usd('2.00') },
        { upToKg: 50, ratePerKg: usd('1.50') },
        { upToKg: 500, ratePerKg: usd('1.20') },
      ],
      minimumCharge: usd('8.00'),
      maxPackageWeightKg: 30,
      hazmatAccepted: true,
    },
    {
      serviceLevel: '2DAY',
      transitBusinessDays: 2,
      zones: [{ zoneId: 'US', countryCode: 'US' }],
      weightBreaks: [
        { upToKg: 10, ratePerKg: usd('4.00') },
        { upToKg: 50, ratePerKg: usd('3.50') },
      ],
      minimumCharge: usd('15.00'),
      maxPackageWeightKg: 30,
      hazmatAccepted: false,
    },
    {
      serviceLevel: 'OVERNIGHT',
      transitBusinessDays: 1,
      zones: [{ zoneId: 'US', countryCode: 'US' }],
      weightBreaks: [
        { upToKg: 10, ratePerKg: usd('9.00') },
        { upToKg: 50, ratePerKg: usd('8.00') },
      ],
      minimumCharge: usd('30.00'),
      maxPackageWeightKg: 30,
      hazmatAccepted: false,
    },
  ],
};

/** An LTL carrier that works through public holidays; cut-off 14:00; liftgate on offer. */
export const ltlCard: RateCard = {
  rateCardId: 'freightline-2026',
  carrierId: 'FREIGHTLINE',
  currency: 'USD',
  effectiveFrom: '2026-01-01T00:00:00Z',
  dimensionalDivisorCm3PerKg: 4000,
  billableWeightIncrementKg: 1,
  fuelSurchargePercent: '22.5',
  accessorials: { residential: usd('50.00'), liftgate: usd('75.00') },
  sites: [{ siteId: 'US-NJ1', pickupCutOff: '14:00' }],
  services: [
    {
      serviceLevel: 'LTL',
      transitBusinessDays: 4,
      zones: [{ zoneId: 'US', countryCode: 'US' }],
      weightBreaks: [
        { upToKg: 500, ratePerKg: usd('0.60') },
        { upToKg: 5000, ratePerKg: usd('0.40') },
      ],
      minimumCharge: usd('120.00'),
      maxPackageWeightKg: 1000,
      hazmatAccepted: true,
    },
  ],
};

/** A deep copy of the parcel card, so a spec can break one field without touching the others. */
export function cardCopy(): RateCard {
  return JSON.parse(JSON.stringify(parcelCard)) as RateCard;
}
