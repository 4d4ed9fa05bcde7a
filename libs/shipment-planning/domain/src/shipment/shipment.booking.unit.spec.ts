import { DeciderSpecification } from '@lading/decider';
import { usd } from '../freight-options/freight-options.fixtures';
import { shipment } from './shipment.decide';
import type { ShipmentMessage } from './shipment-messages';
import { at, bookCarrier, cancelBooking, carrierBooked, NOW, option, plannedHistory, rejected, SHIPMENT_ID, timedOut } from './shipment.fixtures';

const spec = DeciderSpecification.for(shipment, { now: NOW });
const at10 = DeciderSpecification.for(shipment, { now: at(10) });
const at40 = DeciderSpecification.for(shipment, { now: at(40) });

/** The history after each step's command was decided, in turn, at its decider's clock. */
function after(history: ShipmentMessage[], ...steps: [decider: typeof spec, command: Parameters<typeof shipment.decide>[0]][]): ShipmentMessage[] {
  return steps.reduce((events, [decider, command]) => [...events, ...decider.given(events).when(command).events()], history);
}

const TWO_DAY = 'parcelco-2026/2DAY';
const OVERNIGHT = 'parcelco-2026/OVERNIGHT';

describe('shipment: booking', () => {
  it('books the awaited attempt and posts the RATED cost to the ERP', () => {
    at10
      .given(plannedHistory)
      .when(carrierBooked(TWO_DAY, 1, usd('17.60')))
      .then([
        {
          type: 'ShipmentBooked',
          data: {
            shipmentId: SHIPMENT_ID,
            orderId: 'SO-1001',
            attempt: 1,
            optionId: TWO_DAY,
            carrierId: 'PARCELCO',
            serviceLevel: '2DAY',
            bookingReference: 'BK-1',
            trackingNumber: null,
            pickupAt: null,
            ratedCost: usd('17.60'),
            agreedCost: usd('17.60'),
            postedCost: usd('17.60'),
            costCheck: 'MATCHES',
            costDifference: null,
            estimatedDeliveryDate: '2026-01-20',
            bookedAt: at(10).toISOString(),
          },
        },
        { type: 'PostFreightCost', data: { shipmentId: SHIPMENT_ID, orderId: 'SO-1001', carrierId: 'PARCELCO', amount: usd('17.60'), basis: 'RATE_CARD', requestedAt: at(10).toISOString() } },
      ]);
  });

  it('records a different agreed cost beside the rated one, and still posts the rated cost', () => {
    const [booked, post] = at10.given(plannedHistory).when(carrierBooked(TWO_DAY, 1, usd('19.1'))).events();
    expect(booked.data).toMatchObject({ ratedCost: usd('17.60'), agreedCost: usd('19.10'), postedCost: usd('17.60'), costCheck: 'DIFFERS', costDifference: usd('1.50') });
    expect(post.data).toMatchObject({ amount: usd('17.60') });
    const [otherCurrency] = at10.given(plannedHistory).when(carrierBooked(TWO_DAY, 1, { amount: '16.20', currency: 'EUR' })).events();
    expect(otherCurrency.data).toMatchObject({ agreedCost: { amount: '16.20', currency: 'EUR' }, postedCost: usd('17.60'), costCheck: 'OTHER_CURRENCY', costDifference: null });
  });

  it('matches a confirmation without an attempt number to the latest attempt of that carrier and service', () => {
    expect(at10.given(plannedHistory).when(carrierBooked(TWO_DAY, undefined, usd('17.60'), 'BK-9')).events()[0].data).toMatchObject({ attempt: 1, bookingReference: 'BK-9' });
  });

  it('ignores a repeated confirmation', () => {
    const booked = after(plannedHistory, [at10, carrierBooked(TWO_DAY, 1, usd('17.60'))]);
    at40.given(booked).when(carrierBooked(TWO_DAY, 1, usd('17.60'))).thenNothingHappens();
    expect(at40.given(booked).state()).toMatchObject({ status: 'Booked', booking: { attempt: 1, bookingReference: 'BK-1', postedCost: usd('17.60') } });
  });

  it('refuses a confirmation it never asked for, or for another carrier than the attempt', () => {
    at10.given(plannedHistory).when(carrierBooked(TWO_DAY, 7, usd('17.60'))).thenThrows(/no booking was requested for attempt 7/);
    at10.given(plannedHistory).when(carrierBooked('freightline-2026/LTL', undefined, usd('1'))).thenThrows(/no booking was requested for FREIGHTLINE LTL/);
    at10.given(plannedHistory).when(carrierBooked(OVERNIGHT, 1, usd('1'))).thenThrows(/booked PARCELCO 2DAY, answered for PARCELCO OVERNIGHT/);
    at10.given(plannedHistory).when(carrierBooked(TWO_DAY, 1, { amount: '17.6O', currency: 'USD' })).thenThrows(/freightCost/);
    spec.given([]).when(carrierBooked(TWO_DAY, 1, usd('1'))).thenThrows(/no booking was requested/);
  });

  it('books the next option in order when the carrier rejects (attempt 2)', () => {
    at10
      .given(plannedHistory)
      .when(rejected(TWO_DAY, 1))
      .then([
        { type: 'CarrierBookingRejected', data: { shipmentId: SHIPMENT_ID, attempt: 1, carrierId: 'PARCELCO', serviceLevel: '2DAY', reason: 'no capacity', rejectedAt: at(10).toISOString() } },
        {
          type: 'NextOptionChosen',
          data: {
            shipmentId: SHIPMENT_ID,
            orderId: 'SO-1001',
            planNumber: 1,
            attempt: 2,
            previousAttempt: 1,
            after: 'REJECTED',
            chosen: option(OVERNIGHT),
            rank: 2,
            promisedDeliveryAt: '2026-01-20T23:00:00.000Z',
            packages: plannedHistory[1].type === 'BookCarrier' ? plannedHistory[1].data.packages : [],
            respondBy: at(40).toISOString(),
            chosenAt: at(10).toISOString(),
          },
        },
        bookCarrier(OVERNIGHT, 2, at(10)),
      ]);
  });

  it('ignores a rejection of an attempt that is no longer awaited', () => {
    const second = after(plannedHistory, [at10, rejected(TWO_DAY, 1)]);
    at40.given(second).when(rejected(TWO_DAY, 1)).thenNothingHappens();
    const booked = after(second, [at10, carrierBooked(OVERNIGHT, 2, usd('39.60'))]);
    at40.given(booked).when(rejected(OVERNIGHT, 2)).thenNothingHappens();
  });

  it('walks the ranking: promise at risk once it reaches a late option, BOOKING_FAILED (owner CARRIER) when none is left', () => {
    const history = after(plannedHistory, [at10, rejected(TWO_DAY, 1)], [at10, rejected(OVERNIGHT, 2, 'weight limit')]);
    const third = history.slice(-3);
    expect(third.map((m) => m.type)).toEqual(['NextOptionChosen', 'BookCarrier', 'ShipmentExceptionRaised']);
    expect(third[2].data).toMatchObject({ exceptionId: 'SHP-SO-1001-R1/PROMISE_AT_RISK/plan-1', owner: 'SHIPPER', summary: expect.stringContaining('PARCELCO GROUND, delivers 2026-01-21, promised 2026-01-20') });

    const fourth = at10.given(history).when(rejected('parcelco-2026/GROUND', 3)).events();
    expect(fourth.map((m) => m.type)).toEqual(['CarrierBookingRejected', 'NextOptionChosen', 'BookCarrier']); // at risk already raised in this plan
    expect(fourth[2].data).toMatchObject({ attempt: 4, carrierId: 'FREIGHTLINE', serviceLevel: 'LTL' });

    const exhausted = at40.given([...history, ...fourth]).when(timedOut(4)).events();
    expect(exhausted.map((m) => m.type)).toEqual(['CarrierBookingTimedOut', 'CancelCarrierBooking', 'BookingOptionsExhausted', 'ShipmentExceptionRaised']);
    expect(exhausted[2].data).toEqual({ shipmentId: SHIPMENT_ID, orderId: 'SO-1001', planNumber: 1, attempts: [1, 2, 3, 4], exhaustedAt: at(40).toISOString() });
    expect(exhausted[3].data).toMatchObject({
      exceptionId: 'SHP-SO-1001-R1/BOOKING_FAILED/plan-1',
      exceptionType: 'BOOKING_FAILED',
      severity: 'HIGH',
      owner: 'CARRIER',
      summary:
        'No carrier booked shipment SHP-SO-1001-R1 (order SO-1001): every option was refused or unanswered (#1 PARCELCO 2DAY rejected: no capacity; #2 PARCELCO OVERNIGHT rejected: weight limit; #3 PARCELCO GROUND rejected: no capacity; +1 more)',
    });
    const failed = [...history, ...fourth, ...exhausted];
    expect(at40.given(failed).state()).toMatchObject({ status: 'Failed', reason: 'BOOKING_FAILED' });
    at40.given(failed).when(rejected('freightline-2026/LTL', 4)).thenNothingHappens();
    at40.given(failed).when(timedOut(4)).thenNothingHappens();
  });

  it('treats an unanswered booking as rejected and tells the TMS to cancel it', () => {
    at40
      .given(plannedHistory)
      .when(timedOut(1))
      .then([
        { type: 'CarrierBookingTimedOut', data: { shipmentId: SHIPMENT_ID, attempt: 1, carrierId: 'PARCELCO', serviceLevel: '2DAY', respondBy: at(30).toISOString(), timedOutAt: at(40).toISOString() } },
        cancelBooking(TWO_DAY, 1, 'TIMED_OUT', null, at(40)),
        // Then as for a rejection: the next option, booked.
        ...at40
          .given(plannedHistory)
          .when(rejected(TWO_DAY, 1))
          .events()
          .slice(1)
          .map((m): ShipmentMessage => (m.type === 'NextOptionChosen' ? { ...m, data: { ...m.data, after: 'TIMED_OUT' } } : m)),
      ]);
  });

  it('cancels a confirmation that arrives after its attempt timed out or was rejected, never booking twice', () => {
    const afterTimeout = after(plannedHistory, [at40, timedOut(1)]);
    const late = at40.given(afterTimeout).when(carrierBooked(TWO_DAY, 1, usd('17.60'), 'BK-LATE')).events();
    expect(late).toEqual([
      { type: 'LateBookingCancelled', data: { shipmentId: SHIPMENT_ID, attempt: 1, carrierId: 'PARCELCO', serviceLevel: '2DAY', bookingReference: 'BK-LATE', attemptWas: 'TIMED_OUT', recordedAt: at(40).toISOString() } },
      cancelBooking(TWO_DAY, 1, 'LATE_BOOKING', 'BK-LATE', at(40)),
    ]);
    at40.given([...afterTimeout, ...late]).when(carrierBooked(TWO_DAY, 1, usd('17.60'), 'BK-LATE')).thenNothingHappens();
    expect(at40.given([...afterTimeout, ...late]).state()).toMatchObject({ status: 'AwaitingBooking', attempts: [{ status: 'LATE_BOOKING_CANCELLED' }, { status: 'PENDING' }] });

    const bookedSecond = after(plannedHistory, [at10, rejected(TWO_DAY, 1)], [at10, carrierBooked(OVERNIGHT, 2, usd('39.60'))]);
    expect(at40.given(bookedSecond).when(carrierBooked(TWO_DAY, 1, usd('17.60'))).events().map((m) => m.type)).toEqual(['LateBookingCancelled', 'CancelCarrierBooking']);
  });

  it('ignores a timeout after booking, or of an attempt already answered', () => {
    const booked = after(plannedHistory, [at10, carrierBooked(TWO_DAY, 1, usd('17.60'))]);
    at40.given(booked).when(timedOut(1)).thenNothingHappens();
    const second = after(plannedHistory, [at10, rejected(TWO_DAY, 1)]);
    at40.given(second).when(timedOut(1)).thenNothingHappens();
    at40.given(second).when(timedOut(9)).thenNothingHappens();
    spec.given([]).when(timedOut(1)).thenNothingHappens();
  });
});
