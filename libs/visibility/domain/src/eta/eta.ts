import {
  addDays,
  businessDayOnOrAfter,
  businessHoursOn,
  compareLocalDates,
  estimatedDeliveryDate,
  instantAtLocalTime,
  localDateAt,
  nextBusinessDay,
  type BusinessCalendar,
  type LocalDate,
} from '@lading/shared-domain';
import { isTerminal } from '../code-sets/milestones';
import type { EtaBasis } from '../tracking/shipment-tracking.events';
import type { ShipmentTrackingState } from '../tracking/shipment-tracking';
import type { ShipmentPlan } from '../tracking/tracking-context';

export interface EtaEstimate {
  /** ISO-8601 UTC. */
  at: string;
  basis: EtaBasis;
  /** The estimate breaks the promise (false when there is no promise). */
  late: boolean;
}

/** The end of the carrier's business on a day: its closing time, or the midnight ending the day. */
export function endOfBusiness(cal: BusinessCalendar, date: LocalDate): Date {
  return businessHoursOn(cal, date)?.closesAt ?? instantAtLocalTime(addDays(date, 1), '00:00', cal.timeZone);
}

/**
 * The delivery day the plan gives, adjusted by progress, on the carrier's calendar:
 * - out for delivery: that day; after a failed attempt: the next business day (carriers re-attempt then);
 * - otherwise transit business days from the first scan showing movement (the real pickup), or
 *   from the planned pickup, or from now when neither is known;
 * - a day whose business is already over says nothing: the estimate rolls to the end of today's
 *   business, or the next business day's.
 */
export function planDeliveryDate(state: ShipmentTrackingState, plan: ShipmentPlan, cal: BusinessCalendar, now: Date): LocalDate {
  const zone = cal.timeZone;
  const current = state.current;
  let date: LocalDate;
  if (current?.milestone === 'OUT_FOR_DELIVERY') date = businessDayOnOrAfter(cal, localDateAt(new Date(current.eventAt), zone));
  else if (current?.milestone === 'DELIVERY_ATTEMPTED') date = nextBusinessDay(cal, localDateAt(new Date(current.eventAt), zone));
  else {
    const departure = state.firstMovementAt ?? plan.plannedPickupAt ?? state.started?.plannedPickupAt;
    date = estimatedDeliveryDate(cal, localDateAt(departure ? new Date(departure) : now, zone), plan.transitBusinessDays);
  }
  if (endOfBusiness(cal, date) <= now) {
    date = businessDayOnOrAfter(cal, localDateAt(now, zone));
    if (endOfBusiness(cal, date) <= now) date = nextBusinessDay(cal, date);
  }
  return date;
}

/**
 * The current estimate of delivery, or undefined when there is none worth publishing:
 * 1. none once the journey ended (delivered, returned, cancelled);
 * 2. the carrier's newest estimate while it is still ahead of us: the carrier knows its network;
 * 3. else the plan's, by {@link planDeliveryDate}, at the end of that day's business;
 * 4. else none (no plan, and the carrier's estimate has passed: we know nothing better).
 *
 * Late: a carrier estimate (an instant) is late when after the promise; a plan estimate is a day,
 * so it is late when that day is after the promise's day in the carrier's zone: the plan cannot
 * tell 16:00 from 18:00 and must not cry wolf over it.
 */
export function estimateDelivery(state: ShipmentTrackingState, plan: ShipmentPlan | undefined, cal: BusinessCalendar, now: Date): EtaEstimate | undefined {
  if (state.current && isTerminal(state.current.milestone)) return undefined;
  const promise = plan?.promisedDeliveryAt;
  if (state.carrierEstimate && Date.parse(state.carrierEstimate.at) > now.getTime()) {
    const at = state.carrierEstimate.at;
    return { at, basis: 'CARRIER', late: promise !== undefined && Date.parse(at) > Date.parse(promise) };
  }
  if (!plan) return undefined;
  const date = planDeliveryDate(state, plan, cal, now);
  const late = compareLocalDates(date, localDateAt(new Date(plan.promisedDeliveryAt), cal.timeZone)) > 0;
  return { at: endOfBusiness(cal, date).toISOString(), basis: 'PLAN', late };
}

/**
 * Whether a new estimate is worth an EtaUpdated: the first one, one that moved by more than the
 * threshold from the last published, or one whose late verdict flipped (a small move across the
 * promise matters). Small wobbles are not published: no notification storms.
 */
export function etaWorthPublishing(last: { at: string; late: boolean } | undefined, next: EtaEstimate, thresholdMinutes: number): boolean {
  if (!last) return true;
  if (last.late !== next.late) return true;
  return Math.abs(Date.parse(next.at) - Date.parse(last.at)) > thresholdMinutes * 60_000;
}
