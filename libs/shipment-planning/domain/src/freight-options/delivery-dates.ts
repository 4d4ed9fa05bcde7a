import { estimatedDeliveryDate, localDateAt, pickupDate, postalCodePrefixMatches, type BusinessCalendar, type LocalDate, type LocalTime } from '@lading/shared-domain';
import type { CarrierCalendar, DestinationZone, ServiceRate } from '../rate-card/rate-card-document';
import type { ShipTo } from './freight-request';

// The shared calendar functions remember a calendar's validation by object identity: keep one
// object per (carrier calendar, zone) so a plan validates each carrier's holidays once.
const calendarsByZone = new WeakMap<object, Map<string, BusinessCalendar>>();
const NO_CARRIER_CALENDAR: CarrierCalendar = {};

/** The carrier's working days and holidays, reckoned in `timeZone` (the site's for pickup, the consignee's for delivery). */
export function carrierCalendarIn(calendar: CarrierCalendar | undefined, timeZone: string): BusinessCalendar {
  const carrier = calendar ?? NO_CARRIER_CALENDAR;
  let byZone = calendarsByZone.get(carrier);
  if (!byZone) {
    byZone = new Map();
    calendarsByZone.set(carrier, byZone);
  }
  let business = byZone.get(timeZone);
  if (!business) {
    business = { timeZone, workingDays: carrier.workingDays, holidaysOf: carrier.holidaysOf, closedDates: carrier.closedDates };
    byZone.set(timeZone, business);
  }
  return business;
}

/**
 * The zone of a service that covers the ship-to: same country, and a postal prefix that matches
 * (case and spaces ignored). The longest matching prefix wins; a whole-country zone matches
 * anything in its country but loses to any prefix; ties go to the zone listed first.
 */
export function zoneFor(service: Pick<ServiceRate, 'zones'>, shipTo: Pick<ShipTo, 'countryCode' | 'postalCode'>): DestinationZone | undefined {
  let best: { zone: DestinationZone; specificity: number } | undefined;
  for (const zone of service.zones) {
    if (zone.countryCode !== shipTo.countryCode) continue;
    const specificity =
      zone.postalPrefixes === undefined
        ? 0
        : Math.max(-1, ...zone.postalPrefixes.filter((prefix) => postalCodePrefixMatches(shipTo.postalCode, prefix)).map((prefix) => prefix.replace(/\s+/g, '').length));
    if (specificity >= 0 && (!best || specificity > best.specificity)) best = { zone, specificity };
  }
  return best?.zone;
}

/** The delivery promise as a date: the promised instant read on the consignee's wall clock. */
export function promiseDateFor(promisedDeliveryAt: string, consigneeTimeZone: string): LocalDate {
  return localDateAt(new Date(promisedDeliveryAt), consigneeTimeZone);
}

export interface DeliveryEstimate {
  pickupDate: LocalDate;
  transitBusinessDays: number;
  estimatedDeliveryDate: LocalDate;
}

/**
 * When the carrier would collect and deliver: pickup today if `now` is before its cut-off on a
 * carrier business day at the site (site's zone, carrier's holidays), else the next carrier
 * business day; then `transitBusinessDays` carrier business days, landing on a carrier business
 * day in the consignee's zone.
 */
export function estimateDelivery(
  calendar: CarrierCalendar | undefined,
  cutOff: LocalTime,
  transitBusinessDays: number,
  zones: { siteTimeZone: string; consigneeTimeZone: string },
  now: Date,
): DeliveryEstimate {
  const atSite = carrierCalendarIn(calendar, zones.siteTimeZone);
  const pickup = pickupDate(atSite, now, cutOff);
  const delivery = estimatedDeliveryDate(atSite, pickup, transitBusinessDays, carrierCalendarIn(calendar, zones.consigneeTimeZone));
  return { pickupDate: pickup, transitBusinessDays, estimatedDeliveryDate: delivery };
}
