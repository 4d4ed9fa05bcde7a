import type { RateCard } from '../rate-card/rate-card-document';
import type { RateCardVersion } from '../rate-card/rate-card';
import { ltlCard, parcelCard } from '../rate-card/rate-card.fixtures';
import type { FreightCalendars, FreightPackage, FreightRequest } from './freight-request';

// Fixtures for the specs only (not exported from the package).

export { ltlCard, parcelCard, usd } from '../rate-card/rate-card.fixtures';

/** 10:00 in New York on an ordinary Thursday; the next Monday (19 January 2026) is Martin Luther King Jr. Day. */
export const NOW = new Date('2026-01-15T15:00:00.000Z');

export function versionOf(card: RateCard, version = 1, effectiveFrom = card.effectiveFrom): RateCardVersion {
  return { rateCardId: card.rateCardId, version, effectiveFrom: new Date(effectiveFrom).toISOString(), card, publishedAt: '2025-12-20T09:00:00.000Z' };
}

export const cards: RateCardVersion[] = [versionOf(parcelCard), versionOf(ltlCard)];

export const box = (packageId = 'P1', weight = 4): FreightPackage => ({ packageId, weight, weightUnit: 'KG', length: 30, width: 20, height: 10, lengthUnit: 'CM' });

/** 4 kg to a Chicago business, promised by 17:00 Chicago time on Tuesday 20 January. */
export const request: FreightRequest = {
  siteId: 'US-NJ1',
  packages: [box()],
  shipTo: { name: 'Lakeside Tools', line1: '1 Wacker Dr', city: 'Chicago', region: 'IL', postalCode: '60601', countryCode: 'US', residential: false },
  promisedDeliveryAt: '2026-01-20T23:00:00.000Z',
  hazmat: false,
  liftgateRequired: false,
  currency: 'USD',
};

export const calendars: FreightCalendars = { siteTimeZone: 'America/New_York', consigneeTimeZone: 'America/Chicago' };
