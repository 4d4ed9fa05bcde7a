import { assertNever, Decider, DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { isIsoInstant } from '../field-problem';
import { evolveShipment, initialShipmentState, pendingAttempt, ShipmentState } from './shipment';
import { bookingTimedOut, recordBookingRejection, recordCarrierBooking } from './shipment-booking';
import type { CancelShipment, RecordPickup, ShipmentCommand } from './shipment-commands';
import { cancelBooking } from './shipment-effects';
import type { ShipmentMessage } from './shipment-messages';
import { planShipment } from './shipment-planning';

/**
 * The order was cancelled. Before planning: the shipment is cancelled (a later PlanShipment is
 * ignored). Before booking: cancelled, and a booking still awaited is cancelled at the TMS. After
 * booking, before pickup: cancelled, booking cancelled. After pickup: nothing left to cancel,
 * recorded once (`ShipmentCancellationTooLate`).
 */
export function cancelShipment(command: CancelShipment, state: ShipmentState, { now }: DecisionContext): ShipmentMessage[] {
  const { shipmentId, orderId, reason } = command.data;
  const cancelledAt = now.toISOString();
  switch (state.status) {
    case 'Unplanned':
      return [{ type: 'ShipmentCancelled', data: { shipmentId, orderId, stage: 'BEFORE_PLANNING', reason, cancelledAttempt: null, cancelledAt } }];
    case 'Cancelled':
      return [];
    case 'AwaitingBooking':
    case 'Failed':
    case 'Booked': {
      if (state.pickedUpAt) {
        if (state.cancellationTooLate) return [];
        const message = `the carrier collected shipment ${state.shipmentId} at ${state.pickedUpAt}: there is no booking left to cancel; bring the goods back as a return`;
        return [{ type: 'ShipmentCancellationTooLate', data: { shipmentId: state.shipmentId, orderId: state.orderId, reason, pickedUpAt: state.pickedUpAt, message, recordedAt: cancelledAt } }];
      }
      const booked = state.status === 'Booked' ? state.attempts.find((a) => a.attempt === state.booking.attempt) : undefined;
      const toCancel = booked ?? pendingAttempt(state);
      const cancelled: ShipmentMessage = {
        type: 'ShipmentCancelled',
        data: { shipmentId: state.shipmentId, orderId: state.orderId, stage: booked ? 'AFTER_BOOKING' : 'BEFORE_BOOKING', reason, cancelledAttempt: toCancel?.attempt ?? null, cancelledAt },
      };
      if (!toCancel) return [cancelled];
      return [cancelled, cancelBooking(state, toCancel, state.status === 'Booked' ? state.booking.bookingReference : null, 'SHIPMENT_CANCELLED', now)];
    }
    default:
      return assertNever(state, 'shipment state');
  }
}

/** The carrier collected. Recorded once; before any plan there is nothing to record it on. */
export function recordPickup(command: RecordPickup, state: ShipmentState, { now }: DecisionContext): ShipmentMessage[] {
  const { shipmentId, pickedUpAt } = command.data;
  if (!isIsoInstant(pickedUpAt)) throw new NonRetriableError(`RecordPickup for shipment ${shipmentId}: pickedUpAt is not an ISO-8601 instant`, 'INVALID_PICKUP');
  if (state.status === 'Unplanned' || state.pickedUpAt) return [];
  return [{ type: 'ShipmentPickedUp', data: { shipmentId: state.shipmentId, pickedUpAt: new Date(pickedUpAt).toISOString(), recordedAt: now.toISOString() } }];
}

export function decideShipment(command: ShipmentCommand, state: ShipmentState, context: DecisionContext): ShipmentMessage[] {
  switch (command.type) {
    case 'PlanShipment':
      return planShipment(command, state, context);
    case 'RecordCarrierBooking':
      return recordCarrierBooking(command, state, context);
    case 'RecordBookingRejection':
      return recordBookingRejection(command, state, context);
    case 'BookingTimedOut':
      return bookingTimedOut(command, state, context);
    case 'CancelShipment':
      return cancelShipment(command, state, context);
    case 'RecordPickup':
      return recordPickup(command, state, context);
    default:
      return assertNever(command, 'shipment command');
  }
}

/** The shipment decider; stream `shipment:<shipmentId>`, `shipmentId = shipmentIdFor(warehouseOrderId)`. */
export const shipment: Decider<ShipmentCommand, ShipmentMessage, ShipmentState> = {
  initialState: initialShipmentState,
  decide: decideShipment,
  evolve: evolveShipment,
};
