import { at, contextWith, history, newark, ofType, scan, x12 } from './shipment-tracking.fixtures';
import type { ShipmentTrackingEvent } from './shipment-tracking.events';

// Thursday 15 January 2026, 16:00 in Newark.
const THURSDAY = '2026-01-15T21:00:00.000Z';
const pickedUp = x12('AF', '2026-01-15T15:30');
const pickedUpId = 'TRK-1|X12_214|AF||2026-01-15T15:30|EWR-HUB,NEWARK,,US|';

describe('shipment tracking: scans', () => {
  it('given no history, when the carrier picks up, then the scan, the milestone, the plan ETA and the customer notification are recorded', () => {
    at(THURSDAY)
      .given([])
      .when(scan(pickedUp))
      .then([
        { type: 'PromiseRecorded', data: { shipmentId: 'SHP-1', orderId: 'SO-1001', promisedDeliveryAt: '2026-01-20T23:00:00.000Z', promiseCheckAt: '2026-01-20T23:00:00.000Z', recordedAt: THURSDAY } },
        {
          type: 'ScanRecorded',
          data: {
            shipmentId: 'SHP-1',
            orderId: 'SO-1001',
            scanId: pickedUpId,
            carrierId: 'ACME',
            trackingNumber: 'TRK-1',
            codeSet: 'X12_214',
            codeSetVersion: 'X12_214/1',
            statusCode: 'AF',
            milestone: 'PICKED_UP',
            unmapped: [],
            location: newark,
            reportedTime: { kind: 'LOCAL', localDateTime: '2026-01-15T15:30' },
            reportedAt: '2026-01-15T12:00:00.000Z',
            // 15:30 in Newark in January is EST, UTC-5.
            eventAt: '2026-01-15T20:30:00.000Z',
            timeBasis: 'LOCATION_ZONE',
            ingestedAt: THURSDAY,
            statusEffect: 'BECAME_CURRENT',
            // 8 business hours: Thursday 15:30–18:00, then Friday 08:00–13:30.
            silenceCheckAt: '2026-01-16T18:30:00.000Z',
          },
        },
        {
          type: 'MilestoneRecorded',
          data: {
            shipmentId: 'SHP-1',
            orderId: 'SO-1001',
            milestone: 'PICKED_UP',
            milestoneAt: '2026-01-15T20:30:00.000Z',
            location: newark,
            codeSet: 'X12_214',
            codeSetVersion: 'X12_214/1',
            statusCode: 'AF',
            scanId: pickedUpId,
            recordedAt: THURSDAY,
          },
        },
        // Two business days from Thursday skip the weekend and Martin Luther King Jr. Day: Tuesday, end of business.
        {
          type: 'EtaUpdated',
          data: { shipmentId: 'SHP-1', orderId: 'SO-1001', estimatedDeliveryAt: '2026-01-20T23:00:00.000Z', basis: 'PLAN', promisedDeliveryAt: '2026-01-20T23:00:00.000Z', late: false, updatedAt: THURSDAY },
        },
        {
          type: 'CustomerNotificationRequested',
          data: {
            notificationId: 'SHP-1:order_shipped:1',
            shipmentId: 'SHP-1',
            orderId: 'SO-1001',
            customerId: 'CUST-42',
            kind: 'ORDER_SHIPPED',
            templateId: 'tpl-7',
            brandId: 'brand-acme',
            templateData: {
              milestone: 'PICKED_UP',
              milestoneAt: '2026-01-15T20:30:00.000Z',
              trackingNumber: 'TRK-1',
              carrierId: 'ACME',
              eta: '2026-01-20T23:00:00.000Z',
              promisedDeliveryAt: '2026-01-20T23:00:00.000Z',
            },
            requestedAt: THURSDAY,
          },
        },
      ]);
  });

  it('given a recorded scan, when the exact same scan arrives again (reworded), then nothing happens', () => {
    const given = history([THURSDAY, scan(pickedUp)]);
    at('2026-01-16T09:00:00.000Z')
      .given(given)
      .when(scan({ ...pickedUp, description: 'DEPARTED PICKUP', reportedAt: '2026-01-16T08:59:00.000Z' }))
      .thenNothingHappens();
  });

  it('given a later scan, when an older one arrives out of order, then it is placed by event time as history', () => {
    const atTerminal = x12('X4', '2026-01-16T06:00');
    const given = history([THURSDAY, scan(pickedUp)], ['2026-01-16T11:30:00.000Z', scan(atTerminal)]);
    const departed = x12('P1', '2026-01-15T22:00');
    const spec = at('2026-01-16T12:00:00.000Z').given(given);
    const events = spec.when(scan(departed)).events();
    expect(events.map((e) => e.type)).toEqual(['ScanRecorded']);
    expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ milestone: 'IN_TRANSIT', eventAt: '2026-01-16T03:00:00.000Z', statusEffect: 'HISTORY', ingestedAt: '2026-01-16T12:00:00.000Z' });
    expect(ofType(events, 'ScanRecorded')[0].data.silenceCheckAt).toBeUndefined();
    const state = at('2026-01-16T12:00:00.000Z')
      .given([...given, ...events])
      .state();
    expect(state.history.map((h) => [h.milestone, h.eventAt])).toEqual([
      ['PICKED_UP', '2026-01-15T20:30:00.000Z'],
      ['IN_TRANSIT', '2026-01-16T03:00:00.000Z'],
      ['AT_TERMINAL', '2026-01-16T11:00:00.000Z'],
    ]);
    expect(state.current).toEqual({ milestone: 'AT_TERMINAL', eventAt: '2026-01-16T11:00:00.000Z', scanId: expect.stringContaining('|X4|') });
  });

  it('given a shipment at a terminal, when line haul resumes later, then IN_TRANSIT follows AT_TERMINAL', () => {
    const given = history([THURSDAY, scan(pickedUp)], ['2026-01-16T11:30:00.000Z', scan(x12('X4', '2026-01-16T06:00'))]);
    const events = at('2026-01-16T15:00:00.000Z').given(given).when(scan(x12('P1', '2026-01-16T09:45'))).events();
    expect(ofType(events, 'MilestoneRecorded').map((e) => [e.data.previousMilestone, e.data.milestone])).toEqual([['AT_TERMINAL', 'IN_TRANSIT']]);
    // ORDER_SHIPPED was sent at pickup: line haul is not news to the customer twice.
    expect(ofType(events, 'CustomerNotificationRequested')).toEqual([]);
  });

  it('given a shipment picked up first, when an older BOOKED (label) scan arrives, then status does not move back', () => {
    const given = history([THURSDAY, scan(pickedUp)]);
    const label = { ...x12('LABEL_CREATED', '2026-01-14T09:00'), codeSet: 'PARCEL_JSON' };
    const events = at('2026-01-15T22:00:00.000Z').given(given).when(scan(label)).events();
    expect(ofType(events, 'ScanRecorded')[0].data.statusEffect).toBe('HISTORY');
    expect(ofType(events, 'MilestoneRecorded')).toEqual([]);
  });

  describe('on the night the clocks fall back (1 November 2026)', () => {
    // 01:30 EDT (05:30Z) happens before 01:10 EST (06:10Z): the time code, not the wall clock, orders them.
    const arrived = x12('X4', '2026-11-01T01:30', { timeCode: 'ED' });
    const departed = x12('P1', '2026-11-01T01:10', { timeCode: 'ES' });
    const night = '2026-11-01T07:00:00.000Z';

    it('when the later scan arrives first, then the earlier one is history', () => {
      const given = history([night, scan(departed, contextWith({ plan: undefined }))]);
      const events = at(night).given(given).when(scan(arrived, contextWith({ plan: undefined }))).events();
      expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ eventAt: '2026-11-01T05:30:00.000Z', statusEffect: 'HISTORY' });
    });

    it('when they arrive in order, then the second becomes current', () => {
      const given = history([night, scan(arrived, contextWith({ plan: undefined }))]);
      const events = at(night).given(given).when(scan(departed, contextWith({ plan: undefined }))).events();
      expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ eventAt: '2026-11-01T06:10:00.000Z', statusEffect: 'BECAME_CURRENT' });
      expect(ofType(events, 'MilestoneRecorded')[0].data).toMatchObject({ previousMilestone: 'AT_TERMINAL', milestone: 'IN_TRANSIT' });
    });
  });

  it('given an unmapped status code, then it is recorded as UNKNOWN with its raw code and counted, and moves nothing', () => {
    const events = at(THURSDAY).given(history([THURSDAY, scan(pickedUp)])).when(scan(x12('Z9', '2026-01-15T15:45'))).events();
    expect(events.map((e) => e.type)).toEqual(['ScanRecorded']);
    expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ milestone: 'UNKNOWN', statusEffect: 'NO_MILESTONE', unmapped: [{ element: 'STATUS', code: 'Z9' }] });
    const state = at(THURSDAY).given([...history([THURSDAY, scan(pickedUp)]), ...events]).state();
    expect(state.unmappedScans).toBe(1);
    expect(state.current?.milestone).toBe('PICKED_UP');
    // A sign of life nonetheless: the silence alarm moves to 8 business hours after 15:45.
    expect(state.silenceCheckAt).toBe('2026-01-16T18:45:00.000Z');
  });

  it('given a time that resolves hours after Lading received it (a wrong time code), then it is not placed', () => {
    // 20:30 ET is 01:30Z on Friday; Lading has it at 21:00Z on Thursday.
    const events = at(THURSDAY).given(history([THURSDAY, scan(pickedUp)])).when(scan(x12('X4', '2026-01-15T20:30', { timeCode: 'ET' }))).events();
    expect(events.map((e) => e.type)).toEqual(['ScanRecorded']);
    expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ eventAt: null, statusEffect: 'UNPLACED', timeProblem: { problem: 'IN_THE_FUTURE' } });
  });

  describe('a local time at a location of unknown zone', () => {
    const { timeZone: _zone, ...unzonedNewark } = newark;
    const unzoned = x12('X4', '2026-01-16T06:00', { location: unzonedNewark });
    const given = history([THURSDAY, scan(pickedUp)]);
    let recorded: ShipmentTrackingEvent[];

    beforeAll(() => {
      recorded = at('2026-01-16T12:00:00.000Z').given(given).when(scan(unzoned)).events();
    });

    it('when it arrives, then it is kept unplaced with the problem named, and changes no status', () => {
      expect(recorded.map((e) => e.type)).toEqual(['ScanRecorded']);
      expect(ofType(recorded, 'ScanRecorded')[0].data).toMatchObject({
        eventAt: null,
        statusEffect: 'UNPLACED',
        timeProblem: { problem: 'NO_TIME_ZONE', message: 'local time 2026-01-16T06:00 without a time code, at a location of unknown zone' },
      });
      const state = at('2026-01-16T12:00:00.000Z').given([...given, ...recorded]).state();
      expect(state.unplacedScans).toBe(1);
      expect(state.current?.milestone).toBe('PICKED_UP');
    });

    it('when it is delivered again still unzoned, then nothing happens', () => {
      at('2026-01-16T12:05:00.000Z').given([...given, ...recorded]).when(scan(unzoned)).thenNothingHappens();
    });

    it('when it is delivered again with the zone resolved, then it is placed', () => {
      const events = at('2026-01-16T13:00:00.000Z').given([...given, ...recorded]).when(scan(x12('X4', '2026-01-16T06:00'))).events();
      expect(ofType(events, 'ScanRecorded')[0].data).toMatchObject({ eventAt: '2026-01-16T11:00:00.000Z', statusEffect: 'BECAME_CURRENT' });
      const state = at('2026-01-16T13:00:00.000Z').given([...given, ...recorded, ...events]).state();
      expect(state.unplacedScans).toBe(0);
      expect(state.current?.milestone).toBe('AT_TERMINAL');
    });
  });
});
