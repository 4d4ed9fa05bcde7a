import { compareLocalDates, toKilograms, type LocalDate } from '@lading/shared-domain';
import type { ServiceRate } from '../rate-card/rate-card-document';
import type { RateCardVersion } from '../rate-card/rate-card';
import { estimateDelivery, promiseDateFor, zoneFor } from './delivery-dates';
import { FreightCalendars, FreightRequest, InvalidFreightRequestError, validateFreightRequest } from './freight-request';
import { priceShipment, type PriceBreakdown } from './pricing';

export type IneligibilityCode =
  | 'CURRENCY_MISMATCH'
  | 'ORIGIN_NOT_SERVED'
  | 'DESTINATION_NOT_COVERED'
  | 'PACKAGE_OVER_MAX_WEIGHT'
  | 'SHIPMENT_OVER_MAX_WEIGHT'
  | 'HAZMAT_NOT_ACCEPTED'
  | 'LIFTGATE_NOT_OFFERED';

/** Why a service cannot take the shipment; `message` is for people. */
export interface Ineligibility {
  code: IneligibilityCode;
  message: string;
}

/**
 * One carrier service of one card, evaluated for a request. Every reason it is ineligible is
 * listed; what could still be worked out is given (a service that does not accept hazmat is
 * still priced and dated, so a planner sees what it would have cost).
 */
export interface FreightOption {
  /** `<rateCardId>/<serviceLevel>`: unique within a plan. */
  optionId: string;
  rateCardId: string;
  rateCardVersion: number;
  carrierId: string;
  serviceLevel: string;
  eligible: boolean;
  /** Empty when eligible. */
  ineligibility: Ineligibility[];
  /** The destination zone that covers the ship-to; absent when none does. */
  zoneId?: string;
  /** Absent when the service cannot be rated (destination not covered, beyond the last weight break). */
  price?: PriceBreakdown;
  /** Absent when the card has no cut-off at the origin site. */
  pickupDate?: LocalDate;
  transitBusinessDays?: number;
  estimatedDeliveryDate?: LocalDate;
  /** estimatedDeliveryDate ≤ the promise date (consignee's zone); absent without an estimate. */
  meetsPromise?: boolean;
}

/** An option that can be booked: eligible, so priced and dated. */
export type EligibleFreightOption = FreightOption & Required<Pick<FreightOption, 'price' | 'pickupDate' | 'transitBusinessDays' | 'estimatedDeliveryDate' | 'meetsPromise'>>;

export function isEligible(option: FreightOption): option is EligibleFreightOption {
  return option.eligible;
}

/** The promised delivery as a local date in the consignee's zone: what `meetsPromise` compares with. */
export function promiseDateOf(request: Pick<FreightRequest, 'promisedDeliveryAt'>, calendars: Pick<FreightCalendars, 'consigneeTimeZone'>): LocalDate {
  return promiseDateFor(request.promisedDeliveryAt, calendars.consigneeTimeZone);
}

/**
 * Every carrier service of every card in force at `now`, evaluated for the request: eligible or
 * not and why, priced, and dated against the promise. `cards` may hold several versions of a card
 * (or only the effective ones, see `effectiveRateCards`): per card the version with the latest
 * `effectiveFrom` at or before `now` is used (on a tie, the latest published); cards not yet in
 * force are left out. Options come ordered by card id, then in the card's service order.
 *
 * Throws `InvalidFreightRequestError` (non-retriable) when the request or calendars are unusable.
 */
export function freightOptionsFor(request: FreightRequest, cards: readonly RateCardVersion[], calendars: FreightCalendars, now: Date): FreightOption[] {
  const problems = validateFreightRequest(request, calendars);
  if (problems.length > 0) throw new InvalidFreightRequestError(problems);
  const promiseDate = promiseDateOf(request, calendars);
  return cardsInForce(cards, now).flatMap((version) => version.card.services.map((service) => evaluate(request, version, service, calendars, promiseDate, now)));
}

function cardsInForce(cards: readonly RateCardVersion[], now: Date): RateCardVersion[] {
  const inForce = new Map<string, RateCardVersion>();
  for (const version of cards) {
    const from = Date.parse(version.effectiveFrom);
    if (from > now.getTime()) continue;
    const current = inForce.get(version.rateCardId);
    const currentFrom = current ? Date.parse(current.effectiveFrom) : -Infinity;
    if (!current || from > currentFrom || (from === currentFrom && version.version > current.version)) inForce.set(version.rateCardId, version);
  }
  return [...inForce.values()].sort((a, b) => (a.rateCardId < b.rateCardId ? -1 : a.rateCardId > b.rateCardId ? 1 : 0));
}

function evaluate(request: FreightRequest, version: RateCardVersion, service: ServiceRate, calendars: FreightCalendars, promiseDate: LocalDate, now: Date): FreightOption {
  const { card } = version;
  const ineligibility: Ineligibility[] = [];
  const reason = (code: IneligibilityCode, message: string) => ineligibility.push({ code, message });
  const label = `${card.carrierId} ${service.serviceLevel}`;

  if (card.currency !== request.currency) reason('CURRENCY_MISMATCH', `${label} is rated in ${card.currency}, the shipment is paid in ${request.currency}`);
  const site = card.sites.find((candidate) => candidate.siteId === request.siteId);
  if (!site || (service.originSiteIds && !service.originSiteIds.includes(request.siteId))) reason('ORIGIN_NOT_SERVED', `${label} does not collect from site ${request.siteId}`);
  const zone = zoneFor(service, request.shipTo);
  if (!zone) reason('DESTINATION_NOT_COVERED', `${label} does not deliver to ${request.shipTo.countryCode} ${request.shipTo.postalCode ?? ''}`.trimEnd());
  const overweight = request.packages.filter((pkg) => toKilograms(pkg.weight, pkg.weightUnit) > service.maxPackageWeightKg).map((pkg) => pkg.packageId);
  if (overweight.length > 0) reason('PACKAGE_OVER_MAX_WEIGHT', `${label} takes packages up to ${service.maxPackageWeightKg} kg: ${overweight.join(', ')} weigh more`);
  if (request.hazmat && !service.hazmatAccepted) reason('HAZMAT_NOT_ACCEPTED', `${label} does not accept hazardous materials`);
  if (request.liftgateRequired && !card.accessorials?.liftgate) reason('LIFTGATE_NOT_OFFERED', `${label} offers no liftgate delivery`);

  const price = zone ? priceShipment(request.packages, card, service, { residential: request.shipTo.residential, liftgate: request.liftgateRequired }) : undefined;
  if (zone && !price) reason('SHIPMENT_OVER_MAX_WEIGHT', `${label} rates shipments up to ${lastBreakKg(service)} kg billable`);

  const option: FreightOption = {
    optionId: `${card.rateCardId}/${service.serviceLevel}`,
    rateCardId: card.rateCardId,
    rateCardVersion: version.version,
    carrierId: card.carrierId,
    serviceLevel: service.serviceLevel,
    eligible: ineligibility.length === 0,
    ineligibility,
  };
  if (zone) option.zoneId = zone.zoneId;
  if (price) option.price = price;
  if (site) {
    const transit = zone?.transitBusinessDays ?? service.transitBusinessDays;
    if (zone) {
      const estimate = estimateDelivery(card.carrierCalendar, site.pickupCutOff, transit, calendars, now);
      Object.assign(option, estimate, { meetsPromise: compareLocalDates(estimate.estimatedDeliveryDate, promiseDate) <= 0 });
    } else option.pickupDate = estimateDelivery(card.carrierCalendar, site.pickupCutOff, 0, calendars, now).pickupDate;
  }
  return option;
}

function lastBreakKg(service: ServiceRate): number {
  return service.weightBreaks[service.weightBreaks.length - 1]?.upToKg ?? 0;
}
