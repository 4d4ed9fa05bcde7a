import { at, checkPromise, contextWith, history, ofType, parcel, plan, scan, settings, SHIPMENT_ID, x12 } from './shipment-tracking.fixtures';
import type { ShipmentTrackingCommand } from './shipment-tracking.decide';
import type { ShipmentTrackingEvent } from './shipment-tracking.events';

const THURSDAY = '2026-01-15T21:00:00.000Z';
const FRIDAY = '2026-01-16T15:30:00.000Z';
const TUESDAY_NOON = '2026-01-20T17:00:00.000Z';
const inTransit = history([THURSDAY, scan(x12('AF', '2026-01-15T15:30'))]);
const delivered = x12('D1', '2026-01-20T11:00');

const detected = (events: ShipmentTrackingEvent[]) => ofType(events, 'ExceptionDetected').map((e) => [e.data.exceptionId, e.data.exceptionType, e.data.severity, e.data.owner]);
const cleared = (events: ShipmentTrackingEvent[]) => ofType(events, 'ExceptionCleared').map((e) => [e.data.exceptionId, e.data.reason]);
const notified = (events: ShipmentTrackingEvent[]) => ofType(events, 'CustomerNotificationRequested').map((e) => e.data.kind);
const resolvedByDesk = (exceptionId: string): ShipmentTrackingCommand => ({ type: 'NoteExceptionResolved', data: { shipmentId: SHIPMENT_ID, exceptionId, resolvedBy: 'desk:ana' } });

describe('shipment tracking: exceptions', () => {
  describe('a delay with a reason', () => {
    const accident = x12('X6', '2026-01-16T10:00', { reasonCode: 'AF' });
    const delayed = at(FRIDAY).given(inTransit).when(scan(accident)).events();

    it('when the carrier reports it, then one exception is detected, classified by the reason code, and the customer hears DELAYED', () => {
      expect(delayed.map((e) => e.type)).toEqual(['ScanRecorded', 'MilestoneRecorded', 'ExceptionDetected', 'CustomerNotificationRequested']);
      expect(ofType(delayed, 'ExceptionDetected')[0].data).toEqual({
        exceptionId: 'SHP-1:carrier-carrier-delay:1',
        condition: 'CARRIER:CARRIER_DELAY',
        episode: 1,
        shipmentId: 'SHP-1',
        orderId: 'SO-1001',
        exceptionType: 'CARRIER_DELAY',
        severity: 'HIGH',
        owner: 'CARRIER',
        summary: 'ACME: En Route to Delivery Location (Accident) at EWR-HUB, Newark [X12_214 X6/AF]',
        source: { codeSet: 'X12_214', element: 'REASON', code: 'AF' },
        scanId: 'TRK-1|X12_214|X6|AF|2026-01-16T10:00|EWR-HUB,NEWARK,,US|',
        detectedAt: FRIDAY,
      });
      expect(ofType(delayed, 'CustomerNotificationRequested')[0].data).toMatchObject({ kind: 'DELAYED', templateData: { exceptionType: 'CARRIER_DELAY' } });
    });

    it('when the carrier repeats the delay, then no second exception opens while the first is open', () => {
      const more = at('2026-01-16T18:00:00.000Z')
        .given([...inTransit, ...delayed])
        .when(scan(x12('SD', '2026-01-16T12:30', { reasonCode: 'AF' })))
        .events();
      expect(detected(more)).toEqual([]);
    });

    it('when the shipment is delivered, then the delay resolves by itself', () => {
      const events = at(TUESDAY_NOON).given([...inTransit, ...delayed]).when(scan(delivered)).events();
      expect(cleared(events)).toEqual([['SHP-1:carrier-carrier-delay:1', 'DELIVERED']]);
      expect(ofType(events, 'ExceptionCleared')[0].data.resolution).toBe('delivered at 2026-01-20T16:00:00.000Z');
    });
  });

  describe('damage', () => {
    const damaged = history([THURSDAY, scan(x12('AF', '2026-01-15T15:30'))], [FRIDAY, scan(x12('A9', '2026-01-16T10:00'))]);

    it('when the carrier reports it, then a DAMAGED exception opens for the service desk, with no automatic customer message', () => {
      expect(detected(damaged)).toEqual([['SHP-1:carrier-damaged:1', 'DAMAGED', 'HIGH', 'CARRIER']]);
      expect(notified(damaged)).toEqual(['ORDER_SHIPPED']);
    });

    it('when the shipment is delivered anyway, then the damage stays open: a claim needs a person', () => {
      const events = at(TUESDAY_NOON).given(damaged).when(scan(delivered)).events();
      expect(cleared(events)).toEqual([]);
    });

    it('when the service desk resolved it, then the next damage report opens episode 2', () => {
      const ended = at('2026-01-16T18:00:00.000Z').given(damaged).when(resolvedByDesk('SHP-1:carrier-damaged:1')).events();
      expect(ended).toEqual([
        { type: 'ExceptionEpisodeEnded', data: { exceptionId: 'SHP-1:carrier-damaged:1', condition: 'CARRIER:DAMAGED', shipmentId: 'SHP-1', resolvedBy: 'desk:ana', endedAt: '2026-01-16T18:00:00.000Z' } },
      ]);
      at('2026-01-16T18:05:00.000Z').given([...damaged, ...ended]).when(resolvedByDesk('SHP-1:carrier-damaged:1')).thenNothingHappens();
      const again = at('2026-01-19T15:00:00.000Z')
        .given([...damaged, ...ended])
        .when(scan(x12('A9', '2026-01-19T09:00', { reasonCode: 'AK' })))
        .events();
      expect(detected(again)).toEqual([['SHP-1:carrier-damaged:2', 'DAMAGED', 'HIGH', 'CARRIER']]);
    });
  });

  it('given a delivered shipment, when a late delay report arrives, then it is moot; a damage report still counts', () => {
    const deliveredHistory = history([THURSDAY, scan(x12('AF', '2026-01-15T15:30'))], [TUESDAY_NOON, scan(delivered)]);
    const delay = at('2026-01-20T18:00:00.000Z').given(deliveredHistory).when(scan(x12('SD', '2026-01-19T10:00', { reasonCode: 'AO' }))).events();
    expect(detected(delay)).toEqual([]);
    const damage = at('2026-01-20T18:00:00.000Z').given(deliveredHistory).when(scan(x12('A9', '2026-01-20T11:05'))).events();
    expect(detected(damage)).toEqual([['SHP-1:carrier-damaged:1', 'DAMAGED', 'HIGH', 'CARRIER']]);
  });

  it('given a failed attempt for a bad address, then ADDRESS_PROBLEM opens, the customer hears DELIVERY_PROBLEM, and delivery leaves it to the desk', () => {
    const failed = history([THURSDAY, scan(x12('AF', '2026-01-15T15:30'))], ['2026-01-20T15:00:00.000Z', scan(x12('AH', '2026-01-20T09:40', { reasonCode: 'A2' }))]);
    // The failed attempt on the promised day also moves the plan ETA to Wednesday: predicted late.
    expect(detected(failed)).toEqual([
      ['SHP-1:carrier-address-problem:1', 'ADDRESS_PROBLEM', 'HIGH', 'SHIPPER'],
      ['SHP-1:eta-after-promise:1', 'LATE_DELIVERY', 'MEDIUM', 'CARRIER'],
    ]);
    expect(notified(failed)).toContain('DELIVERY_PROBLEM');
    const events = at('2026-01-21T17:00:00.000Z').given(failed).when(scan(x12('D1', '2026-01-21T11:00'))).events();
    expect(cleared(events).filter(([id]) => id.includes('address'))).toEqual([]);
  });

  it('given a refusal, then REFUSED_BY_CONSIGNEE opens and the status is a delivery attempt', () => {
    const events = at(TUESDAY_NOON).given(inTransit).when(scan(x12('A7', '2026-01-20T11:00'))).events();
    expect(detected(events)[0]).toEqual(['SHP-1:carrier-refused-by-consignee:1', 'REFUSED_BY_CONSIGNEE', 'HIGH', 'CONSIGNEE']);
    expect(ofType(events, 'MilestoneRecorded')[0].data.milestone).toBe('DELIVERY_ATTEMPTED');
  });

  it('given a parcel delivery exception, then the sub-reason makes it an attempt with an unavailable consignee', () => {
    const events = at(TUESDAY_NOON).given(inTransit).when(scan(parcel('delivery_exception', '2026-01-20T11:00:00-05:00', { reasonCode: 'recipient_unavailable' }))).events();
    expect(ofType(events, 'MilestoneRecorded')[0].data.milestone).toBe('DELIVERY_ATTEMPTED');
    expect(detected(events)[0]).toEqual(['SHP-1:carrier-consignee-unavailable:1', 'CONSIGNEE_UNAVAILABLE', 'MEDIUM', 'CONSIGNEE']);
  });

  it('given an unknown reason code, then an UNKNOWN exception carries the raw code and the customer is not told', () => {
    const events = at(FRIDAY).given(inTransit).when(scan(x12('X6', '2026-01-16T10:00', { reasonCode: 'Q7' }))).events();
    expect(ofType(events, 'ExceptionDetected')[0].data).toMatchObject({ exceptionType: 'UNKNOWN', source: { codeSet: 'X12_214', element: 'REASON', code: 'Q7' } });
    expect(notified(events)).toEqual([]);
  });

  it('given a missed pickup, when the shipment moves, then it resolves by itself', () => {
    const missed = history([THURSDAY, scan(x12('SD', '2026-01-15T15:30', { reasonCode: 'AY' }))]);
    expect(detected(missed)).toEqual([['SHP-1:carrier-missed-pickup:1', 'MISSED_PICKUP', 'HIGH', 'CARRIER']]);
    const events = at(FRIDAY).given(missed).when(scan(x12('AF', '2026-01-16T09:00'))).events();
    expect(cleared(events)).toEqual([['SHP-1:carrier-missed-pickup:1', 'PICKED_UP']]);
  });

  describe('lateness against the promise', () => {
    const estimate = (localDateTime: string, reportedAt: string) => x12('AG', localDateTime, { timeCode: 'ET', reportedAt });
    const predictedLate = history([THURSDAY, scan(x12('AF', '2026-01-15T15:30'))], [FRIDAY, scan(estimate('2026-01-21T12:00', '2026-01-16T15:00:00.000Z'))]);

    it('when the ETA moves past the promise, then ETA_AFTER_PROMISE opens (MEDIUM) and the customer hears DELAYED', () => {
      const last = ofType(predictedLate, 'ExceptionDetected')[0].data;
      expect(last).toMatchObject({
        exceptionId: 'SHP-1:eta-after-promise:1',
        exceptionType: 'LATE_DELIVERY',
        severity: 'MEDIUM',
        source: null,
        summary: 'estimated delivery 2026-01-21T17:00:00.000Z (CARRIER) is after the promise 2026-01-20T23:00:00.000Z',
      });
      expect(ofType(predictedLate, 'EtaUpdated').at(-1)?.data).toMatchObject({ late: true, basis: 'CARRIER' });
      expect(notified(predictedLate)).toEqual(['ORDER_SHIPPED', 'DELAYED']);
    });

    it('when the ETA comes back within the promise, then it resolves by itself', () => {
      const events = at('2026-01-16T20:00:00.000Z').given(predictedLate).when(scan(estimate('2026-01-20T15:00', '2026-01-16T19:55:00.000Z'))).events();
      expect(cleared(events)).toEqual([['SHP-1:eta-after-promise:1', 'ETA_WITHIN_PROMISE']]);
    });

    it('when the promise passes undelivered, then PROMISE_MISSED (HIGH) supersedes it; delivery resolves it', () => {
      const missed = at('2026-01-20T23:00:00.000Z').given(predictedLate).when(checkPromise()).events();
      expect(cleared(missed)).toEqual([['SHP-1:eta-after-promise:1', 'PROMISE_PASSED']]);
      expect(detected(missed)).toEqual([['SHP-1:promise-missed:1', 'LATE_DELIVERY', 'HIGH', 'CARRIER']]);
      // A DELAYED went out on Friday; the throttle is per 60 minutes, so this one goes too.
      expect(notified(missed)).toEqual(['DELAYED']);
      const events = at('2026-01-21T17:00:00.000Z').given([...predictedLate, ...missed]).when(scan(x12('D1', '2026-01-21T11:00'))).events();
      expect(cleared(events)).toEqual([['SHP-1:promise-missed:1', 'DELIVERED']]);
    });

    it('when the promise timer fires early (the promise moved), then nothing is missed', () => {
      at('2026-01-20T22:59:00.000Z').given(predictedLate).when(checkPromise()).thenNothingHappens();
    });

    it('when shipment-planning moves the promise after it was missed, then PROMISE_MISSED resolves and lateness is judged against the new promise', () => {
      const missed = at('2026-01-20T23:00:00.000Z').given(predictedLate).when(checkPromise()).events();
      const newPromise = contextWith({ plan: { ...plan, promisedDeliveryAt: '2026-01-22T23:00:00.000Z' } });
      const events = at('2026-01-21T09:00:00.000Z').given([...predictedLate, ...missed]).when(checkPromise(newPromise)).events();
      expect(ofType(events, 'PromiseRecorded')[0].data).toMatchObject({ promisedDeliveryAt: '2026-01-22T23:00:00.000Z', previousPromisedDeliveryAt: '2026-01-20T23:00:00.000Z', promiseCheckAt: '2026-01-22T23:00:00.000Z' });
      expect(cleared(events)).toEqual([['SHP-1:promise-missed:1', 'PROMISE_MOVED']]);
      expect(detected(events)).toEqual([]);
    });
  });

  describe('customer notifications', () => {
    it('given two delay reports within the throttle window, then the customer hears DELAYED once', () => {
      const first = at(FRIDAY).given(inTransit).when(scan(x12('X6', '2026-01-16T10:00', { reasonCode: 'AF' }))).events();
      const second = at('2026-01-16T16:00:00.000Z')
        .given([...inTransit, ...first])
        .when(scan(x12('SD', '2026-01-16T10:50', { reasonCode: 'AO' })))
        .events();
      expect(detected(second)).toEqual([['SHP-1:carrier-weather-or-disaster:1', 'WEATHER_OR_DISASTER', 'MEDIUM', 'CARRIER']]);
      expect(notified(second)).toEqual([]);
    });

    it('given a tenant that did not opt into a kind, then it is never requested', () => {
      const quiet = contextWith({ settings: { ...settings, notifications: { ...settings.notifications, kinds: ['DELIVERED'] } } });
      const events = at(FRIDAY).given(inTransit).when(scan(x12('X6', '2026-01-16T10:00', { reasonCode: 'AF' }), quiet)).events();
      expect(detected(events)).toHaveLength(1);
      expect(notified(events)).toEqual([]);
    });
  });
});
