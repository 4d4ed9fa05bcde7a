import type { ExceptionType, NotificationKind } from '@lading/contracts';
import { assertNever } from '@lading/decider';
import type { TrackingMilestone } from '../code-sets/milestones';
import type { NotificationSettings } from '../tracking/tracking-context';

/**
 * What a customer hears about a milestone. The first milestone that shows the shipment moving
 * (picked up, in transit or at a terminal, whichever arrives first) is ORDER_SHIPPED. Failed
 * attempts and returns reach the customer through their exceptions (DELIVERY_PROBLEM).
 */
export function notificationKindForMilestone(milestone: TrackingMilestone): NotificationKind | null {
  switch (milestone) {
    case 'PICKED_UP':
    case 'IN_TRANSIT':
    case 'AT_TERMINAL':
      return 'ORDER_SHIPPED';
    case 'OUT_FOR_DELIVERY':
      return 'OUT_FOR_DELIVERY';
    case 'DELIVERED':
      return 'DELIVERED';
    case 'BOOKED':
    case 'DELIVERY_ATTEMPTED':
    case 'RETURNED_TO_SHIPPER':
    case 'CANCELLED':
      return null;
    default:
      return assertNever(milestone, 'milestone');
  }
}

/**
 * What a customer hears about an exception. Delays are DELAYED; what the customer can act on
 * or sees at the door is DELIVERY_PROBLEM. Damage, loss, shortage, holds, silence and unknown
 * codes are for the service desk to explain: no automatic message.
 */
export function notificationKindForException(type: ExceptionType): NotificationKind | null {
  switch (type) {
    case 'LATE_DELIVERY':
    case 'CARRIER_DELAY':
    case 'WEATHER_OR_DISASTER':
    case 'CUSTOMS_OR_DOCUMENTATION':
    case 'WAREHOUSE_DELAY':
    case 'MISSED_PICKUP':
      return 'DELAYED';
    case 'DELIVERY_ATTEMPT_FAILED':
    case 'ADDRESS_PROBLEM':
    case 'CONSIGNEE_UNAVAILABLE':
    case 'REFUSED_BY_CONSIGNEE':
    case 'RETURNED_TO_SHIPPER':
      return 'DELIVERY_PROBLEM';
    case 'DAMAGED':
    case 'LOST':
    case 'SHORT_SHIPMENT':
    case 'HELD_BY_SHIPPER':
    case 'PAYMENT_HOLD':
    case 'TRACKING_SILENCE':
    case 'BOOKING_FAILED':
    case 'PROMISE_AT_RISK':
    case 'NO_CARRIER':
    case 'UNKNOWN':
      return null;
    default:
      return assertNever(type, 'exception type');
  }
}

/** Kinds that report a milestone: each is sent at most once per shipment, ever. */
export const MILESTONE_NOTIFICATION_KINDS: readonly NotificationKind[] = ['ORDER_SHIPPED', 'OUT_FOR_DELIVERY', 'DELIVERED'];

export type NotificationLog = Readonly<Partial<Record<NotificationKind, { count: number; lastAt: string }>>>;

/**
 * Whether a notification of `kind` may be requested now: the tenant opted into the kind; a
 * milestone kind was never sent for this shipment (going out for delivery again after a failed
 * attempt is not news twice); any other kind was not sent in the last `minMinutesBetweenSameKind`.
 * A throttled notification is dropped, not deferred: the next one carries the news.
 */
export function notificationAllowed(log: NotificationLog, settings: NotificationSettings, kind: NotificationKind, now: Date): boolean {
  if (!settings.kinds.includes(kind)) return false;
  const last = log[kind];
  if (!last) return true;
  if (MILESTONE_NOTIFICATION_KINDS.includes(kind)) return false;
  return now.getTime() - Date.parse(last.lastAt) >= settings.minMinutesBetweenSameKind * 60_000;
}

/** `<shipmentId>:<kind>:<n>`, n counting that kind's notifications for the shipment: stable on replay. */
export function notificationIdFor(shipmentId: string, kind: NotificationKind, n: number): string {
  return `${shipmentId}:${kind.toLowerCase()}:${n}`;
}
