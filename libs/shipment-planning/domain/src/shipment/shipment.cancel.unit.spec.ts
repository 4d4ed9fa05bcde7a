import { DeciderSpecification } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { request, usd } from '../freight-options/freight-options.fixtures';
import { shipment } from './shipment.decide';
import type { ShipmentMessage } from './shipment-messages';
import { at, cancel, cancelBooking, carrierBooked, NOW, pickedUp, plan, plannedHistory, rejected, SHIPMENT_ID, timedOut } from './shipment.fixtures';

const spec = DeciderSpecification.for(shipment, { now: NOW });
const later = DeciderSpecification.for(shipment, { now: at(60) });
const laterIso = at(60).toISOString();
const TWO_DAY = 'parcelco-2026/2DAY';
const booked: ShipmentMessage[] = [...plannedHistory, ...spec.given(plannedHistory).when(carrierBooked(TWO_DAY, 1, usd('17.60'))).events()];
const shippedAt = '2026-01-15T21:00:00.000Z';
const pickup: ShipmentMessage = { type: 'ShipmentPickedUp', data: { shipmentId: SHIPMENT_ID, pickedUpAt: shippedAt, recordedAt: laterIso } };

const cancelled = (stage: 'BEFORE_PLANNING' | 'BEFORE_BOOKING' | 'AFTER_BOOKING', cancelledAttempt: number | null): ShipmentMessage => ({
  type: 'ShipmentCancelled',
  data: { shipmentId: SHIPMENT_ID, orderId: 'SO-1001', stage, reason: 'customer cancelled', cancelledAttempt, cancelledAt: laterIso },
});

describe('shipment: cancellation', () => {
  it('cancels before planning, and the cancel wins over a later OrderPacked', () => {
    later.given([]).when(cancel).then([cancelled('BEFORE_PLANNING', null)]);
    later.given([cancelled('BEFORE_PLANNING', null)]).when(plan()).thenNothingHappens();
    later.given([cancelled('BEFORE_PLANNING', null)]).when(cancel).thenNothingHappens();
  });

  it('cancels before booking: the awaited booking is cancelled at the TMS', () => {
    later
      .given(plannedHistory)
      .when(cancel)
      .then([cancelled('BEFORE_BOOKING', 1), cancelBooking(TWO_DAY, 1, 'SHIPMENT_CANCELLED', null, at(60))]);
    const history = [...plannedHistory, ...later.given(plannedHistory).when(cancel).events()];
    expect(later.given(history).state()).toMatchObject({ status: 'Cancelled', stage: 'BEFORE_BOOKING', attempts: [{ attempt: 1, status: 'WITHDRAWN' }] });
    // The carrier confirms anyway: cancelled again, with its reference; a rejection or timeout changes nothing.
    expect(later.given(history).when(carrierBooked(TWO_DAY, 1, usd('17.60'), 'BK-1')).events().map((m) => m.type)).toEqual(['LateBookingCancelled', 'CancelCarrierBooking']);
    later.given(history).when(rejected(TWO_DAY, 1)).thenNothingHappens();
    later.given(history).when(timedOut(1)).thenNothingHappens();
    later.given(history).when(cancel).thenNothingHappens();
  });

  it('cancels a shipment that could not be booked: nothing to tell the TMS', () => {
    const toToronto = { shipTo: { ...request.shipTo, city: 'Toronto', region: 'ON', postalCode: 'M5V 2T6', countryCode: 'CA' } };
    const noCarrier = spec.given([]).when(plan(toToronto)).events();
    later.given(noCarrier).when(cancel).then([cancelled('BEFORE_BOOKING', null)]);
  });

  it('cancels after booking, before pickup: the confirmed booking is cancelled by its reference', () => {
    later
      .given(booked)
      .when(cancel)
      .then([cancelled('AFTER_BOOKING', 1), cancelBooking(TWO_DAY, 1, 'SHIPMENT_CANCELLED', 'BK-1', at(60))]);
  });

  it('has nothing to cancel after pickup, and says why once', () => {
    const tooLate: ShipmentMessage = {
      type: 'ShipmentCancellationTooLate',
      data: {
        shipmentId: SHIPMENT_ID,
        orderId: 'SO-1001',
        reason: 'customer cancelled',
        pickedUpAt: shippedAt,
        message: `the carrier collected shipment ${SHIPMENT_ID} at ${shippedAt}: there is no booking left to cancel; bring the goods back as a return`,
        recordedAt: laterIso,
      },
    };
    later.given([...booked, pickup]).when(cancel).then([tooLate]);
    later.given([...booked, pickup, tooLate]).when(cancel).thenNothingHappens();
    expect(later.given([...booked, pickup, tooLate]).state()).toMatchObject({ status: 'Booked', pickedUpAt: shippedAt, cancellationTooLate: true });
  });
});

describe('shipment: pickup', () => {
  it('records the pickup once, normalised to UTC', () => {
    later.given(booked).when(pickedUp('2026-01-15T16:00:00-05:00')).then([pickup]);
    later.given([...booked, pickup]).when(pickedUp()).thenNothingHappens();
  });

  it('records a pickup that overtook the booking confirmation, which still books', () => {
    const history = [...plannedHistory, ...later.given(plannedHistory).when(pickedUp()).events()];
    expect(later.given(history).when(carrierBooked(TWO_DAY, 1, usd('17.60'))).events().map((m) => m.type)).toEqual(['ShipmentBooked', 'PostFreightCost']);
  });

  it('has nothing to record a pickup on before planning, and refuses a malformed instant', () => {
    later.given([]).when(pickedUp()).thenNothingHappens();
    later.given(booked).when(pickedUp('yesterday')).thenThrows(NonRetriableError);
  });
});
