import type { EligibleFreightOption } from '../freight-options/freight-options';
import type { FreightRequest } from '../freight-options/freight-request';
import type { BookingAttempt } from './shipment';
import { SHIPMENT_EXCEPTIONS, shipmentExceptionId, ShipmentExceptionType } from './shipment-exceptions';
import type { BookCarrier, CancelBookingReason, CancelCarrierBooking, ShipmentExceptionRaised } from './shipment-messages';

// Builders of the messages several handlers append; the rules of when live in the handlers.

export interface ShipmentIdentity {
  shipmentId: string;
  orderId: string;
  warehouseOrderId: string;
}

/** The instant a booking made at `now` must be answered by. */
export function respondByFrom(now: Date, minutes: number): string {
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}

export function bookCarrier(shipment: ShipmentIdentity, request: FreightRequest, option: EligibleFreightOption, attempt: number, respondBy: string, now: Date): BookCarrier {
  const { shipmentId, orderId, warehouseOrderId } = shipment;
  return {
    type: 'BookCarrier',
    data: {
      shipmentId,
      orderId,
      warehouseOrderId,
      siteId: request.siteId,
      attempt,
      optionId: option.optionId,
      carrierId: option.carrierId,
      serviceLevel: option.serviceLevel,
      packages: request.packages,
      shipTo: request.shipTo,
      hazmat: request.hazmat,
      liftgateRequired: request.liftgateRequired,
      quotedCost: option.price.total,
      pickupDate: option.pickupDate,
      respondBy,
      requestedAt: now.toISOString(),
    },
  };
}

export function cancelBooking(
  shipment: Pick<ShipmentIdentity, 'shipmentId' | 'orderId'>,
  attempt: Pick<BookingAttempt, 'attempt' | 'carrierId' | 'serviceLevel'>,
  bookingReference: string | null,
  reason: CancelBookingReason,
  now: Date,
): CancelCarrierBooking {
  const { shipmentId, orderId } = shipment;
  return {
    type: 'CancelCarrierBooking',
    data: { shipmentId, orderId, attempt: attempt.attempt, carrierId: attempt.carrierId, serviceLevel: attempt.serviceLevel, bookingReference, reason, requestedAt: now.toISOString() },
  };
}

export function exceptionRaised(
  shipment: Pick<ShipmentIdentity, 'shipmentId' | 'orderId'>,
  exceptionType: ShipmentExceptionType,
  planNumber: number,
  summary: string,
  now: Date,
): ShipmentExceptionRaised {
  const { shipmentId, orderId } = shipment;
  return {
    type: 'ShipmentExceptionRaised',
    data: {
      exceptionId: shipmentExceptionId(shipmentId, exceptionType, planNumber),
      shipmentId,
      orderId,
      exceptionType,
      ...SHIPMENT_EXCEPTIONS[exceptionType],
      summary,
      planNumber,
      raisedAt: now.toISOString(),
    },
  };
}
