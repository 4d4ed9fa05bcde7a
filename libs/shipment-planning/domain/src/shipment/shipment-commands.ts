import type { CarrierPreferences } from '../freight-options/choose-option';
import type { FreightCalendars, FreightRequest } from '../freight-options/freight-request';
import type { Money } from '../money/money';
import type { RateCardVersion } from '../rate-card/rate-card';
import type { BookCarrier } from './shipment-messages';

/** How long the TMS has to answer a booking when the tenant sets nothing. */
export const DEFAULT_BOOKING_RESPONSE_MINUTES = 60;

/**
 * What a plan must know besides the shipment stream, loaded by the app right before deciding:
 * the tenant's cards in force (`effectiveRateCards(states, now)`), the site's and consignee's
 * zones, the tenant's carrier preference and booking response time. The decider prices and
 * chooses itself (`freightOptionsFor`, `chooseOption`), so the rule lives in one place and the
 * plan records exactly what it saw.
 */
export interface PlanningContext {
  rateCards: readonly RateCardVersion[];
  calendars: FreightCalendars;
  preferences: CarrierPreferences;
  bookingResponseMinutes?: number;
}

/** The packed order to ship: WMS `OrderPacked` (site, packages) + the order's terms the app keeps from the ERP. */
export interface ShipmentOrder extends FreightRequest {
  orderId: string;
  /** The shipment id (and stream) derive from it: `shipmentIdFor(warehouseOrderId)`. */
  warehouseOrderId: string;
}

/**
 * Plan (or re-plan) the shipment of a packed order. The same request again is ignored; a
 * different one (packages re-packed, terms amended) re-plans before booking and is refused after.
 */
export type PlanShipment = { type: 'PlanShipment'; data: { shipment: ShipmentOrder; context: PlanningContext } };

/** TMS `CarrierBooked`. `attempt` echoes BookCarrier's; without it the latest attempt of that carrier and service is meant. */
export type RecordCarrierBooking = {
  type: 'RecordCarrierBooking';
  data: {
    shipmentId: string;
    attempt?: number;
    carrierId: string;
    serviceLevel: string;
    bookingReference: string;
    trackingNumber?: string;
    /** The cost the carrier agreed. */
    freightCost: Money;
    pickupAt?: string;
  };
};

/** TMS `BookingRejected`. */
export type RecordBookingRejection = {
  type: 'RecordBookingRejection';
  data: { shipmentId: string; attempt?: number; carrierId: string; serviceLevel: string; reason: string };
};

/** The booking timer of `attempt` fired (scheduled at BookCarrier's `respondBy`). */
export type BookingTimedOut = { type: 'BookingTimedOut'; data: { shipmentId: string; attempt: number } };

/** ERP `OrderCancelled`, for each shipment of the order. */
export type CancelShipment = { type: 'CancelShipment'; data: { shipmentId: string; orderId: string; reason: string } };

/** The carrier collected: WMS `OrderShipped` or a PICKED_UP milestone. */
export type RecordPickup = { type: 'RecordPickup'; data: { shipmentId: string; pickedUpAt: string } };

export type ShipmentCommand = PlanShipment | RecordCarrierBooking | RecordBookingRejection | BookingTimedOut | CancelShipment | RecordPickup;

/** The durable timer a BookCarrier needs: fire `command` at `dueAt` unless the stream moved on (the decider ignores stale ones). */
export function bookingTimeoutTimer(bookCarrier: BookCarrier): { timerId: string; dueAt: Date; command: BookingTimedOut } {
  const { shipmentId, attempt, respondBy } = bookCarrier.data;
  return { timerId: `shipment:${shipmentId}/booking-timeout/${attempt}`, dueAt: new Date(respondBy), command: { type: 'BookingTimedOut', data: { shipmentId, attempt } } };
}
