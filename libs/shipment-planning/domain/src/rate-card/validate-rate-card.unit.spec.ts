import { cardCopy, parcelCard } from './rate-card.fixtures';
import { validateRateCard } from './validate-rate-card';

type Loose = Record<string, unknown> & { services: Array<Record<string, unknown>> };

/** The fields named by the problems of a card changed by `edit`. */
function fieldsAfter(edit: (card: Loose) => void): string[] {
  const card = cardCopy() as unknown as Loose;
  edit(card);
  return validateRateCard(card).map((problem) => problem.field);
}

describe('validateRateCard', () => {
  it('accepts a complete card', () => {
    expect(validateRateCard(parcelCard)).toEqual([]);
  });

  it('refuses what is not an object', () => {
    expect(validateRateCard(null)).toEqual([{ field: '', problem: 'a rate card must be a JSON object' }]);
    expect(validateRateCard([])).toHaveLength(1);
  });

  it('names each missing top-level field', () => {
    expect(validateRateCard({}).map((p) => p.field)).toEqual([
      'rateCardId',
      'carrierId',
      'currency',
      'effectiveFrom',
      'dimensionalDivisorCm3PerKg',
      'billableWeightIncrementKg',
      'fuelSurchargePercent',
      'sites',
      'services',
    ]);
  });

  it('names a weight break that does not ascend by its JSON path', () => {
    const problems = validateRateCard({
      ...parcelCard,
      services: [{ ...parcelCard.services[0], weightBreaks: [...parcelCard.services[0].weightBreaks.slice(0, 2), { upToKg: 40, ratePerKg: { amount: '1', currency: 'USD' } }] }],
    });
    expect(problems).toEqual([{ field: 'services[0].weightBreaks[2].upToKg', problem: "40 is not above the previous break's 50: breaks ascend" }]);
  });

  it('refuses amounts as JSON numbers and amounts in another currency than the card', () => {
    expect(
      fieldsAfter((card) => {
        card.services[1].minimumCharge = { amount: 15, currency: 'USD' };
        card.services[2].minimumCharge = { amount: '30.00', currency: 'EUR' };
        card.accessorials = { residential: { amount: '4.00', currency: 'CAD' } };
      }),
    ).toEqual(['accessorials.residential.currency', 'services[1].minimumCharge.amount', 'services[2].minimumCharge.currency']);
    expect(fieldsAfter((card) => (card.fuelSurchargePercent = 10))).toEqual(['fuelSurchargePercent']);
  });

  it('checks the effective instant, the divisor, the increment and the currency code', () => {
    expect(
      fieldsAfter((card) => {
        card.effectiveFrom = '2026-01-01';
        card.dimensionalDivisorCm3PerKg = 0;
        card.billableWeightIncrementKg = -0.5;
        card.currency = 'usd';
      }),
    ).toEqual(['currency', 'effectiveFrom', 'dimensionalDivisorCm3PerKg', 'billableWeightIncrementKg']);
  });

  it('checks sites, cut-offs and the carrier calendar', () => {
    expect(
      fieldsAfter((card) => {
        card.sites = [
          { siteId: 'US-NJ1', pickupCutOff: '5pm' },
          { siteId: 'US-NJ1', pickupCutOff: '17:00' },
        ];
        card.carrierCalendar = { workingDays: [1, 8], holidaysOf: { country: 'XX' }, closedDates: ['2026-02-30'] };
      }),
    ).toEqual(['sites[0].pickupCutOff', 'sites[1].siteId', 'carrierCalendar.workingDays[1]', 'carrierCalendar.holidaysOf.country', 'carrierCalendar.closedDates[0]']);
  });

  it('checks each service: level, origins, transit, zones, breaks, weight limit and hazmat flag', () => {
    expect(
      fieldsAfter((card) => {
        card.services[1] = {
          serviceLevel: 'GROUND',
          originSiteIds: ['US-CA9'],
          transitBusinessDays: 1.5,
          zones: [
            { zoneId: 'A', countryCode: 'USA' },
            { zoneId: 'B', countryCode: 'US', postalPrefixes: [] },
            { zoneId: 'C', countryCode: 'US', postalPrefixes: [' '], transitBusinessDays: -1 },
          ],
          weightBreaks: [],
          minimumCharge: { amount: '1', currency: 'USD' },
          maxPackageWeightKg: '30',
        };
      }),
    ).toEqual([
      'services[1].serviceLevel',
      'services[1].originSiteIds[0]',
      'services[1].transitBusinessDays',
      'services[1].zones[0].countryCode',
      'services[1].zones[1].postalPrefixes',
      'services[1].zones[2].postalPrefixes[0]',
      'services[1].zones[2].transitBusinessDays',
      'services[1].weightBreaks',
      'services[1].maxPackageWeightKg',
      'services[1].hazmatAccepted',
    ]);
  });

  it('refuses two zones of a service that cover the same thing, and unknown accessorials', () => {
    expect(
      fieldsAfter((card) => {
        card.services[1].zones = [
          { zoneId: 'US', countryCode: 'US' },
          { zoneId: 'US-AGAIN', countryCode: 'US' },
        ];
        card.accessorials = { inside: { amount: '10.00', currency: 'USD' } };
      }),
    ).toEqual(['accessorials.inside', 'services[1].zones[1]']);
  });

  it('gives a readable problem for each field', () => {
    const [problem] = validateRateCard({ ...parcelCard, sites: [{ siteId: 'US-NJ1', pickupCutOff: '25:00' }] });
    expect(problem).toEqual({ field: 'sites[0].pickupCutOff', problem: 'not a local time (HH:mm): "25:00"' });
  });
});
