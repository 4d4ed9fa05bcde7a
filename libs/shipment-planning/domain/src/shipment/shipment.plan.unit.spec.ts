import { DeciderSpecification } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { box, request } from '../freight-options/freight-options.fixtures';
import { InvalidFreightRequestError } from '../freight-options/freight-request';
import { bookingTimeoutTimer } from './shipment-commands';
import { shipment } from './shipment.decide';
import { isShipmentSystemCommand, shipmentIdFor, shipmentStreamId, ShipmentMessage } from './shipment-messages';
import { bookCarrier, cancel, cancelBooking, carrierBooked, context, NOW, nowIso, order, plan, planned, plannedHistory, SHIPMENT_ID } from './shipment.fixtures';

const spec = DeciderSpecification.for(shipment, { now: NOW });
const later = new Date('2026-01-15T16:00:00.000Z');
const specLater = DeciderSpecification.for(shipment, { now: later });
const toToronto = { shipTo: { ...request.shipTo, city: 'Toronto', region: 'ON', postalCode: 'M5V 2T6', countryCode: 'CA' } };
const promisedToday = { promisedDeliveryAt: '2026-01-15T23:00:00Z' };
const repacked = { packages: [box('P1', 3), box('P2', 3)] };

describe('shipment: planning', () => {
  it('derives the shipment id from the warehouse order, so a redelivered OrderPacked finds the same stream', () => {
    expect(shipmentIdFor('SO-1001-R1')).toBe(SHIPMENT_ID);
    expect(shipmentStreamId(SHIPMENT_ID)).toBe('shipment:SHP-SO-1001-R1');
  });

  it('plans with every option considered and books the cheapest that meets the promise (attempt 1)', () => {
    spec.given([]).when(plan()).then([planned(), bookCarrier('parcelco-2026/2DAY', 1)]);
    const [event] = spec.given([]).when(plan()).events();
    expect(event.type === 'ShipmentPlanned' && [event.data.outcome, event.data.chosen?.optionId, event.data.ranking, event.data.options.length, event.data.respondBy]).toEqual([
      'MEETS_PROMISE',
      'parcelco-2026/2DAY',
      ['parcelco-2026/2DAY', 'parcelco-2026/OVERNIGHT', 'parcelco-2026/GROUND', 'freightline-2026/LTL'],
      4,
      '2026-01-15T15:30:00.000Z',
    ]);
    expect(spec.given(plannedHistory).state()).toMatchObject({ status: 'AwaitingBooking', attempts: [{ attempt: 1, optionId: 'parcelco-2026/2DAY', status: 'PENDING' }] });
  });

  it('books the earliest eligible option and raises PROMISE_AT_RISK (owner SHIPPER) when none meets the promise', () => {
    spec
      .given([])
      .when(plan(promisedToday))
      .then([
        planned({ changes: promisedToday }),
        bookCarrier('parcelco-2026/OVERNIGHT', 1, NOW, promisedToday),
        {
          type: 'ShipmentExceptionRaised',
          data: {
            exceptionId: 'SHP-SO-1001-R1/PROMISE_AT_RISK/plan-1',
            shipmentId: SHIPMENT_ID,
            orderId: 'SO-1001',
            exceptionType: 'PROMISE_AT_RISK',
            severity: 'MEDIUM',
            owner: 'SHIPPER',
            summary: 'Shipment SHP-SO-1001-R1 (order SO-1001) will miss its promise: the best option left, PARCELCO OVERNIGHT, delivers 2026-01-16, promised 2026-01-15',
            planNumber: 1,
            raisedAt: nowIso,
          },
        },
      ]);
  });

  it('books nothing and raises NO_CARRIER (owner SHIPPER) when no option is eligible', () => {
    const events = spec.given([]).when(plan(toToronto)).events();
    expect(events).toEqual([planned({ changes: toToronto }), expect.objectContaining({ type: 'ShipmentExceptionRaised' })]);
    expect(events[1].data).toMatchObject({
      exceptionId: 'SHP-SO-1001-R1/NO_CARRIER/plan-1',
      exceptionType: 'NO_CARRIER',
      severity: 'HIGH',
      owner: 'SHIPPER',
      summary:
        'No carrier can take shipment SHP-SO-1001-R1 (order SO-1001): none of 4 option(s) is eligible (FREIGHTLINE LTL: DESTINATION_NOT_COVERED; PARCELCO GROUND: DESTINATION_NOT_COVERED; PARCELCO 2DAY: DESTINATION_NOT_COVERED; +1 more)',
    });
    expect(events.some(isShipmentSystemCommand)).toBe(false);
    expect(spec.given(events).state()).toMatchObject({ status: 'Failed', reason: 'NO_CARRIER', attempts: [] });
    expect(spec.given([]).when(plan({}, { ...context, rateCards: [] })).events()[1].data).toMatchObject({ summary: 'No carrier can take shipment SHP-SO-1001-R1 (order SO-1001): no rate card in force' });
  });

  it('ignores a second PlanShipment for the same packages, in any order, whatever state it finds', () => {
    const twoBoxes = { packages: [box('A'), box('B')] };
    const history = [planned({ changes: twoBoxes }), bookCarrier('parcelco-2026/2DAY', 1, NOW, twoBoxes)];
    specLater.given(history).when(plan({ packages: [box('B'), box('A')] })).thenNothingHappens();
    specLater.given(plannedHistory).when(plan({ promisedDeliveryAt: '2026-01-20T23:00:00.000+00:00' })).thenNothingHappens();
    const noCarrier = spec.given([]).when(plan(toToronto)).events();
    specLater.given(noCarrier).when(plan(toToronto)).thenNothingHappens();
  });

  it('re-plans amended packages before booking: the awaited booking is cancelled, the attempt counter continues', () => {
    specLater
      .given(plannedHistory)
      .when(plan(repacked))
      .then([
        planned({ changes: repacked, planNumber: 2, attempt: 2, now: later }),
        cancelBooking('parcelco-2026/2DAY', 1, 'REPLANNED', null, later),
        bookCarrier('parcelco-2026/2DAY', 2, later, repacked),
      ]);
    const state = specLater.given([...plannedHistory, ...specLater.given(plannedHistory).when(plan(repacked)).events()]).state();
    expect(state).toMatchObject({ status: 'AwaitingBooking', plan: { planNumber: 2 }, attempts: [{ attempt: 1, status: 'SUPERSEDED' }, { attempt: 2, status: 'PENDING' }] });
  });

  it('re-plans after NO_CARRIER when the packages or terms change', () => {
    const noCarrier = spec.given([]).when(plan(toToronto)).events();
    specLater
      .given(noCarrier)
      .when(plan())
      .then([planned({ planNumber: 2, attempt: 1, now: later }), bookCarrier('parcelco-2026/2DAY', 1, later)]);
  });

  it('does not re-plan after booking: records the refusal once', () => {
    const booked = [...plannedHistory, ...spec.given(plannedHistory).when(carrierBooked('parcelco-2026/2DAY', 1, { amount: '17.60', currency: 'USD' })).events()];
    const refused = specLater.given(booked).when(plan(repacked)).events();
    expect(refused).toEqual([
      {
        type: 'ReplanRefused',
        data: {
          shipmentId: SHIPMENT_ID,
          orderId: 'SO-1001',
          reason: 'ALREADY_BOOKED',
          request: { ...request, ...repacked },
          message: 'shipment SHP-SO-1001-R1 is booked with PARCELCO 2DAY (BK-1); changed packages or terms are not re-planned: cancel and re-book instead',
          refusedAt: later.toISOString(),
        },
      },
    ]);
    specLater.given([...booked, ...refused]).when(plan(repacked)).thenNothingHappens();
    specLater.given(booked).when(plan()).thenNothingHappens();
  });

  it('ignores a PlanShipment after the shipment was cancelled', () => {
    const cancelled = spec.given([]).when(cancel).events();
    spec.given(cancelled).when(plan()).thenNothingHappens();
  });

  it('refuses a request that cannot be planned, as poison input naming the fields', () => {
    spec.given([]).when(plan({ packages: [{ ...box(), weight: -1 }] })).thenThrows(InvalidFreightRequestError);
    spec.given([]).when(plan({ warehouseOrderId: '' })).thenThrows(NonRetriableError);
    spec.given([]).when(plan({}, { ...context, calendars: { ...context.calendars, siteTimeZone: 'Nowhere/Town' } })).thenThrows(/calendars.siteTimeZone/);
    spec.given(plannedHistory).when(plan({ warehouseOrderId: 'SO-1001-R2' })).thenThrows(/reached the stream of SHP-SO-1001-R1/);
  });

  it('asks for a durable timer at the booking respondBy', () => {
    const book = bookCarrier('parcelco-2026/2DAY', 1);
    expect(bookingTimeoutTimer(book)).toEqual({
      timerId: 'shipment:SHP-SO-1001-R1/booking-timeout/1',
      dueAt: new Date('2026-01-15T15:30:00.000Z'),
      command: { type: 'BookingTimedOut', data: { shipmentId: SHIPMENT_ID, attempt: 1 } },
    });
    expect(isShipmentSystemCommand(book)).toBe(true);
    expect(isShipmentSystemCommand(planned() as ShipmentMessage)).toBe(false);
    expect(order.warehouseOrderId).toBe('SO-1001-R1');
  });
});
