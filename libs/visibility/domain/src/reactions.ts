import type { RaiseException, ResolveException } from './exceptions/exception-lifecycle.decide';
import type { ExceptionLifecycleEvent } from './exceptions/exception-lifecycle';
import type { NoteExceptionResolved } from './tracking/shipment-tracking.decide';
import type { ShipmentTrackingEvent } from './tracking/shipment-tracking.events';

/** Who Lading says resolved what it resolved by itself. */
export const VISIBILITY_ACTOR = 'visibility';

/**
 * What the app does on the exception streams when the tracking stream appended an event, in the
 * same transaction: open an exception, or resolve it automatically. Everything else: nothing.
 */
export function exceptionCommandFor(event: ShipmentTrackingEvent): RaiseException | ResolveException | undefined {
  switch (event.type) {
    case 'ExceptionDetected': {
      const { exceptionId, orderId, shipmentId, exceptionType, severity, owner, summary, source } = event.data;
      return { type: 'RaiseException', data: { exception: { exceptionId, orderId, shipmentId, exceptionType, severity, owner, summary, source } } };
    }
    case 'ExceptionCleared':
      return { type: 'ResolveException', data: { exceptionId: event.data.exceptionId, resolvedBy: VISIBILITY_ACTOR, resolution: event.data.resolution, automatic: true } };
    default:
      return undefined;
  }
}

/**
 * What the tracking stream hears back when the service desk resolves an exception, so the next
 * report of the same condition opens a new episode. Lading's own resolutions need no echo.
 */
export function trackingCommandFor(event: ExceptionLifecycleEvent, shipmentId: string | undefined): NoteExceptionResolved | undefined {
  if (event.type !== 'ExceptionResolved' || event.data.automatic || !shipmentId) return undefined;
  return { type: 'NoteExceptionResolved', data: { shipmentId, exceptionId: event.data.exceptionId, resolvedBy: event.data.resolvedBy } };
}
