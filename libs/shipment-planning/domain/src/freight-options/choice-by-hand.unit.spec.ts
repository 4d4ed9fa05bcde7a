import { addBusinessDays, pickupDate } from '@lading/shared-domain';
import type { RateCard } from '../rate-card/rate-card-document';
import { carrierCalendarIn, chooseOption, freightOptionsFor, promiseDateOf, type FreightRequest, type RateCardVersion } from '../index';

/**
 * A choice recomputed by hand from two small cards, step by step, the way an end-to-end test
 * can check what the service chose. Every number below is worked out in the comments.
 */
const usd = (amount: string) => ({ amount, currency: 'USD' });
const swift: RateCard = {
  rateCardId: 'swift-2026',
  carrierId: 'SWIFT',
  currency: 'USD',
  effectiveFrom: '2026-01-01T00:00:00Z',
  dimensionalDivisorCm3PerKg: 5000,
  billableWeightIncrementKg: 0.5,
  fuelSurchargePercent: '15',
  accessorials: { residential: usd('3.50') },
  sites: [{ siteId: 'DEN1', pickupCutOff: '16:00' }],
  services: [
    { serviceLevel: 'EXPRESS', transitBusinessDays: 1, zones: [{ zoneId: 'US', countryCode: 'US' }], weightBreaks: [{ upToKg: 20, ratePerKg: usd('5.00') }], minimumCharge: usd('12.00'), maxPackageWeightKg: 25, hazmatAccepted: false },
    { serviceLevel: 'STANDARD', transitBusinessDays: 2, zones: [{ zoneId: 'US', countryCode: 'US' }], weightBreaks: [{ upToKg: 20, ratePerKg: usd('2.50') }], minimumCharge: usd('12.00'), maxPackageWeightKg: 25, hazmatAccepted: false },
  ],
};
const budget: RateCard = {
  rateCardId: 'budget-2026',
  carrierId: 'BUDGET',
  currency: 'USD',
  effectiveFrom: '2026-01-01T00:00:00Z',
  dimensionalDivisorCm3PerKg: 6000,
  billableWeightIncrementKg: 1,
  fuelSurchargePercent: '0',
  sites: [{ siteId: 'DEN1', pickupCutOff: '16:00' }],
  services: [{ serviceLevel: 'ECONOMY', transitBusinessDays: 2, zones: [{ zoneId: 'US', countryCode: 'US' }], weightBreaks: [{ upToKg: 20, ratePerKg: usd('3.00') }], minimumCharge: usd('10.00'), maxPackageWeightKg: 25, hazmatAccepted: false }],
};
const versions: RateCardVersion[] = [swift, budget].map((card) => ({ rateCardId: card.rateCardId, version: 1, effectiveFrom: '2026-01-01T00:00:00.000Z', card, publishedAt: '2025-12-01T00:00:00.000Z' }));

/** One 1.5 kg carton of 40 × 30 × 20 cm to a home in Los Angeles, promised by 23:30 on Thursday 16 April (Los Angeles time). */
const shipment: FreightRequest = {
  siteId: 'DEN1',
  packages: [{ packageId: 'C1', weight: 1.5, weightUnit: 'KG', length: 40, width: 30, height: 20, lengthUnit: 'CM' }],
  shipTo: { name: 'R. Diaz', line1: '1 Sunset Blvd', city: 'Los Angeles', region: 'CA', postalCode: '90026', countryCode: 'US', residential: true },
  promisedDeliveryAt: '2026-04-17T06:30:00Z',
  hazmat: false,
  liftgateRequired: false,
  currency: 'USD',
};
/** Wednesday 15 April 2026, 14:00 in Denver (MDT, UTC−6): before both cut-offs. */
const now = new Date('2026-04-15T20:00:00Z');
const zones = { siteTimeZone: 'America/Denver', consigneeTimeZone: 'America/Los_Angeles' };

describe('a choice recomputed by hand', () => {
  const options = freightOptionsFor(shipment, versions, zones, now);
  const total = (id: string) => options.find((o) => o.optionId === id)?.price?.total.amount;

  it('prices each service from its card', () => {
    // SWIFT: 40 × 30 × 20 = 24,000 cm³ / 5000 = 4.8 kg > 1.5 kg actual → up to 0.5 kg: 5.0 kg billable.
    //   EXPRESS  5.0 × 5.00 = 25.00 (≥ 12.00 minimum); fuel 15% = 3.75; residential 3.50 → 32.25
    //   STANDARD 5.0 × 2.50 = 12.50 (≥ 12.00 minimum); fuel 15% = 1.875 → 1.88; residential 3.50 → 17.88
    // BUDGET: 24,000 / 6000 = 4.0 kg → whole kg: 4 kg billable.
    //   ECONOMY  4 × 3.00 = 12.00 (≥ 10.00 minimum); fuel 0% = 0.00; no residential fee on the card → 12.00
    expect([total('swift-2026/EXPRESS'), total('swift-2026/STANDARD'), total('budget-2026/ECONOMY')]).toEqual(['32.25', '17.88', '12.00']);
  });

  it('dates each service and reads the promise in the consignee zone', () => {
    // Pickup: 14:00 MDT is before 16:00 on a Wednesday → Wednesday 15th. EXPRESS +1 → Thursday 16th; STANDARD, ECONOMY +2 → Friday 17th.
    expect(pickupDate(carrierCalendarIn(undefined, zones.siteTimeZone), now, '16:00')).toBe('2026-04-15');
    expect(addBusinessDays(carrierCalendarIn(undefined, zones.siteTimeZone), '2026-04-15', 2)).toBe('2026-04-17');
    // Promise: 06:30 UTC on the 17th is 23:30 PDT on Thursday 16th in Los Angeles (it would be the 17th in Denver).
    expect(promiseDateOf(shipment, zones)).toBe('2026-04-16');
    expect(options.map((o) => [o.optionId, o.estimatedDeliveryDate, o.meetsPromise])).toEqual([
      ['budget-2026/ECONOMY', '2026-04-17', false],
      ['swift-2026/EXPRESS', '2026-04-16', true],
      ['swift-2026/STANDARD', '2026-04-17', false],
    ]);
  });

  it('chooses the cheapest that meets the promise: only EXPRESS does', () => {
    const choice = chooseOption(options, { carrierOrder: [] });
    expect([choice.outcome, choice.chosen?.optionId, choice.chosen?.price.total.amount]).toEqual(['MEETS_PROMISE', 'swift-2026/EXPRESS', '32.25']);
    // Then the late ones, earliest first, cheaper first on the same day.
    expect(choice.ranking.map((o) => o.optionId)).toEqual(['swift-2026/EXPRESS', 'budget-2026/ECONOMY', 'swift-2026/STANDARD']);
  });

  it('chooses ECONOMY when the consignee is in Denver, where the promise is Friday', () => {
    const denver = freightOptionsFor(shipment, versions, { ...zones, consigneeTimeZone: 'America/Denver' }, now);
    expect(chooseOption(denver, { carrierOrder: [] }).chosen?.optionId).toBe('budget-2026/ECONOMY');
  });
});
