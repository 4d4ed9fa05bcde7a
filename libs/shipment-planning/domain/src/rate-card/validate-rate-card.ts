import { isCountryCode, isLocalTime, validateBusinessCalendar } from '@lading/shared-domain';
import { canonicalJson, FieldProblem, isIsoInstant } from '../field-problem';
import { isCurrencyCode, isDecimalString } from '../money/money';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** Collects problems while walking a card; `at` builds JSON paths. */
class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, problem: string): void {
    this.list.push({ field, problem });
  }
  text(field: string, value: unknown): void {
    if (!isNonBlank(value)) this.add(field, 'required: a non-blank string');
  }
  positive(field: string, value: unknown): void {
    if (!isPositiveNumber(value)) this.add(field, `not a number > 0: ${JSON.stringify(value)}`);
  }
  nonEmptyList(field: string, value: unknown): value is unknown[] {
    if (Array.isArray(value) && value.length > 0) return true;
    this.add(field, 'required: a non-empty list');
    return false;
  }
  money(field: string, value: unknown, currency: unknown): void {
    if (!isObject(value)) return this.add(field, 'required: { "amount": "12.50", "currency": "<the card\'s currency>" }');
    if (!isDecimalString(value.amount))
      this.add(`${field}.amount`, `not a decimal string ≥ 0 such as "12.50" (JSON numbers are refused: floats lose cents): ${JSON.stringify(value.amount)}`);
    // With no valid card currency to compare with, only the code itself can be checked.
    if (isCurrencyCode(currency) ? value.currency !== currency : !isCurrencyCode(value.currency))
      this.add(`${field}.currency`, `${JSON.stringify(value.currency)} is not the card's currency ${JSON.stringify(currency)}`);
  }
}

/**
 * Every problem with a rate card, each naming its field by JSON path
 * (`services[0].weightBreaks[2].upToKg`), in document order; empty when the card can be
 * published. Accepts any JSON: the HTTP API answers 400 with this list.
 */
export function validateRateCard(card: unknown): FieldProblem[] {
  const p = new Problems();
  if (!isObject(card)) {
    p.add('', 'a rate card must be a JSON object');
    return p.list;
  }
  p.text('rateCardId', card.rateCardId);
  p.text('carrierId', card.carrierId);
  if (!isCurrencyCode(card.currency)) p.add('currency', `not an ISO 4217 code (three capital letters): ${JSON.stringify(card.currency)}`);
  if (!isIsoInstant(card.effectiveFrom)) p.add('effectiveFrom', `not an ISO-8601 instant with offset (2026-01-01T00:00:00Z): ${JSON.stringify(card.effectiveFrom)}`);
  p.positive('dimensionalDivisorCm3PerKg', card.dimensionalDivisorCm3PerKg);
  p.positive('billableWeightIncrementKg', card.billableWeightIncrementKg);
  if (!isDecimalString(card.fuelSurchargePercent)) p.add('fuelSurchargePercent', `not a decimal string ≥ 0 such as "12.5": ${JSON.stringify(card.fuelSurchargePercent)}`);
  validateAccessorials(p, card.accessorials, card.currency);
  const siteIds = validateSites(p, card.sites);
  validateCarrierCalendar(p, card.carrierCalendar);
  if (p.nonEmptyList('services', card.services)) {
    const levels = new Set<string>();
    card.services.forEach((service, index) => {
      const path = `services[${index}]`;
      if (!isObject(service)) return p.add(path, 'not an object');
      if (isNonBlank(service.serviceLevel) && levels.has(service.serviceLevel)) p.add(`${path}.serviceLevel`, `${service.serviceLevel} is listed twice`);
      if (isNonBlank(service.serviceLevel)) levels.add(service.serviceLevel);
      validateService(p, path, service, card.currency, siteIds);
    });
  }
  return p.list;
}

function validateAccessorials(p: Problems, accessorials: unknown, currency: unknown): void {
  if (accessorials === undefined) return;
  if (!isObject(accessorials)) return p.add('accessorials', 'not an object');
  for (const [code, charge] of Object.entries(accessorials)) {
    if (code !== 'residential' && code !== 'liftgate') p.add(`accessorials.${code}`, 'unknown accessorial (known: residential, liftgate)');
    else if (charge !== undefined) p.money(`accessorials.${code}`, charge, currency);
  }
}

function validateSites(p: Problems, sites: unknown): Set<string> {
  const siteIds = new Set<string>();
  if (!p.nonEmptyList('sites', sites)) return siteIds;
  sites.forEach((site, index) => {
    const path = `sites[${index}]`;
    if (!isObject(site)) return p.add(path, 'not an object');
    p.text(`${path}.siteId`, site.siteId);
    if (isNonBlank(site.siteId) && siteIds.has(site.siteId)) p.add(`${path}.siteId`, `${site.siteId} is listed twice`);
    if (isNonBlank(site.siteId)) siteIds.add(site.siteId);
    if (!isLocalTime(site.pickupCutOff as string)) p.add(`${path}.pickupCutOff`, `not a local time (HH:mm): ${JSON.stringify(site.pickupCutOff)}`);
  });
  return siteIds;
}

function validateCarrierCalendar(p: Problems, calendar: unknown): void {
  if (calendar === undefined) return;
  if (!isObject(calendar)) return p.add('carrierCalendar', 'not an object');
  // The shared rules name their field first ("closedDates[0]: not a date ..."); the zone is irrelevant here.
  for (const problem of validateBusinessCalendar({ ...calendar, timeZone: 'UTC' })) {
    const split = problem.indexOf(': ');
    p.add(`carrierCalendar.${problem.slice(0, split)}`, problem.slice(split + 2));
  }
}

function validateService(p: Problems, path: string, service: Json, currency: unknown, siteIds: Set<string>): void {
  p.text(`${path}.serviceLevel`, service.serviceLevel);
  if (service.originSiteIds !== undefined && p.nonEmptyList(`${path}.originSiteIds`, service.originSiteIds))
    service.originSiteIds.forEach((siteId, index) => {
      if (typeof siteId !== 'string' || !siteIds.has(siteId)) p.add(`${path}.originSiteIds[${index}]`, `${JSON.stringify(siteId)} is not one of the card's sites`);
    });
  if (!isTransitDays(service.transitBusinessDays)) p.add(`${path}.transitBusinessDays`, `not a whole number of days ≥ 0: ${JSON.stringify(service.transitBusinessDays)}`);
  validateZones(p, path, service.zones);
  validateWeightBreaks(p, path, service.weightBreaks, currency);
  p.money(`${path}.minimumCharge`, service.minimumCharge, currency);
  p.positive(`${path}.maxPackageWeightKg`, service.maxPackageWeightKg);
  if (typeof service.hazmatAccepted !== 'boolean') p.add(`${path}.hazmatAccepted`, 'required: true or false');
}

function isTransitDays(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function validateZones(p: Problems, path: string, zones: unknown): void {
  if (!p.nonEmptyList(`${path}.zones`, zones)) return;
  const seen = new Set<string>();
  zones.forEach((zone, index) => {
    const zonePath = `${path}.zones[${index}]`;
    if (!isObject(zone)) return p.add(zonePath, 'not an object');
    p.text(`${zonePath}.zoneId`, zone.zoneId);
    if (typeof zone.countryCode !== 'string' || !isCountryCode(zone.countryCode))
      p.add(`${zonePath}.countryCode`, `not an ISO 3166-1 alpha-2 code (upper case): ${JSON.stringify(zone.countryCode)}`);
    if (zone.postalPrefixes !== undefined && p.nonEmptyList(`${zonePath}.postalPrefixes`, zone.postalPrefixes))
      zone.postalPrefixes.forEach((prefix, prefixIndex) => p.text(`${zonePath}.postalPrefixes[${prefixIndex}]`, prefix));
    if (zone.transitBusinessDays !== undefined && !isTransitDays(zone.transitBusinessDays))
      p.add(`${zonePath}.transitBusinessDays`, `not a whole number of days ≥ 0: ${JSON.stringify(zone.transitBusinessDays)}`);
    const coverage = canonicalJson([zone.countryCode, zone.postalPrefixes ?? null]);
    if (seen.has(coverage)) p.add(zonePath, 'covers exactly what an earlier zone of the service covers');
    seen.add(coverage);
  });
}

function validateWeightBreaks(p: Problems, path: string, breaks: unknown, currency: unknown): void {
  if (!p.nonEmptyList(`${path}.weightBreaks`, breaks)) return;
  let previous = 0;
  breaks.forEach((weightBreak, index) => {
    const breakPath = `${path}.weightBreaks[${index}]`;
    if (!isObject(weightBreak)) return p.add(breakPath, 'not an object');
    if (!isPositiveNumber(weightBreak.upToKg)) p.add(`${breakPath}.upToKg`, `not a number > 0: ${JSON.stringify(weightBreak.upToKg)}`);
    else if (weightBreak.upToKg <= previous) p.add(`${breakPath}.upToKg`, `${weightBreak.upToKg} is not above the previous break's ${previous}: breaks ascend`);
    else previous = weightBreak.upToKg;
    p.money(`${breakPath}.ratePerKg`, weightBreak.ratePerKg, currency);
  });
}
