import { DeciderSpecification } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { exceptionLifecycle, ExceptionTransitionError, type ExceptionLifecycleCommand } from './exception-lifecycle.decide';
import type { ExceptionDetails, ExceptionLifecycleEvent } from './exception-lifecycle';

const NOW = '2026-01-20T19:00:00.000Z';
const spec = DeciderSpecification.for(exceptionLifecycle, { now: new Date(NOW) });

const details: ExceptionDetails = {
  exceptionId: 'SHP-1:carrier-damaged:1',
  orderId: 'SO-1001',
  shipmentId: 'SHP-1',
  exceptionType: 'DAMAGED',
  severity: 'HIGH',
  owner: 'CARRIER',
  summary: 'ACME: Shipment Damaged at EWR-HUB, Newark [X12_214 A9]',
  source: { codeSet: 'X12_214', element: 'STATUS', code: 'A9' },
};

const raise: ExceptionLifecycleCommand = { type: 'RaiseException', data: { exception: details } };
const acknowledge = (acknowledgedBy = 'desk:ana', note?: string): ExceptionLifecycleCommand => ({
  type: 'AcknowledgeException',
  data: { exceptionId: details.exceptionId, acknowledgedBy, ...(note ? { note } : {}) },
});
const resolve = (resolvedBy = 'desk:ana', resolution = 'claim filed with ACME', automatic = false): ExceptionLifecycleCommand => ({
  type: 'ResolveException',
  data: { exceptionId: details.exceptionId, resolvedBy, resolution, automatic },
});

const raised: ExceptionLifecycleEvent = { type: 'ExceptionRaised', data: { ...details, raisedAt: '2026-01-20T15:00:00.000Z' } };
const acknowledged: ExceptionLifecycleEvent = {
  type: 'ExceptionAcknowledged',
  data: { exceptionId: details.exceptionId, orderId: 'SO-1001', acknowledgedBy: 'desk:ana', acknowledgedAt: '2026-01-20T16:00:00.000Z' },
};
const resolved = (resolvedBy = 'desk:ana', resolution = 'claim filed with ACME', automatic = false): ExceptionLifecycleEvent => ({
  type: 'ExceptionResolved',
  data: { exceptionId: details.exceptionId, orderId: 'SO-1001', resolvedBy, resolution, automatic, resolvedAt: '2026-01-20T17:00:00.000Z' },
});

describe('exception lifecycle decider', () => {
  describe('raise', () => {
    it('given nothing, when raised, then ExceptionRaised carries the classification and source', () => {
      spec.given([]).when(raise).then([{ type: 'ExceptionRaised', data: { ...details, raisedAt: NOW } }]);
    });

    it('given a raised exception, when raised again (a redelivery), then nothing happens, in any later state too', () => {
      spec.given([raised]).when(raise).thenNothingHappens();
      spec.given([raised, acknowledged, resolved()]).when(raise).thenNothingHappens();
    });
  });

  describe('acknowledge', () => {
    it('given a raised exception, when acknowledged, then it is acknowledged with the note', () => {
      spec
        .given([raised])
        .when(acknowledge('desk:ana', 'calling the carrier'))
        .then([{ type: 'ExceptionAcknowledged', data: { exceptionId: details.exceptionId, orderId: 'SO-1001', acknowledgedBy: 'desk:ana', note: 'calling the carrier', acknowledgedAt: NOW } }]);
    });

    it('given an acknowledged exception, when the same person repeats the request, then nothing happens and the state stays', () => {
      spec.given([raised, acknowledged]).when(acknowledge('desk:ana')).thenNothingHappens();
      expect(spec.given([raised, acknowledged]).state()).toMatchObject({ status: 'Acknowledged', acknowledgedBy: 'desk:ana', acknowledgedAt: '2026-01-20T16:00:00.000Z' });
    });

    it('given an acknowledged exception, when someone else acknowledges it, then it is a conflict naming the owner', () => {
      spec.given([raised, acknowledged]).when(acknowledge('desk:bo')).thenThrows(/acknowledged by desk:ana/);
      expect(() => spec.given([raised, acknowledged]).when(acknowledge('desk:bo')).events()).toThrow(
        expect.objectContaining({ problem: 'ALREADY_ACKNOWLEDGED', exceptionId: details.exceptionId, code: 'EXCEPTION_ALREADY_ACKNOWLEDGED', retriable: false }),
      );
    });

    it('given a resolved exception, when acknowledged, then it is a conflict (ALREADY_RESOLVED)', () => {
      spec.given([raised, resolved()]).when(acknowledge()).thenThrows(/was resolved by desk:ana/);
    });

    it('given no exception, when acknowledged, then NOT_FOUND', () => {
      spec.given([]).when(acknowledge()).thenThrows(ExceptionTransitionError);
      expect(() => spec.given([]).when(acknowledge()).events()).toThrow(expect.objectContaining({ problem: 'NOT_FOUND' }));
    });

    it('when the request names nobody, then it is refused naming the field', () => {
      spec.given([raised]).when(acknowledge(' ')).thenThrows(new NonRetriableError('acknowledgedBy: required'));
    });
  });

  describe('resolve', () => {
    it('given an acknowledged exception, when resolved by the desk, then it is resolved, not automatic', () => {
      spec
        .given([raised, acknowledged])
        .when(resolve())
        .then([{ type: 'ExceptionResolved', data: { exceptionId: details.exceptionId, orderId: 'SO-1001', resolvedBy: 'desk:ana', resolution: 'claim filed with ACME', automatic: false, resolvedAt: NOW } }]);
      expect(spec.given([raised, acknowledged, resolved()]).state()).toMatchObject({ status: 'Resolved', acknowledgedBy: 'desk:ana', automatic: false });
    });

    it('given a raised exception nobody acknowledged, when Lading resolves it automatically, then it goes straight to resolved', () => {
      spec
        .given([raised])
        .when(resolve('visibility', 'tracking resumed', true))
        .then([{ type: 'ExceptionResolved', data: { exceptionId: details.exceptionId, orderId: 'SO-1001', resolvedBy: 'visibility', resolution: 'tracking resumed', automatic: true, resolvedAt: NOW } }]);
    });

    it('given a resolved exception, when the same resolution is repeated, or Lading resolves it automatically, then nothing happens', () => {
      spec.given([raised, resolved()]).when(resolve()).thenNothingHappens();
      spec.given([raised, resolved()]).when(resolve('visibility', 'delivered at 2026-01-20T16:00:00.000Z', true)).thenNothingHappens();
    });

    it('given an exception Lading already resolved, when the desk resolves it differently, then it is a conflict telling why', () => {
      spec
        .given([raised, resolved('visibility', 'tracking resumed', true)])
        .when(resolve())
        .thenThrows(/resolved by visibility at 2026-01-20T17:00:00.000Z: tracking resumed/);
    });

    it('given no exception, when resolved, then NOT_FOUND', () => {
      expect(() => spec.given([]).when(resolve()).events()).toThrow(expect.objectContaining({ problem: 'NOT_FOUND', code: 'EXCEPTION_NOT_FOUND' }));
    });

    it('when the resolution is blank, then it is refused naming the field', () => {
      spec.given([raised]).when(resolve('desk:ana', '')).thenThrows(/resolution: required/);
    });
  });
});
