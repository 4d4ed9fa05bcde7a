import { DeciderSpecification, foldEvents } from '@lading/decider';
import { exceptionLifecycle } from './exceptions/exception-lifecycle.decide';
import type { ExceptionLifecycleEvent } from './exceptions/exception-lifecycle';
import { PUBLIC_EVENT_TYPES, publicEventTypeOf } from './public-events';
import { exceptionCommandFor, trackingCommandFor } from './reactions';
import { at, checkSilence, history, ofType, scan, unplanned, x12 } from './tracking/shipment-tracking.fixtures';
import type { ShipmentTrackingEvent } from './tracking/shipment-tracking.events';

const context = unplanned();
const silentSince = history(['2026-01-16T21:00:00.000Z', scan(x12('X4', '2026-01-16T16:00'), context)], ['2026-01-20T19:00:00.000Z', checkSilence(context)]);

function onExceptionStream(now: string, given: ExceptionLifecycleEvent[], event: ShipmentTrackingEvent): ExceptionLifecycleEvent[] {
  const command = exceptionCommandFor(event);
  if (!command) return [];
  return DeciderSpecification.for(exceptionLifecycle, { now: new Date(now) }).given(given).when(command).events();
}

describe('reactions between the tracking and exception streams', () => {
  const detected = ofType(silentSince, 'ExceptionDetected')[0];
  const raised = onExceptionStream('2026-01-20T19:00:00.000Z', [], detected);

  it('given an ExceptionDetected on the tracking stream, then the exception stream raises it with the same id and classification', () => {
    expect(raised).toEqual([
      {
        type: 'ExceptionRaised',
        data: {
          exceptionId: 'SHP-1:silence:1',
          orderId: 'SO-1001',
          shipmentId: 'SHP-1',
          exceptionType: 'TRACKING_SILENCE',
          severity: 'MEDIUM',
          owner: 'CARRIER',
          summary: detected.data.summary,
          source: null,
          raisedAt: '2026-01-20T19:00:00.000Z',
        },
      },
    ]);
  });

  it('given tracking resumes, then the exception is resolved automatically by visibility', () => {
    const resumed = at('2026-01-20T20:30:00.000Z').given(silentSince).when(scan(x12('P1', '2026-01-20T15:20'), context)).events();
    const cleared = ofType(resumed, 'ExceptionCleared')[0];
    const resolved = onExceptionStream('2026-01-20T20:30:00.000Z', raised, cleared);
    expect(resolved).toEqual([
      {
        type: 'ExceptionResolved',
        data: {
          exceptionId: 'SHP-1:silence:1',
          orderId: 'SO-1001',
          resolvedBy: 'visibility',
          resolution: 'tracking resumed: scan at 2026-01-20T20:20:00.000Z',
          automatic: true,
          resolvedAt: '2026-01-20T20:30:00.000Z',
        },
      },
    ]);
    // Lading's own resolution needs no echo back to the tracking stream.
    expect(trackingCommandFor(resolved[0], 'SHP-1')).toBeUndefined();
  });

  it('given the desk resolves it first, then the tracking stream ends the episode and a resumed scan clears nothing', () => {
    const deskResolved = DeciderSpecification.for(exceptionLifecycle, { now: new Date('2026-01-20T19:30:00.000Z') })
      .given(raised)
      .when({ type: 'ResolveException', data: { exceptionId: 'SHP-1:silence:1', resolvedBy: 'desk:ana', resolution: 'carrier confirmed scanner outage', automatic: false } })
      .events();
    const note = trackingCommandFor(deskResolved[0], 'SHP-1');
    expect(note).toEqual({ type: 'NoteExceptionResolved', data: { shipmentId: 'SHP-1', exceptionId: 'SHP-1:silence:1', resolvedBy: 'desk:ana' } });
    if (!note) throw new Error('expected a tracking command');
    const ended = at('2026-01-20T19:30:00.000Z').given(silentSince).when(note).events();
    expect(ended.map((e) => e.type)).toEqual(['ExceptionEpisodeEnded']);
    // The tracking stream no longer has it open, so a resumed scan clears nothing.
    const resumed = at('2026-01-20T20:30:00.000Z')
      .given([...silentSince, ...ended])
      .when(scan(x12('P1', '2026-01-20T15:20'), context))
      .events();
    expect(ofType(resumed, 'ExceptionCleared')).toEqual([]);
    expect(foldEvents(exceptionLifecycle, [...raised, ...deskResolved]).status).toBe('Resolved');
  });

  it('public event types: the six the API publishes, nothing internal', () => {
    expect(PUBLIC_EVENT_TYPES).toEqual(['exception.raised', 'exception.acknowledged', 'exception.resolved', 'milestone.recorded', 'eta.updated', 'delivery.confirmed']);
    expect(raised.map(publicEventTypeOf)).toEqual(['exception.raised']);
    expect(trackingCommandFor(raised[0], 'SHP-1')).toBeUndefined();
    const delivered = at('2026-01-21T16:00:00.000Z').given(silentSince).when(scan(x12('D1', '2026-01-21T10:55'), context)).events();
    expect(delivered.map((e) => [e.type, publicEventTypeOf(e)])).toEqual([
      ['ScanRecorded', null],
      ['MilestoneRecorded', 'milestone.recorded'],
      ['DeliveryConfirmed', 'delivery.confirmed'],
      ['ExceptionCleared', null],
      ['CustomerNotificationRequested', null],
    ]);
  });
});
