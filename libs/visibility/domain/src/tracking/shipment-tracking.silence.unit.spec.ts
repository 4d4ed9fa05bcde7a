import { at, checkSilence, contextWith, history, newark, ofType, scan, settings, startTracking, unplanned, x12 } from './shipment-tracking.fixtures';

// Silence specs run without a plan, so ETA and promise checks stay out of the way.
const context = unplanned();
const FRIDAY_4PM = '2026-01-16T21:00:00.000Z';
const lastScanFriday = history([FRIDAY_4PM, scan(x12('X4', '2026-01-16T16:00'), context)]);

describe('shipment tracking: silence', () => {
  it('given a booked shipment, when tracking starts, then the silence clock starts at the planned pickup', () => {
    at('2026-01-15T15:00:00.000Z')
      .given([])
      .when(startTracking())
      .then([
        {
          type: 'TrackingStarted',
          // Thursday 14:00 planned pickup + 8 business hours: 14:00–18:00, then Friday 08:00–12:00.
          data: { shipmentId: 'SHP-1', orderId: 'SO-1001', carrierId: 'ACME', plannedPickupAt: '2026-01-15T19:00:00.000Z', startedAt: '2026-01-15T15:00:00.000Z', silenceCheckAt: '2026-01-16T17:00:00.000Z' },
        },
        { type: 'PromiseRecorded', data: { shipmentId: 'SHP-1', orderId: 'SO-1001', promisedDeliveryAt: '2026-01-20T23:00:00.000Z', promiseCheckAt: '2026-01-20T23:00:00.000Z', recordedAt: '2026-01-15T15:00:00.000Z' } },
        {
          type: 'EtaUpdated',
          data: { shipmentId: 'SHP-1', orderId: 'SO-1001', estimatedDeliveryAt: '2026-01-20T23:00:00.000Z', basis: 'PLAN', promisedDeliveryAt: '2026-01-20T23:00:00.000Z', late: false, updatedAt: '2026-01-15T15:00:00.000Z' },
        },
      ]);
    const started = history(['2026-01-15T15:00:00.000Z', startTracking()]);
    at('2026-01-15T16:00:00.000Z').given(started).when(startTracking()).thenNothingHappens();
  });

  it('given a last scan on Friday afternoon, then the alarm skips the weekend and Monday holiday: Tuesday 14:00', () => {
    // Friday 16:00–18:00 is 2 hours; Saturday, Sunday and Martin Luther King Jr. Day do not count; Tuesday 08:00 + 6 hours.
    expect(ofType(lastScanFriday, 'ScanRecorded')[0].data.silenceCheckAt).toBe('2026-01-20T19:00:00.000Z');
    at('2026-01-20T18:59:00.000Z').given(lastScanFriday).when(checkSilence(context)).thenNothingHappens();
  });

  describe('when the alarm is due', () => {
    const silent = at('2026-01-20T19:00:00.000Z').given(lastScanFriday).when(checkSilence(context)).events();

    it('then TRACKING_SILENCE opens once, with no customer message', () => {
      expect(silent).toEqual([
        {
          type: 'ExceptionDetected',
          data: {
            exceptionId: 'SHP-1:silence:1',
            condition: 'TRACKING_SILENCE',
            episode: 1,
            shipmentId: 'SHP-1',
            orderId: 'SO-1001',
            exceptionType: 'TRACKING_SILENCE',
            severity: 'MEDIUM',
            owner: 'CARRIER',
            summary: "no carrier scan since 2026-01-16T21:00:00.000Z (8 business hours of ACME's calendar)",
            source: null,
            detectedAt: '2026-01-20T19:00:00.000Z',
          },
        },
      ]);
      at('2026-01-20T20:00:00.000Z')
        .given([...lastScanFriday, ...silent])
        .when(checkSilence(context))
        .thenNothingHappens();
    });

    it('then a scan that resumes tracking resolves it and re-arms the alarm; the next silence is episode 2', () => {
      const resumed = at('2026-01-20T20:30:00.000Z').given([...lastScanFriday, ...silent]).when(scan(x12('P1', '2026-01-20T15:20'), context)).events();
      expect(ofType(resumed, 'ExceptionCleared').map((e) => [e.data.exceptionId, e.data.reason, e.data.resolution])).toEqual([
        ['SHP-1:silence:1', 'TRACKING_RESUMED', 'tracking resumed: scan at 2026-01-20T20:20:00.000Z'],
      ]);
      // 15:20 Tuesday + 8 business hours: 2h40 on Tuesday, 5h20 on Wednesday.
      expect(ofType(resumed, 'ScanRecorded')[0].data.silenceCheckAt).toBe('2026-01-21T18:20:00.000Z');
      const again = at('2026-01-21T18:20:00.000Z').given([...lastScanFriday, ...silent, ...resumed]).when(checkSilence(context)).events();
      expect(ofType(again, 'ExceptionDetected').map((e) => e.data.exceptionId)).toEqual(['SHP-1:silence:2']);
    });

    it('then a late-delivered scan with an old event time does not end it: the carrier was silent all the same', () => {
      const stale = at('2026-01-20T20:30:00.000Z').given([...lastScanFriday, ...silent]).when(scan(x12('P1', '2026-01-16T17:00'), context)).events();
      expect(ofType(stale, 'ExceptionCleared')).toEqual([]);
      // 17:00 Friday + 8 business hours is Tuesday 15:00: already past, so the app wakes the check at once.
      expect(ofType(stale, 'ScanRecorded')[0].data.silenceCheckAt).toBe('2026-01-20T20:00:00.000Z');
    });

    it('then an unzoned scan cannot say when the carrier last spoke: it neither ends the silence nor re-arms the alarm', () => {
      const { timeZone: _zone, ...unzoned } = newark;
      const events = at('2026-01-20T20:30:00.000Z')
        .given([...lastScanFriday, ...silent])
        .when(scan(x12('P1', '2026-01-20T15:20', { location: unzoned }), context))
        .events();
      expect(events.map((e) => e.type)).toEqual(['ScanRecorded']);
      expect(ofType(events, 'ScanRecorded')[0].data.silenceCheckAt).toBeUndefined();
    });

    it('then delivery resolves it', () => {
      const events = at('2026-01-21T16:00:00.000Z').given([...lastScanFriday, ...silent]).when(scan(x12('D1', '2026-01-21T10:55'), context)).events();
      expect(ofType(events, 'ExceptionCleared').map((e) => [e.data.exceptionId, e.data.reason])).toEqual([['SHP-1:silence:1', 'DELIVERED']]);
    });
  });

  it('given the threshold raised since the timer was armed, when the old timer fires, then the alarm is re-armed instead', () => {
    const patient = unplanned({ settings: { ...settings, silenceBusinessHours: 16 } });
    // 16 business hours after Friday 16:00: 2 on Friday, 10 on Tuesday, 4 on Wednesday → Wednesday 12:00.
    at('2026-01-20T19:00:00.000Z')
      .given(lastScanFriday)
      .when(checkSilence(patient))
      .then([{ type: 'SilenceCheckRescheduled', data: { shipmentId: 'SHP-1', silenceCheckAt: '2026-01-21T17:00:00.000Z', rescheduledAt: '2026-01-20T19:00:00.000Z' } }]);
  });

  it('given a delivered shipment, when a stale silence timer fires, then nothing happens', () => {
    const delivered = history([FRIDAY_4PM, scan(x12('D1', '2026-01-16T16:00'), context)]);
    at('2026-01-21T19:00:00.000Z').given(delivered).when(checkSilence(context)).thenNothingHappens();
  });

  it('given nothing started the clock, when a silence check arrives, then nothing happens', () => {
    at('2026-01-21T19:00:00.000Z').given([]).when(checkSilence(context)).thenNothingHappens();
  });

  describe('across the spring-forward weekend (8 March 2026)', () => {
    const beforeDst = history(['2026-03-06T21:05:00.000Z', scan(x12('X4', '2026-03-06T16:00'), context)]);

    it('then office hours count wall-clock hours: Friday 16:00 EST + 8 business hours is Monday 14:00 EDT', () => {
      expect(ofType(beforeDst, 'ScanRecorded')[0].data.silenceCheckAt).toBe('2026-03-09T18:00:00.000Z');
    });

    it('then a whole-day calendar counts the real length of each day', () => {
      const allDay = unplanned({ carrierCalendar: { timeZone: 'America/New_York' }, settings: { ...settings, silenceBusinessHours: 24 } });
      const events = history(['2026-03-06T21:05:00.000Z', scan(x12('X4', '2026-03-06T16:00'), allDay)]);
      // Friday 16:00–24:00 is 8 hours; the weekend does not count; Monday 00:00 EDT + 16 hours = 16:00 EDT = 20:00Z.
      expect(ofType(events, 'ScanRecorded')[0].data.silenceCheckAt).toBe('2026-03-09T20:00:00.000Z');
    });
  });

  it('given a context for another shipment, then the decision is refused as an app bug', () => {
    const wrong = contextWith({ shipment: { shipmentId: 'SHP-2', orderId: 'SO-9', carrierId: 'ACME' } });
    at(FRIDAY_4PM).given([]).when(checkSilence(wrong)).thenThrows(/context is for shipment SHP-2, not SHP-1/);
  });
});
