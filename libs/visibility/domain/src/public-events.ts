import { assertNever } from '@lading/decider';
import type { ExceptionLifecycleEvent } from './exceptions/exception-lifecycle';
import type { ShipmentTrackingEvent } from './tracking/shipment-tracking.events';

/** The public event types of the visibility API and webhooks (the app signs them as Standard Webhooks). */
export const PUBLIC_EVENT_TYPES = ['exception.raised', 'exception.acknowledged', 'exception.resolved', 'milestone.recorded', 'eta.updated', 'delivery.confirmed'] as const;

export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

/** The public type of a domain event, or null for internal ones (scans, episodes, timers, notifications to the CRM). */
export function publicEventTypeOf(event: ShipmentTrackingEvent | ExceptionLifecycleEvent): PublicEventType | null {
  switch (event.type) {
    case 'ExceptionRaised':
      return 'exception.raised';
    case 'ExceptionAcknowledged':
      return 'exception.acknowledged';
    case 'ExceptionResolved':
      return 'exception.resolved';
    case 'MilestoneRecorded':
      return 'milestone.recorded';
    case 'EtaUpdated':
      return 'eta.updated';
    case 'DeliveryConfirmed':
      return 'delivery.confirmed';
    case 'TrackingStarted':
    case 'PromiseRecorded':
    case 'ScanRecorded':
    case 'ProofOfDeliveryRecorded':
    case 'ExceptionDetected':
    case 'ExceptionCleared':
    case 'ExceptionEpisodeEnded':
    case 'SilenceCheckRescheduled':
    case 'CustomerNotificationRequested':
      return null;
    default:
      return assertNever(event, 'visibility event');
  }
}
