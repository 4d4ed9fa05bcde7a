import type { LocalDate } from '@lading/shared-domain';
import type { ChoiceOutcome } from '../freight-options/choose-option';
import type { FreightOption } from '../freight-options/freight-options';
import type { FreightRequest } from '../freight-options/freight-request';
import type { Money } from '../money/money';
import type { ShipmentCancelled, ShipmentMessage } from './shipment-messages';

/**
 * Where one booking attempt stands. Only a PENDING attempt can be booked, rejected or time out;
 * a confirmation for any other non-BOOKED attempt is a late booking and is cancelled.
 */
export type AttemptStatus = 'PENDING' | 'BOOKED' | 'REJECTED' | 'TIMED_OUT' | 'SUPERSEDED' | 'WITHDRAWN' | 'LATE_BOOKING_CANCELLED';

export interface BookingAttempt {
  attempt: number;
  planNumber: number;
  optionId: string;
  carrierId: string;
  serviceLevel: string;
  respondBy: string;
  status: AttemptStatus;
  /** The carrier's rejection reason, for the BOOKING_FAILED summary. */
  reason?: string;
}

export interface ShipmentPlan {
  planNumber: number;
  request: FreightRequest;
  promiseDate: LocalDate;
  options: FreightOption[];
  ranking: string[];
  outcome: ChoiceOutcome;
  /** Index in `ranking` of the option tried last. */
  position: number;
  promiseAtRiskRaised: boolean;
  bookingResponseMinutes: number;
}

export interface Booking {
  attempt: number;
  optionId: string;
  carrierId: string;
  serviceLevel: string;
  bookingReference: string;
  postedCost: Money;
}

interface Planned {
  shipmentId: string;
  orderId: string;
  warehouseOrderId: string;
  plan: ShipmentPlan;
  /** Every attempt of every plan, in order (attempt n is at index n − 1). */
  attempts: BookingAttempt[];
  pickedUpAt?: string;
  /** Canonical key of the last request refused after booking (refused once, not per redelivery). */
  refusedRequestKey?: string;
  cancellationTooLate?: boolean;
}

export type ShipmentState =
  | { status: 'Unplanned' }
  | ({ status: 'AwaitingBooking' } & Planned)
  | ({ status: 'Booked'; booking: Booking } & Planned)
  | ({ status: 'Failed'; reason: 'NO_CARRIER' | 'BOOKING_FAILED' } & Planned)
  | {
      status: 'Cancelled';
      stage: ShipmentCancelled['data']['stage'];
      shipmentId: string;
      orderId: string;
      plan?: ShipmentPlan;
      attempts: BookingAttempt[];
      pickedUpAt?: string;
    };

export type PlannedShipmentState = Exclude<ShipmentState, { status: 'Unplanned' } | { status: 'Cancelled' }>;

export function initialShipmentState(): ShipmentState {
  return { status: 'Unplanned' };
}

/** The attempt still waiting for the TMS, if any. */
export function pendingAttempt(state: ShipmentState): BookingAttempt | undefined {
  return state.status === 'Unplanned' ? undefined : state.attempts.find((attempt) => attempt.status === 'PENDING');
}

function withAttempt(attempts: BookingAttempt[], number: number, change: Partial<BookingAttempt>): BookingAttempt[] {
  return attempts.map((attempt) => (attempt.attempt === number ? { ...attempt, ...change } : attempt));
}

function newAttempt(number: number, planNumber: number, option: FreightOption, respondBy: string): BookingAttempt {
  return { attempt: number, planNumber, optionId: option.optionId, carrierId: option.carrierId, serviceLevel: option.serviceLevel, respondBy, status: 'PENDING' };
}

export function evolveShipment(state: ShipmentState, message: ShipmentMessage): ShipmentState {
  switch (message.type) {
    case 'ShipmentPlanned': {
      const { data } = message;
      if (state.status === 'Cancelled' || state.status === 'Booked') return state;
      const earlier = state.status === 'Unplanned' ? [] : state.attempts.map((a): BookingAttempt => (a.status === 'PENDING' ? { ...a, status: 'SUPERSEDED' } : a));
      const attempts = data.chosen && data.attempt !== null && data.respondBy !== null ? [...earlier, newAttempt(data.attempt, data.planNumber, data.chosen, data.respondBy)] : earlier;
      const plan: ShipmentPlan = {
        planNumber: data.planNumber,
        request: data.request,
        promiseDate: data.promiseDate,
        options: data.options,
        ranking: data.ranking,
        outcome: data.outcome,
        position: 0,
        promiseAtRiskRaised: false,
        bookingResponseMinutes: data.bookingResponseMinutes,
      };
      const planned: Planned = { shipmentId: data.shipmentId, orderId: data.orderId, warehouseOrderId: data.warehouseOrderId, plan, attempts };
      if (state.status !== 'Unplanned' && state.pickedUpAt) planned.pickedUpAt = state.pickedUpAt;
      return data.chosen ? { status: 'AwaitingBooking', ...planned } : { status: 'Failed', reason: 'NO_CARRIER', ...planned };
    }
    case 'NextOptionChosen': {
      if (state.status !== 'AwaitingBooking') return state;
      const { attempt, planNumber, chosen, rank, respondBy } = message.data;
      return { ...state, plan: { ...state.plan, position: rank - 1 }, attempts: [...state.attempts, newAttempt(attempt, planNumber, chosen, respondBy)] };
    }
    case 'CarrierBookingRejected':
      if (state.status === 'Unplanned') return state;
      return { ...state, attempts: withAttempt(state.attempts, message.data.attempt, { status: 'REJECTED', reason: message.data.reason }) };
    case 'CarrierBookingTimedOut':
      if (state.status === 'Unplanned') return state;
      return { ...state, attempts: withAttempt(state.attempts, message.data.attempt, { status: 'TIMED_OUT' }) };
    case 'BookingOptionsExhausted':
      if (state.status !== 'AwaitingBooking') return state;
      return { ...state, status: 'Failed', reason: 'BOOKING_FAILED' };
    case 'ShipmentBooked': {
      if (state.status !== 'AwaitingBooking') return state;
      const { attempt, optionId, carrierId, serviceLevel, bookingReference, postedCost } = message.data;
      const attempts = withAttempt(state.attempts, attempt, { status: 'BOOKED' });
      return { ...state, status: 'Booked', attempts, booking: { attempt, optionId, carrierId, serviceLevel, bookingReference, postedCost } };
    }
    case 'LateBookingCancelled':
      if (state.status === 'Unplanned') return state;
      return { ...state, attempts: withAttempt(state.attempts, message.data.attempt, { status: 'LATE_BOOKING_CANCELLED' }) };
    case 'ShipmentPickedUp':
      if (state.status === 'Unplanned') return state;
      return { ...state, pickedUpAt: message.data.pickedUpAt };
    case 'ShipmentCancelled': {
      const { shipmentId, orderId, stage } = message.data;
      if (state.status === 'Unplanned') return { status: 'Cancelled', stage, shipmentId, orderId, attempts: [] };
      const attempts = state.attempts.map((a): BookingAttempt => (a.status === 'PENDING' ? { ...a, status: 'WITHDRAWN' } : a));
      return { status: 'Cancelled', stage, shipmentId, orderId, plan: state.plan, attempts, ...(state.pickedUpAt ? { pickedUpAt: state.pickedUpAt } : {}) };
    }
    case 'ShipmentCancellationTooLate':
      if (state.status === 'Unplanned' || state.status === 'Cancelled') return state;
      return { ...state, cancellationTooLate: true };
    case 'ReplanRefused':
      if (state.status !== 'Booked') return state;
      return { ...state, refusedRequestKey: requestKey(message.data.request) };
    case 'ShipmentExceptionRaised':
      if (message.data.exceptionType !== 'PROMISE_AT_RISK' || state.status !== 'AwaitingBooking') return state;
      return { ...state, plan: { ...state.plan, promiseAtRiskRaised: true } };
    case 'BookCarrier':
    case 'CancelCarrierBooking':
    case 'PostFreightCost':
      // Commands are on the stream for the outbox; the events beside them carry the state change.
      return state;
  }
}

/**
 * A request in canonical form (packages by id, the promise as a UTC instant), so a redelivered
 * OrderPacked with the same packages, in any order, is recognised as the same request.
 */
export function requestKey(request: FreightRequest): string {
  const packages = [...request.packages]
    .sort((a, b) => (a.packageId < b.packageId ? -1 : a.packageId > b.packageId ? 1 : 0))
    .map((p) => [p.packageId, p.weight, p.weightUnit, p.length, p.width, p.height, p.lengthUnit]);
  const { shipTo } = request;
  const address = [shipTo.name, shipTo.line1, shipTo.line2 ?? null, shipTo.city, shipTo.region ?? null, shipTo.postalCode ?? null, shipTo.countryCode, shipTo.residential];
  const promise = new Date(request.promisedDeliveryAt).toISOString();
  return JSON.stringify([request.siteId, packages, address, promise, request.hazmat, request.liftgateRequired, request.currency]);
}
