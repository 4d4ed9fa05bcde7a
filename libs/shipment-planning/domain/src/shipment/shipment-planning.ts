import { assertNever, DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { chooseOption } from '../freight-options/choose-option';
import { freightOptionsFor, promiseDateOf } from '../freight-options/freight-options';
import { InvalidFreightRequestError, validateFreightRequest, type FreightRequest } from '../freight-options/freight-request';
import { pendingAttempt, requestKey, ShipmentState } from './shipment';
import { DEFAULT_BOOKING_RESPONSE_MINUTES, PlanShipment, ShipmentOrder } from './shipment-commands';
import { bookCarrier, cancelBooking, exceptionRaised, respondByFrom, ShipmentIdentity } from './shipment-effects';
import { noCarrierSummary, promiseAtRiskSummary } from './shipment-exceptions';
import { shipmentIdFor, ShipmentMessage } from './shipment-messages';

function freightRequestOf(order: ShipmentOrder): FreightRequest {
  const { siteId, packages, shipTo, promisedDeliveryAt, hazmat, liftgateRequired, currency } = order;
  return { siteId, packages, shipTo, promisedDeliveryAt, hazmat, liftgateRequired, currency };
}

function requireOrderIdentity(order: ShipmentOrder): void {
  for (const field of ['orderId', 'warehouseOrderId'] as const)
    if (typeof order?.[field] !== 'string' || order[field].trim() === '') throw new NonRetriableError(`PlanShipment without ${field}`, 'INVALID_SHIPMENT');
}

/**
 * Plans a packed order: every option priced and dated, the choice booked as the next attempt.
 * - first time: plan 1;
 * - the same request again (a redelivered OrderPacked): nothing;
 * - a different request before booking (awaiting an answer, or failed): a new plan; a booking
 *   still awaited is cancelled at the TMS; attempt numbers continue;
 * - a different request after booking: `ReplanRefused`, once per request; the booking stands;
 * - after the shipment was cancelled: nothing (the cancel wins).
 * A request that cannot be planned (bad packages, unknown zone) throws InvalidFreightRequestError.
 */
export function planShipment(command: PlanShipment, state: ShipmentState, { now }: DecisionContext): ShipmentMessage[] {
  const { shipment: order, context } = command.data;
  requireOrderIdentity(order);
  const request = freightRequestOf(order);
  const problems = validateFreightRequest(request, context.calendars);
  if (problems.length > 0) throw new InvalidFreightRequestError(problems);
  const identity: ShipmentIdentity = { shipmentId: shipmentIdFor(order.warehouseOrderId), orderId: order.orderId, warehouseOrderId: order.warehouseOrderId };
  if (state.status !== 'Unplanned' && state.shipmentId !== identity.shipmentId)
    throw new NonRetriableError(`PlanShipment for ${identity.shipmentId} reached the stream of ${state.shipmentId}`, 'SHIPMENT_STREAM_MISMATCH');

  switch (state.status) {
    case 'Unplanned':
      return plan(identity, request, command, 1, 1, now);
    case 'Cancelled':
      return [];
    case 'AwaitingBooking':
    case 'Failed': {
      if (requestKey(request) === requestKey(state.plan.request)) return [];
      const pending = pendingAttempt(state);
      const messages = plan(identity, request, command, state.plan.planNumber + 1, state.attempts.length + 1, now);
      // Cancel the booking the old plan still waits for before the new plan's BookCarrier goes out.
      if (pending) messages.splice(1, 0, cancelBooking(identity, pending, null, 'REPLANNED', now));
      return messages;
    }
    case 'Booked': {
      const key = requestKey(request);
      if (key === requestKey(state.plan.request) || key === state.refusedRequestKey) return [];
      const { booking } = state;
      const message = `shipment ${identity.shipmentId} is booked with ${booking.carrierId} ${booking.serviceLevel} (${booking.bookingReference}); changed packages or terms are not re-planned: cancel and re-book instead`;
      return [{ type: 'ReplanRefused', data: { shipmentId: identity.shipmentId, orderId: identity.orderId, reason: 'ALREADY_BOOKED', request, message, refusedAt: now.toISOString() } }];
    }
    default:
      return assertNever(state, 'shipment state');
  }
}

function plan(identity: ShipmentIdentity, request: FreightRequest, command: PlanShipment, planNumber: number, attempt: number, now: Date): ShipmentMessage[] {
  const { context } = command.data;
  const options = freightOptionsFor(request, context.rateCards, context.calendars, now);
  const choice = chooseOption(options, context.preferences);
  const promiseDate = promiseDateOf(request, context.calendars);
  const bookingResponseMinutes = context.bookingResponseMinutes ?? DEFAULT_BOOKING_RESPONSE_MINUTES;
  const respondBy = respondByFrom(now, bookingResponseMinutes);
  const messages: ShipmentMessage[] = [
    {
      type: 'ShipmentPlanned',
      data: {
        ...identity,
        planNumber,
        request,
        calendars: context.calendars,
        promiseDate,
        options,
        ranking: choice.ranking.map((option) => option.optionId),
        outcome: choice.outcome,
        chosen: choice.chosen ?? null,
        attempt: choice.chosen ? attempt : null,
        respondBy: choice.chosen ? respondBy : null,
        bookingResponseMinutes,
        plannedAt: now.toISOString(),
      },
    },
  ];
  switch (choice.outcome) {
    case 'MEETS_PROMISE':
      return [...messages, bookCarrier(identity, request, choice.chosen, attempt, respondBy, now)];
    case 'PROMISE_AT_RISK':
      return [
        ...messages,
        bookCarrier(identity, request, choice.chosen, attempt, respondBy, now),
        exceptionRaised(identity, 'PROMISE_AT_RISK', planNumber, promiseAtRiskSummary(identity.shipmentId, identity.orderId, choice.chosen, promiseDate), now),
      ];
    case 'NO_CARRIER':
      return [...messages, exceptionRaised(identity, 'NO_CARRIER', planNumber, noCarrierSummary(identity.shipmentId, identity.orderId, options), now)];
    default:
      return assertNever(choice, 'freight choice');
  }
}
