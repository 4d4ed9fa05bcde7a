import { assertNever, DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { isEligible, type EligibleFreightOption } from '../freight-options/freight-options';
import { compareMoney, isCurrencyCode, isDecimalString, money, subtractMoney } from '../money/money';
import type { BookingAttempt, ShipmentState } from './shipment';
import type { BookingTimedOut, RecordBookingRejection, RecordCarrierBooking } from './shipment-commands';
import { bookCarrier, cancelBooking, exceptionRaised, respondByFrom } from './shipment-effects';
import { bookingFailedSummary, promiseAtRiskSummary } from './shipment-exceptions';
import type { ShipmentBooked, ShipmentMessage } from './shipment-messages';

type AwaitingBooking = Extract<ShipmentState, { status: 'AwaitingBooking' }>;

/**
 * The attempt a TMS answer is about: the one it names, or (for TMS messages that do not echo
 * the attempt) the latest attempt of that carrier and service.
 */
function attemptAnswered(state: ShipmentState, answer: { shipmentId: string; attempt?: number; carrierId: string; serviceLevel: string }, what: string): BookingAttempt {
  const attempts = state.status === 'Unplanned' ? [] : state.attempts;
  const sameService = (a: BookingAttempt) => a.carrierId === answer.carrierId && a.serviceLevel === answer.serviceLevel;
  const found = answer.attempt === undefined ? [...attempts].reverse().find(sameService) : attempts.find((a) => a.attempt === answer.attempt);
  const which = answer.attempt === undefined ? `${answer.carrierId} ${answer.serviceLevel}` : `attempt ${answer.attempt}`;
  if (!found) throw new NonRetriableError(`${what} for shipment ${answer.shipmentId}: no booking was requested for ${which}`, 'UNKNOWN_BOOKING_ATTEMPT');
  if (!sameService(found))
    throw new NonRetriableError(`${what} for shipment ${answer.shipmentId} attempt ${found.attempt}: booked ${found.carrierId} ${found.serviceLevel}, answered for ${answer.carrierId} ${answer.serviceLevel}`, 'BOOKING_MISMATCH');
  return found;
}

function optionOf(state: AwaitingBooking, optionId: string): EligibleFreightOption {
  const option = state.plan.options.find((candidate) => candidate.optionId === optionId);
  if (!option || !isEligible(option)) throw new Error(`shipment ${state.shipmentId}: plan ${state.plan.planNumber} has no eligible option ${optionId}`);
  return option;
}

/**
 * The carrier confirmed. For the attempt awaited: booked, and the ERP is told the rated cost. For
 * an attempt already given up (rejected, timed out, re-planned, cancelled): the late booking is
 * cancelled, so the shipment is never booked twice. A repeated confirmation changes nothing.
 */
export function recordCarrierBooking(command: RecordCarrierBooking, state: ShipmentState, { now }: DecisionContext): ShipmentMessage[] {
  const { data } = command;
  const attempt = attemptAnswered(state, data, 'CarrierBooked');
  if (!isCurrencyCode(data.freightCost?.currency) || !isDecimalString(data.freightCost?.amount))
    throw new NonRetriableError(`CarrierBooked for shipment ${data.shipmentId}: freightCost is not an exact amount with a currency`, 'INVALID_FREIGHT_COST');
  if (state.status === 'Unplanned') return [];
  switch (attempt.status) {
    case 'PENDING':
      return state.status === 'AwaitingBooking' ? booked(state, attempt, command, now) : [];
    case 'BOOKED':
    case 'LATE_BOOKING_CANCELLED':
      return [];
    case 'REJECTED':
    case 'TIMED_OUT':
    case 'SUPERSEDED':
    case 'WITHDRAWN': {
      const { shipmentId } = state;
      return [
        {
          type: 'LateBookingCancelled',
          data: { shipmentId, attempt: attempt.attempt, carrierId: attempt.carrierId, serviceLevel: attempt.serviceLevel, bookingReference: data.bookingReference, attemptWas: attempt.status, recordedAt: now.toISOString() },
        },
        cancelBooking(state, attempt, data.bookingReference, 'LATE_BOOKING', now),
      ];
    }
    default:
      return assertNever(attempt.status, 'attempt status');
  }
}

function booked(state: AwaitingBooking, attempt: BookingAttempt, command: RecordCarrierBooking, now: Date): ShipmentMessage[] {
  const { bookingReference, trackingNumber, pickupAt } = command.data;
  const option = optionOf(state, attempt.optionId);
  const ratedCost = option.price.total;
  const agreedCost = money(command.data.freightCost.amount, command.data.freightCost.currency);
  const sameCurrency = agreedCost.currency === ratedCost.currency;
  const costCheck: ShipmentBooked['data']['costCheck'] = !sameCurrency ? 'OTHER_CURRENCY' : compareMoney(agreedCost, ratedCost) === 0 ? 'MATCHES' : 'DIFFERS';
  const { shipmentId, orderId } = state;
  return [
    {
      type: 'ShipmentBooked',
      data: {
        shipmentId,
        orderId,
        attempt: attempt.attempt,
        optionId: option.optionId,
        carrierId: option.carrierId,
        serviceLevel: option.serviceLevel,
        bookingReference,
        trackingNumber: trackingNumber ?? null,
        pickupAt: pickupAt ?? null,
        ratedCost,
        agreedCost,
        postedCost: ratedCost,
        costCheck,
        costDifference: costCheck === 'DIFFERS' ? subtractMoney(agreedCost, ratedCost) : null,
        estimatedDeliveryDate: option.estimatedDeliveryDate,
        bookedAt: now.toISOString(),
      },
    },
    { type: 'PostFreightCost', data: { shipmentId, orderId, carrierId: option.carrierId, amount: ratedCost, basis: 'RATE_CARD', requestedAt: now.toISOString() } },
  ];
}

/** The carrier refused the awaited attempt: the next option is booked. A refusal of any other attempt changes nothing. */
export function recordBookingRejection(command: RecordBookingRejection, state: ShipmentState, { now }: DecisionContext): ShipmentMessage[] {
  const attempt = attemptAnswered(state, command.data, 'BookingRejected');
  if (state.status !== 'AwaitingBooking' || attempt.status !== 'PENDING') return [];
  const { carrierId, serviceLevel } = attempt;
  const { reason } = command.data;
  return [
    { type: 'CarrierBookingRejected', data: { shipmentId: state.shipmentId, attempt: attempt.attempt, carrierId, serviceLevel, reason, rejectedAt: now.toISOString() } },
    ...nextOption(state, { ...attempt, status: 'REJECTED', reason }, 'REJECTED', now),
  ];
}

/**
 * The awaited attempt was not answered in time: treated as a rejection, and the TMS is told to
 * cancel it (a carrier might still accept it later). A timer of an answered or superseded attempt changes nothing.
 */
export function bookingTimedOut(command: BookingTimedOut, state: ShipmentState, { now }: DecisionContext): ShipmentMessage[] {
  if (state.status !== 'AwaitingBooking') return [];
  const attempt = state.attempts.find((candidate) => candidate.attempt === command.data.attempt);
  if (!attempt || attempt.status !== 'PENDING') return [];
  const { carrierId, serviceLevel, respondBy } = attempt;
  return [
    { type: 'CarrierBookingTimedOut', data: { shipmentId: state.shipmentId, attempt: attempt.attempt, carrierId, serviceLevel, respondBy, timedOutAt: now.toISOString() } },
    cancelBooking(state, attempt, null, 'TIMED_OUT', now),
    ...nextOption(state, { ...attempt, status: 'TIMED_OUT' }, 'TIMED_OUT', now),
  ];
}

/** Books the next option of the plan's ranking, or gives up when none is left (BOOKING_FAILED). */
function nextOption(state: AwaitingBooking, failed: BookingAttempt, after: 'REJECTED' | 'TIMED_OUT', now: Date): ShipmentMessage[] {
  const { plan, shipmentId, orderId } = state;
  const index = plan.position + 1;
  if (index >= plan.ranking.length) {
    const tried = state.attempts.filter((a) => a.planNumber === plan.planNumber).map((a) => (a.attempt === failed.attempt ? failed : a));
    return [
      { type: 'BookingOptionsExhausted', data: { shipmentId, orderId, planNumber: plan.planNumber, attempts: tried.map((a) => a.attempt), exhaustedAt: now.toISOString() } },
      exceptionRaised(state, 'BOOKING_FAILED', plan.planNumber, bookingFailedSummary(shipmentId, orderId, tried), now),
    ];
  }
  const option = optionOf(state, plan.ranking[index]);
  const attempt = state.attempts.length + 1;
  const respondBy = respondByFrom(now, plan.bookingResponseMinutes);
  const { request } = plan;
  const messages: ShipmentMessage[] = [
    {
      type: 'NextOptionChosen',
      data: {
        shipmentId,
        orderId,
        planNumber: plan.planNumber,
        attempt,
        previousAttempt: failed.attempt,
        after,
        chosen: option,
        rank: index + 1,
        promisedDeliveryAt: request.promisedDeliveryAt,
        packages: request.packages,
        respondBy,
        chosenAt: now.toISOString(),
      },
    },
    bookCarrier(state, request, option, attempt, respondBy, now),
  ];
  if (!option.meetsPromise && !plan.promiseAtRiskRaised)
    messages.push(exceptionRaised(state, 'PROMISE_AT_RISK', plan.planNumber, promiseAtRiskSummary(shipmentId, orderId, option, plan.promiseDate), now));
  return messages;
}
