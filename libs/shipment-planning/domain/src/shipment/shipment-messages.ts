import type { LocalDate } from '@lading/shared-domain';
import type { ChoiceOutcome } from '../freight-options/choose-option';
import type { FreightOption } from '../freight-options/freight-options';
import type { FreightCalendars, FreightPackage, FreightRequest, ShipTo } from '../freight-options/freight-request';
import type { Money } from '../money/money';
import type { ShipmentExceptionOwner, ShipmentExceptionSeverity, ShipmentExceptionType } from './shipment-exceptions';

/**
 * One stream per shipment: `shipment:<shipmentId>` (the kit prefixes the tenant). The shipment id
 * is derived from the warehouse order it carries, so a redelivered OrderPacked finds the same stream.
 */
export const SHIPMENT_STREAM_TYPE = 'shipment';

export function shipmentIdFor(warehouseOrderId: string): string {
  return `SHP-${warehouseOrderId}`;
}

export function shipmentStreamId(shipmentId: string): string {
  return `${SHIPMENT_STREAM_TYPE}:${shipmentId}`;
}

// ---------------------------------------------------------------------------------------------
// Events: what shipment planning decided
// ---------------------------------------------------------------------------------------------

/**
 * A plan: every option considered (cost, dates, eligibility and why), the booking order
 * (`ranking`, option ids) and the option chosen for `attempt`. NO_CARRIER plans choose nothing.
 * A re-plan (packages amended before booking) is a new plan with the next `planNumber`; attempt
 * numbers continue across plans.
 */
export type ShipmentPlanned = {
  type: 'ShipmentPlanned';
  data: {
    shipmentId: string;
    orderId: string;
    warehouseOrderId: string;
    planNumber: number;
    request: FreightRequest;
    calendars: FreightCalendars;
    /** The promise as a local date in the consignee's zone. */
    promiseDate: LocalDate;
    options: FreightOption[];
    ranking: string[];
    outcome: ChoiceOutcome;
    chosen: FreightOption | null;
    attempt: number | null;
    /** When the TMS must have answered the booking of `attempt` (the booking timer). */
    respondBy: string | null;
    bookingResponseMinutes: number;
    plannedAt: string;
  };
};

/** The booking of the previous attempt failed: the next option of the plan's ranking is booked. */
export type NextOptionChosen = {
  type: 'NextOptionChosen';
  data: {
    shipmentId: string;
    orderId: string;
    planNumber: number;
    attempt: number;
    previousAttempt: number;
    after: 'REJECTED' | 'TIMED_OUT';
    chosen: FreightOption;
    /** 1-based position of `chosen` in the plan's ranking. */
    rank: number;
    promisedDeliveryAt: string;
    packages: FreightPackage[];
    respondBy: string;
    chosenAt: string;
  };
};

export type CarrierBookingRejected = {
  type: 'CarrierBookingRejected';
  data: { shipmentId: string; attempt: number; carrierId: string; serviceLevel: string; reason: string; rejectedAt: string };
};

/** Nobody answered the booking by `respondBy`: treated as a rejection, and the TMS is told to cancel it. */
export type CarrierBookingTimedOut = {
  type: 'CarrierBookingTimedOut';
  data: { shipmentId: string; attempt: number; carrierId: string; serviceLevel: string; respondBy: string; timedOutAt: string };
};

export type BookingOptionsExhausted = {
  type: 'BookingOptionsExhausted';
  data: { shipmentId: string; orderId: string; planNumber: number; attempts: number[]; exhaustedAt: string };
};

/**
 * The carrier confirmed. `postedCost` (what the ERP is told) is the RATED cost of the booked
 * option: the tenant's contract price, the same figure the choice was made on. The carrier's
 * agreed cost is kept beside it; freight audit settles a difference against the invoice.
 */
export type ShipmentBooked = {
  type: 'ShipmentBooked';
  data: {
    shipmentId: string;
    orderId: string;
    attempt: number;
    optionId: string;
    carrierId: string;
    serviceLevel: string;
    bookingReference: string;
    trackingNumber: string | null;
    pickupAt: string | null;
    ratedCost: Money;
    agreedCost: Money;
    postedCost: Money;
    costCheck: 'MATCHES' | 'DIFFERS' | 'OTHER_CURRENCY';
    /** agreed − rated when they differ in the same currency, else null. */
    costDifference: Money | null;
    estimatedDeliveryDate: LocalDate;
    bookedAt: string;
  };
};

/** A carrier confirmed an attempt we had already given up (rejected, timed out, re-planned, cancelled): it is cancelled, never kept as a second booking. */
export type LateBookingCancelled = {
  type: 'LateBookingCancelled';
  data: { shipmentId: string; attempt: number; carrierId: string; serviceLevel: string; bookingReference: string; attemptWas: string; recordedAt: string };
};

export type ShipmentPickedUp = { type: 'ShipmentPickedUp'; data: { shipmentId: string; pickedUpAt: string; recordedAt: string } };

export type ShipmentCancelled = {
  type: 'ShipmentCancelled';
  data: {
    shipmentId: string;
    orderId: string;
    stage: 'BEFORE_PLANNING' | 'BEFORE_BOOKING' | 'AFTER_BOOKING';
    reason: string;
    /** The booking (pending or confirmed) the TMS is told to cancel; null when there is none. */
    cancelledAttempt: number | null;
    cancelledAt: string;
  };
};

/** The order was cancelled after the carrier collected: there is no booking left to cancel (returns take over). */
export type ShipmentCancellationTooLate = {
  type: 'ShipmentCancellationTooLate';
  data: { shipmentId: string; orderId: string; reason: string; pickedUpAt: string; message: string; recordedAt: string };
};

/** Packages (or terms) changed after booking: the booking stands, no re-plan. */
export type ReplanRefused = {
  type: 'ReplanRefused';
  data: { shipmentId: string; orderId: string; reason: 'ALREADY_BOOKED'; request: FreightRequest; message: string; refusedAt: string };
};

/** For the exception stream. `exceptionId` is derived (shipment, type, plan), so a redelivery never raises it twice. */
export type ShipmentExceptionRaised = {
  type: 'ShipmentExceptionRaised';
  data: {
    exceptionId: string;
    shipmentId: string;
    orderId: string;
    exceptionType: ShipmentExceptionType;
    severity: ShipmentExceptionSeverity;
    owner: ShipmentExceptionOwner;
    summary: string;
    planNumber: number;
    raisedAt: string;
  };
};

export type ShipmentEvent =
  | ShipmentPlanned
  | NextOptionChosen
  | CarrierBookingRejected
  | CarrierBookingTimedOut
  | BookingOptionsExhausted
  | ShipmentBooked
  | LateBookingCancelled
  | ShipmentPickedUp
  | ShipmentCancelled
  | ShipmentCancellationTooLate
  | ReplanRefused
  | ShipmentExceptionRaised;

// ---------------------------------------------------------------------------------------------
// Commands to other systems, appended beside the events so the outbox publishes them
// ---------------------------------------------------------------------------------------------

/** To the TMS: book this option. Schedule `BookingTimedOut` at `respondBy` (see `bookingTimeoutTimer`). */
export type BookCarrier = {
  type: 'BookCarrier';
  data: {
    shipmentId: string;
    orderId: string;
    warehouseOrderId: string;
    siteId: string;
    attempt: number;
    optionId: string;
    carrierId: string;
    serviceLevel: string;
    packages: FreightPackage[];
    shipTo: ShipTo;
    hazmat: boolean;
    liftgateRequired: boolean;
    quotedCost: Money;
    pickupDate: LocalDate;
    respondBy: string;
    requestedAt: string;
  };
};

export type CancelBookingReason = 'TIMED_OUT' | 'LATE_BOOKING' | 'REPLANNED' | 'SHIPMENT_CANCELLED';

/** To the TMS: cancel the booking of an attempt (NEW contract: lading.commands.CancelCarrierBooking). */
export type CancelCarrierBooking = {
  type: 'CancelCarrierBooking';
  data: {
    shipmentId: string;
    orderId: string;
    attempt: number;
    carrierId: string;
    serviceLevel: string;
    /** The carrier's reference when the booking was confirmed; null for a booking still unanswered. */
    bookingReference: string | null;
    reason: CancelBookingReason;
    requestedAt: string;
  };
};

/** To the ERP: post the freight cost of the booked shipment (the rated cost, see `ShipmentBooked`). */
export type PostFreightCost = {
  type: 'PostFreightCost';
  data: { shipmentId: string; orderId: string; carrierId: string; amount: Money; basis: 'RATE_CARD'; requestedAt: string };
};

export type ShipmentSystemCommand = BookCarrier | CancelCarrierBooking | PostFreightCost;

/** Everything the shipment decider appends. */
export type ShipmentMessage = ShipmentEvent | ShipmentSystemCommand;

export function isShipmentSystemCommand(message: ShipmentMessage): message is ShipmentSystemCommand {
  return message.type === 'BookCarrier' || message.type === 'CancelCarrierBooking' || message.type === 'PostFreightCost';
}
