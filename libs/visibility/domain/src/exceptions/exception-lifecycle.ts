import type { ExceptionOwner, ExceptionSeverity, ExceptionType } from '@lading/contracts';
import { assertNever } from '@lading/decider';
import type { SourceCode } from '../code-sets/code-set';

/**
 * One stream per exception: `visibility-exception:<exceptionId>` (the kit prefixes the tenant).
 * Raised → acknowledged → resolved, for the service desk. Its events are the ones published on
 * `orchestration.exceptions.v1` and as `exception.*` webhooks.
 */
export const EXCEPTION_STREAM_TYPE = 'visibility-exception';

export function exceptionStreamId(exceptionId: string): string {
  return `${EXCEPTION_STREAM_TYPE}:${exceptionId}`;
}

export interface ExceptionDetails {
  exceptionId: string;
  orderId: string;
  shipmentId?: string;
  exceptionType: ExceptionType;
  severity: ExceptionSeverity;
  owner: ExceptionOwner;
  summary: string;
  /** The raw code it came from; null for what Lading detected itself. */
  source: SourceCode | null;
}

/** Published as `exception.raised`. */
export type ExceptionRaised = { type: 'ExceptionRaised'; data: ExceptionDetails & { raisedAt: string } };

/** Published as `exception.acknowledged`. */
export type ExceptionAcknowledged = {
  type: 'ExceptionAcknowledged';
  data: { exceptionId: string; orderId: string; acknowledgedBy: string; note?: string; acknowledgedAt: string };
};

/** Published as `exception.resolved`. `automatic`: Lading resolved it because its condition cleared. */
export type ExceptionResolved = {
  type: 'ExceptionResolved';
  data: { exceptionId: string; orderId: string; resolvedBy: string; resolution: string; automatic: boolean; resolvedAt: string };
};

export type ExceptionLifecycleEvent = ExceptionRaised | ExceptionAcknowledged | ExceptionResolved;

export type ExceptionLifecycleState =
  | { status: 'NotRaised' }
  | { status: 'Raised'; exception: ExceptionDetails; raisedAt: string }
  | { status: 'Acknowledged'; exception: ExceptionDetails; raisedAt: string; acknowledgedBy: string; acknowledgedAt: string }
  | {
      status: 'Resolved';
      exception: ExceptionDetails;
      raisedAt: string;
      acknowledgedBy?: string;
      resolvedBy: string;
      resolution: string;
      automatic: boolean;
      resolvedAt: string;
    };

export function initialExceptionState(): ExceptionLifecycleState {
  return { status: 'NotRaised' };
}

export function evolveException(state: ExceptionLifecycleState, event: ExceptionLifecycleEvent): ExceptionLifecycleState {
  switch (event.type) {
    case 'ExceptionRaised': {
      const { raisedAt, ...exception } = event.data;
      return { status: 'Raised', exception, raisedAt };
    }
    case 'ExceptionAcknowledged':
      if (state.status !== 'Raised') return state;
      return { status: 'Acknowledged', exception: state.exception, raisedAt: state.raisedAt, acknowledgedBy: event.data.acknowledgedBy, acknowledgedAt: event.data.acknowledgedAt };
    case 'ExceptionResolved': {
      if (state.status !== 'Raised' && state.status !== 'Acknowledged') return state;
      const { resolvedBy, resolution, automatic, resolvedAt } = event.data;
      return {
        status: 'Resolved',
        exception: state.exception,
        raisedAt: state.raisedAt,
        ...(state.status === 'Acknowledged' ? { acknowledgedBy: state.acknowledgedBy } : {}),
        resolvedBy,
        resolution,
        automatic,
        resolvedAt,
      };
    }
    default:
      return assertNever(event, 'exception event');
  }
}
