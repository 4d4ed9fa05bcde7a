import type { ExceptionClassification, ExceptionType } from '@lading/contracts';
import { assertNever } from '@lading/decider';

/**
 * What an exception on a shipment is about. Lading detects three conditions itself; carriers
 * report the rest, one condition per exception type. A condition has at most one open
 * exception (episode) at a time: a second damage scan while the first damage is open adds
 * nothing; once the episode ends, the next report opens episode 2.
 *
 * - ETA_AFTER_PROMISE: the estimate says the promise will be missed (predicted late);
 * - PROMISE_MISSED: the promised time passed and the shipment is not delivered;
 * - TRACKING_SILENCE: no scan for N business hours of the carrier's calendar.
 */
export type LadingCondition = 'ETA_AFTER_PROMISE' | 'PROMISE_MISSED' | 'TRACKING_SILENCE';
export type CarrierCondition = `CARRIER:${ExceptionType}`;
export type ExceptionCondition = LadingCondition | CarrierCondition;

export function carrierCondition(type: ExceptionType): CarrierCondition {
  return `CARRIER:${type}`;
}

export function carrierTypeOf(condition: CarrierCondition): ExceptionType {
  // The template literal type guarantees the rest is an ExceptionType.
  return condition.slice('CARRIER:'.length) as ExceptionType;
}

/**
 * Deterministic exception ids: the same shipment, condition and episode give the same id on
 * every replay, so a redelivered scan can never raise a second exception.
 * `SHP-1:silence:2`, `SHP-1:carrier-damaged:1`, `SHP-1:eta-after-promise:1`.
 */
export function exceptionIdFor(shipmentId: string, condition: ExceptionCondition, episode: number): string {
  const slug = condition === 'TRACKING_SILENCE' ? 'silence' : condition.toLowerCase().replace(/[:_]/g, '-');
  return `${shipmentId}:${slug}:${episode}`;
}

export const LADING_CONDITION_CLASSIFICATION: Readonly<Record<LadingCondition, ExceptionClassification>> = Object.freeze({
  ETA_AFTER_PROMISE: { type: 'LATE_DELIVERY', severity: 'MEDIUM', owner: 'CARRIER' },
  PROMISE_MISSED: { type: 'LATE_DELIVERY', severity: 'HIGH', owner: 'CARRIER' },
  TRACKING_SILENCE: { type: 'TRACKING_SILENCE', severity: 'MEDIUM', owner: 'CARRIER' },
});

/**
 * When an open exception is resolved without the service desk:
 *
 * - ON_SCAN: a scan proves tracking resumed (silence);
 * - ON_PICKUP: the shipment moves (a missed pickup);
 * - ON_NEXT_DELIVERY_RUN: the carrier goes out for delivery again, or delivers (a failed attempt);
 *   a further failure is a new episode;
 * - ON_DELIVERY: delivery makes it moot (delays, an unavailable consignee, a hold);
 * - SERVICE_DESK: only a person closes it, delivered or not: damage, loss and shortage need a
 *   claim; refusal and return need a decision; an address problem needs the customer record
 *   fixed; payment holds need finance; an UNKNOWN code needs someone to read it.
 *
 * Lateness (ETA_AFTER_PROMISE, PROMISE_MISSED) is cleared by the lateness rule, and every
 * terminal milestone ends silence and lateness: there is nothing left to chase.
 */
export type AutoResolution = 'ON_SCAN' | 'ON_PICKUP' | 'ON_NEXT_DELIVERY_RUN' | 'ON_DELIVERY' | 'SERVICE_DESK';

export function autoResolutionOf(type: ExceptionType): AutoResolution {
  switch (type) {
    case 'TRACKING_SILENCE':
      return 'ON_SCAN';
    case 'MISSED_PICKUP':
      return 'ON_PICKUP';
    case 'DELIVERY_ATTEMPT_FAILED':
      return 'ON_NEXT_DELIVERY_RUN';
    case 'LATE_DELIVERY':
    case 'CARRIER_DELAY':
    case 'WEATHER_OR_DISASTER':
    case 'CUSTOMS_OR_DOCUMENTATION':
    case 'WAREHOUSE_DELAY':
    case 'CONSIGNEE_UNAVAILABLE':
    case 'HELD_BY_SHIPPER':
      return 'ON_DELIVERY';
    case 'DAMAGED':
    case 'LOST':
    case 'SHORT_SHIPMENT':
    case 'REFUSED_BY_CONSIGNEE':
    case 'ADDRESS_PROBLEM':
    case 'PAYMENT_HOLD':
    case 'RETURNED_TO_SHIPPER':
    case 'BOOKING_FAILED':
    case 'PROMISE_AT_RISK':
    case 'NO_CARRIER':
    case 'UNKNOWN':
      return 'SERVICE_DESK';
    default:
      return assertNever(type, 'exception type');
  }
}

/** Why Lading resolved an exception by itself; the resolution text says it in words. */
export type ClearReason =
  | 'TRACKING_RESUMED'
  | 'PICKED_UP'
  | 'OUT_FOR_DELIVERY_AGAIN'
  | 'DELIVERED'
  | 'JOURNEY_ENDED'
  | 'ETA_WITHIN_PROMISE'
  | 'PROMISE_MOVED'
  | 'PROMISE_PASSED';
