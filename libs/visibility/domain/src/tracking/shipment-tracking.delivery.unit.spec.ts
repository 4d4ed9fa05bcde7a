import { at, contextWith, history, newark, ofType, parcel, scan, SHIPMENT_ID, x12 } from './shipment-tracking.fixtures';
import type { ShipmentTrackingCommand } from './shipment-tracking.decide';
import type { ShipmentTrackingEvent } from './shipment-tracking.events';

const THURSDAY = '2026-01-15T21:00:00.000Z';
const TUESDAY_NOON = '2026-01-20T17:00:00.000Z';
const pickedUp = x12('AF', '2026-01-15T15:30');
const delivered = x12('D1', '2026-01-20T11:00');

const pod = (deliveredAt: string, signedBy = 'J. SMITH'): ShipmentTrackingCommand => ({
  type: 'RecordProofOfDelivery',
  data: { shipmentId: SHIPMENT_ID, proof: { carrierId: 'ACME', deliveredAt, signedBy, documentUrl: 'https://tms.example/pod/1' }, context: contextWith() },
});

const types = (events: ShipmentTrackingEvent[]) => events.map((e) => e.type);

describe('shipment tracking: delivery', () => {
  const inTransit = history([THURSDAY, scan(pickedUp)]);

  it('given a shipment in transit, when it is delivered, then delivery is confirmed once and the customer is told', () => {
    const events = at(TUESDAY_NOON).given(inTransit).when(scan({ ...delivered, signedBy: 'J. SMITH' })).events();
    expect(types(events)).toEqual(['ScanRecorded', 'MilestoneRecorded', 'DeliveryConfirmed', 'CustomerNotificationRequested']);
    expect(ofType(events, 'DeliveryConfirmed')[0].data).toEqual({
      shipmentId: 'SHP-1',
      orderId: 'SO-1001',
      deliveredAt: '2026-01-20T16:00:00.000Z',
      signedBy: 'J. SMITH',
      evidence: 'SCAN',
      confirmedAt: TUESDAY_NOON,
    });
    expect(ofType(events, 'CustomerNotificationRequested')[0].data).toMatchObject({ kind: 'DELIVERED', notificationId: 'SHP-1:delivered:1' });
    // Nothing to silence-check after delivery: no timer is armed.
    expect(ofType(events, 'ScanRecorded')[0].data.silenceCheckAt).toBeUndefined();
  });

  describe('given a delivered shipment', () => {
    const deliveredHistory = history([THURSDAY, scan(pickedUp)], [TUESDAY_NOON, scan(delivered)]);

    it('when a late IN_TRANSIT scan arrives (even with a later event time), then it is history, not status', () => {
      const events = at('2026-01-20T19:00:00.000Z').given(deliveredHistory).when(scan(x12('X6', '2026-01-20T12:30'))).events();
      expect(types(events)).toEqual(['ScanRecorded']);
      expect(ofType(events, 'ScanRecorded')[0].data.statusEffect).toBe('HISTORY');
      expect(at('2026-01-20T19:00:00.000Z').given([...deliveredHistory, ...events]).state().current?.milestone).toBe('DELIVERED');
    });

    it('when a second delivery scan (CD, departed delivery location) arrives, then delivery is not confirmed twice', () => {
      const events = at('2026-01-20T19:00:00.000Z').given(deliveredHistory).when(scan(x12('CD', '2026-01-20T11:10'))).events();
      expect(types(events)).toEqual(['ScanRecorded']);
    });

    it('when the proof of delivery arrives, then it is recorded but delivery is not confirmed again', () => {
      at('2026-01-20T20:00:00.000Z')
        .given(deliveredHistory)
        .when(pod('2026-01-20T16:00:00.000Z'))
        .then([
          {
            type: 'ProofOfDeliveryRecorded',
            data: {
              shipmentId: 'SHP-1',
              orderId: 'SO-1001',
              carrierId: 'ACME',
              deliveredAt: '2026-01-20T16:00:00.000Z',
              signedBy: 'J. SMITH',
              documentUrl: 'https://tms.example/pod/1',
              recordedAt: '2026-01-20T20:00:00.000Z',
            },
          },
        ]);
    });
  });

  it('given no delivery scan, when a proof of delivery arrives, then it delivers the shipment and a later delivery scan is history', () => {
    const podEvents = at(TUESDAY_NOON).given(inTransit).when(pod('2026-01-20T16:05:00Z')).events();
    expect(types(podEvents)).toEqual(['ProofOfDeliveryRecorded', 'MilestoneRecorded', 'DeliveryConfirmed', 'CustomerNotificationRequested']);
    expect(ofType(podEvents, 'MilestoneRecorded')[0].data).toMatchObject({ milestone: 'DELIVERED', previousMilestone: 'PICKED_UP', codeSet: 'POD', scanId: 'pod', milestoneAt: '2026-01-20T16:05:00.000Z' });
    expect(ofType(podEvents, 'DeliveryConfirmed')[0].data).toMatchObject({ evidence: 'PROOF_OF_DELIVERY', signedBy: 'J. SMITH', deliveredAt: '2026-01-20T16:05:00.000Z' });
    const later = at('2026-01-20T18:00:00.000Z').given([...inTransit, ...podEvents]).when(scan(delivered)).events();
    expect(types(later)).toEqual(['ScanRecorded']);
    at('2026-01-20T18:00:00.000Z').given([...inTransit, ...podEvents]).when(pod('2026-01-20T16:05:00Z')).thenNothingHappens();
  });

  it('given a shipment returned to the shipper, when the carrier scans it delivered (at the shipper), then delivery is not confirmed', () => {
    const returned = history([THURSDAY, scan(pickedUp)], ['2026-01-16T15:00:00.000Z', scan(x12('A3', '2026-01-16T09:00'))]);
    const events = at('2026-01-19T15:00:00.000Z').given(returned).when(scan(x12('D1', '2026-01-19T09:00'))).events();
    expect(types(events)).toEqual(['ScanRecorded']);
    expect(ofType(events, 'ScanRecorded')[0].data.statusEffect).toBe('HISTORY');
  });

  describe('failed attempts', () => {
    const outForDelivery = x12('X1', '2026-01-20T08:30');
    const attempted = x12('AH', '2026-01-20T14:00', { reasonCode: 'AG' });
    const attemptedHistory = history([THURSDAY, scan(pickedUp)], ['2026-01-20T13:40:00.000Z', scan(outForDelivery)], ['2026-01-20T19:10:00.000Z', scan(attempted)]);

    it('given a failed attempt, when the carrier goes out for delivery again, then that is progress and the attempt exception clears', () => {
      const events = at('2026-01-21T13:40:00.000Z').given(attemptedHistory).when(scan(x12('X1', '2026-01-21T08:30'))).events();
      expect(ofType(events, 'MilestoneRecorded').map((e) => [e.data.previousMilestone, e.data.milestone])).toEqual([['DELIVERY_ATTEMPTED', 'OUT_FOR_DELIVERY']]);
      // AH with reason AG (consignee related) is CONSIGNEE_UNAVAILABLE: it clears on delivery, not on the next run.
      // What does change: the promise (Tuesday) has passed, so the predicted lateness becomes a missed promise.
      expect(ofType(events, 'ExceptionCleared').map((e) => [e.data.condition, e.data.reason])).toEqual([['ETA_AFTER_PROMISE', 'PROMISE_PASSED']]);
      expect(ofType(events, 'ExceptionDetected').map((e) => [e.data.exceptionId, e.data.severity])).toEqual([['SHP-1:promise-missed:1', 'HIGH']]);
      // OUT_FOR_DELIVERY was already sent once: never the same milestone twice. The missed promise is news.
      expect(ofType(events, 'CustomerNotificationRequested').map((e) => [e.data.kind, e.data.notificationId])).toEqual([['DELAYED', 'SHP-1:delayed:2']]);
    });

    it('given an attempt that failed for no stated reason, when the carrier goes out again and fails again, then a second episode opens', () => {
      const noReason = x12('AH', '2026-01-20T14:00', { reasonCode: 'NS' });
      const first = history([THURSDAY, scan(pickedUp)], ['2026-01-20T13:40:00.000Z', scan(outForDelivery)], ['2026-01-20T19:10:00.000Z', scan(noReason)]);
      // The attempt on the promised day also pushes the plan ETA past the promise.
      expect(ofType(first, 'ExceptionDetected').map((e) => e.data.exceptionId)).toEqual(['SHP-1:carrier-delivery-attempt-failed:1', 'SHP-1:eta-after-promise:1']);
      const again = at('2026-01-21T13:40:00.000Z').given(first).when(scan(x12('X1', '2026-01-21T08:30'))).events();
      const carrierCleared = ofType(again, 'ExceptionCleared').filter((e) => e.data.condition.startsWith('CARRIER:'));
      expect(carrierCleared.map((e) => [e.data.exceptionId, e.data.reason])).toEqual([['SHP-1:carrier-delivery-attempt-failed:1', 'OUT_FOR_DELIVERY_AGAIN']]);
      const failedAgain = at('2026-01-21T19:00:00.000Z')
        .given([...first, ...again])
        .when(scan(x12('AH', '2026-01-21T13:30', { reasonCode: 'NS' })))
        .events();
      expect(ofType(failedAgain, 'ExceptionDetected').map((e) => e.data.exceptionId)).toEqual(['SHP-1:carrier-delivery-attempt-failed:2']);
      // Two failed attempts, one DELIVERY_PROBLEM a day apart: the throttle (60 minutes) lets both through.
      expect(ofType([...first, ...again, ...failedAgain], 'CustomerNotificationRequested').filter((e) => e.data.kind === 'DELIVERY_PROBLEM')).toHaveLength(2);
    });

    it('given a failed attempt, then the plan ETA moves to the next business day', () => {
      const eta = ofType(attemptedHistory, 'EtaUpdated').at(-1);
      expect(eta?.data).toMatchObject({ estimatedDeliveryAt: '2026-01-21T23:00:00.000Z', basis: 'PLAN', late: true });
    });
  });

  describe('carrier estimates', () => {
    const estimate = (localDateTime: string, reportedAt: string) => x12('AG', localDateTime, { timeCode: 'ET', reportedAt });

    it('given a scan with an estimate, then the ETA is the carrier estimate and the scan is placed at its sending time', () => {
      const events = at('2026-01-16T14:00:00.000Z').given(inTransit).when(scan(estimate('2026-01-20T12:00', '2026-01-16T13:55:00.000Z'))).events();
      expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ eventAt: '2026-01-16T13:55:00.000Z', carrierEstimateAt: '2026-01-20T17:00:00.000Z', statusEffect: 'NO_MILESTONE' });
      expect(ofType(events, 'EtaUpdated')[0].data).toMatchObject({ estimatedDeliveryAt: '2026-01-20T17:00:00.000Z', basis: 'CARRIER', previousEstimatedDeliveryAt: '2026-01-20T23:00:00.000Z', late: false });
    });

    it('given a published estimate, then moves within the threshold are not published and larger ones are', () => {
      const given = history([THURSDAY, scan(pickedUp)], ['2026-01-16T14:00:00.000Z', scan(estimate('2026-01-20T12:00', '2026-01-16T13:55:00.000Z'))]);
      const small = at('2026-01-16T15:00:00.000Z').given(given).when(scan(estimate('2026-01-20T14:00', '2026-01-16T14:55:00.000Z'))).events();
      expect(ofType(small, 'EtaUpdated')).toEqual([]);
      const large = at('2026-01-16T15:00:00.000Z').given(given).when(scan(estimate('2026-01-20T14:01', '2026-01-16T14:55:00.000Z'))).events();
      expect(ofType(large, 'EtaUpdated').map((e) => e.data.estimatedDeliveryAt)).toEqual(['2026-01-20T19:01:00.000Z']);
    });

    it('given a newer estimate, when an older one arrives late, then the newer one stands', () => {
      const given = history([THURSDAY, scan(pickedUp)], ['2026-01-16T14:00:00.000Z', scan(estimate('2026-01-20T12:00', '2026-01-16T13:55:00.000Z'))]);
      const stale = at('2026-01-16T15:00:00.000Z').given(given).when(scan(estimate('2026-01-23T12:00', '2026-01-16T09:00:00.000Z'))).events();
      expect(ofType(stale, 'EtaUpdated')).toEqual([]);
      expect(at('2026-01-16T15:00:00.000Z').given([...given, ...stale]).state().carrierEstimate).toEqual({ at: '2026-01-20T17:00:00.000Z', reportedAt: '2026-01-16T13:55:00.000Z' });
    });

    it('given a parcel scan with an estimated delivery, then it is the ETA', () => {
      const events = at('2026-01-16T14:00:00.000Z')
        .given(inTransit)
        .when(scan(parcel('in_transit', '2026-01-16T08:00:00-05:00', { estimatedDelivery: { kind: 'INSTANT', at: '2026-01-19T20:00:00-05:00' }, location: newark })))
        .events();
      expect(ofType(events, 'EtaUpdated')[0].data).toMatchObject({ estimatedDeliveryAt: '2026-01-20T01:00:00.000Z', basis: 'CARRIER', late: false });
    });
  });
});
