import { calendars, cards, NOW, request } from '../freight-options/freight-options.fixtures';
import { chooseOption } from '../freight-options/choose-option';
import { EligibleFreightOption, freightOptionsFor, isEligible, promiseDateOf } from '../freight-options/freight-options';
import type { FreightRequest } from '../freight-options/freight-request';
import type { Money } from '../money/money';
import type { PlanningContext, ShipmentCommand, ShipmentOrder } from './shipment-commands';
import type { BookCarrier, CancelBookingReason, CancelCarrierBooking, ShipmentMessage, ShipmentPlanned } from './shipment-messages';

// Fixtures for the specs only (not exported from the package).

export { NOW };
export const nowIso = NOW.toISOString();
export const SHIPMENT_ID = 'SHP-SO-1001-R1';
export const at = (minutesAfterNow: number) => new Date(NOW.getTime() + minutesAfterNow * 60_000);

export const order: ShipmentOrder = { ...request, orderId: 'SO-1001', warehouseOrderId: 'SO-1001-R1' };
export const context: PlanningContext = { rateCards: cards, calendars, preferences: { carrierOrder: ['PARCELCO', 'FREIGHTLINE'] }, bookingResponseMinutes: 30 };

export const plan = (changes: Partial<ShipmentOrder> = {}, planningContext: PlanningContext = context): ShipmentCommand => ({
  type: 'PlanShipment',
  data: { shipment: { ...order, ...changes }, context: planningContext },
});

/** The options of a request at NOW, as the specs of freightOptionsFor establish them. */
export function optionsOf(changes: Partial<FreightRequest> = {}, now = NOW) {
  return freightOptionsFor({ ...request, ...changes }, cards, calendars, now);
}

export function option(optionId: string, changes: Partial<FreightRequest> = {}): EligibleFreightOption {
  const found = optionsOf(changes).find((candidate) => candidate.optionId === optionId);
  if (!found || !isEligible(found)) throw new Error(`no eligible option ${optionId}`);
  return found;
}

/** ShipmentPlanned as the decider writes it for `changes` at `now`. */
export function planned(options: { changes?: Partial<ShipmentOrder>; planNumber?: number; attempt?: number; now?: Date } = {}): ShipmentPlanned {
  const { changes = {}, planNumber = 1, attempt = 1, now = NOW } = options;
  const { orderId, warehouseOrderId, ...shipmentRequest } = { ...order, ...changes };
  const all = freightOptionsFor(shipmentRequest, cards, calendars, now);
  const choice = chooseOption(all, context.preferences);
  const promiseDate = promiseDateOf(shipmentRequest, calendars);
  return {
    type: 'ShipmentPlanned',
    data: {
      shipmentId: SHIPMENT_ID,
      orderId,
      warehouseOrderId,
      planNumber,
      request: shipmentRequest,
      calendars,
      promiseDate,
      options: all,
      ranking: choice.ranking.map((o) => o.optionId),
      outcome: choice.outcome,
      chosen: choice.chosen ?? null,
      attempt: choice.chosen ? attempt : null,
      respondBy: choice.chosen ? new Date(now.getTime() + 30 * 60_000).toISOString() : null,
      bookingResponseMinutes: 30,
      plannedAt: now.toISOString(),
    },
  };
}

export function bookCarrier(optionId: string, attempt: number, now = NOW, changes: Partial<FreightRequest> = {}): BookCarrier {
  const chosen = option(optionId, changes);
  const shipmentRequest = { ...request, ...changes };
  return {
    type: 'BookCarrier',
    data: {
      shipmentId: SHIPMENT_ID,
      orderId: order.orderId,
      warehouseOrderId: order.warehouseOrderId,
      siteId: shipmentRequest.siteId,
      attempt,
      optionId,
      carrierId: chosen.carrierId,
      serviceLevel: chosen.serviceLevel,
      packages: shipmentRequest.packages,
      shipTo: shipmentRequest.shipTo,
      hazmat: shipmentRequest.hazmat,
      liftgateRequired: shipmentRequest.liftgateRequired,
      quotedCost: chosen.price.total,
      pickupDate: chosen.pickupDate,
      respondBy: new Date(now.getTime() + 30 * 60_000).toISOString(),
      requestedAt: now.toISOString(),
    },
  };
}

export function cancelBooking(optionId: string, attempt: number, reason: CancelBookingReason, bookingReference: string | null = null, now = NOW): CancelCarrierBooking {
  const [rateCardId, serviceLevel] = optionId.split('/');
  const carrierId = rateCardId === 'parcelco-2026' ? 'PARCELCO' : 'FREIGHTLINE';
  return { type: 'CancelCarrierBooking', data: { shipmentId: SHIPMENT_ID, orderId: order.orderId, attempt, carrierId, serviceLevel, bookingReference, reason, requestedAt: now.toISOString() } };
}

const serviceOf = (optionId: string) => ({ carrierId: optionId.startsWith('parcelco') ? 'PARCELCO' : 'FREIGHTLINE', serviceLevel: optionId.split('/')[1] });

export function carrierBooked(optionId: string, attempt: number | undefined, freightCost: Money, bookingReference = `BK-${attempt ?? 'X'}`): ShipmentCommand {
  return { type: 'RecordCarrierBooking', data: { shipmentId: SHIPMENT_ID, ...(attempt === undefined ? {} : { attempt }), ...serviceOf(optionId), bookingReference, freightCost } };
}

export function rejected(optionId: string, attempt: number | undefined, reason = 'no capacity'): ShipmentCommand {
  return { type: 'RecordBookingRejection', data: { shipmentId: SHIPMENT_ID, ...(attempt === undefined ? {} : { attempt }), ...serviceOf(optionId), reason } };
}

export const timedOut = (attempt: number): ShipmentCommand => ({ type: 'BookingTimedOut', data: { shipmentId: SHIPMENT_ID, attempt } });
export const cancel: ShipmentCommand = { type: 'CancelShipment', data: { shipmentId: SHIPMENT_ID, orderId: order.orderId, reason: 'customer cancelled' } };
export const pickedUp = (pickedUpAt = '2026-01-15T21:00:00Z'): ShipmentCommand => ({ type: 'RecordPickup', data: { shipmentId: SHIPMENT_ID, pickedUpAt } });

/** The history of a shipment planned at NOW (2DAY chosen, attempt 1 awaiting). */
export const plannedHistory: ShipmentMessage[] = [planned(), bookCarrier('parcelco-2026/2DAY', 1)];
