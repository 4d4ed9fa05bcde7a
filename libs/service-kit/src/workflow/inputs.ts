import { NonRetriableError } from '@lading/errors';

/**
 * What caused a decision or a fact to be applied: the inbound message (or the durable timer)
 * it came from. Stored with every appended event (correlation, causation, source clock, trace).
 */
export interface Cause {
  /** The inbound message's event id: the inbox key (with the tenant) and the causation id. */
  eventId: string;
  /** The journey, usually the order id. */
  correlationId: string;
  /** When it happened on the source's clock (epoch milliseconds). */
  occurredAt: number;
  /** W3C trace context of the inbound message. */
  traceparent?: string;
}

/** A decision to take about one stream of one tenant: the decider of `streamType` decides `command`. */
export interface DecisionInput<Command = unknown> {
  kind: 'decision';
  tenantId: string;
  streamType: string;
  /** The aggregate's id within its tenant, e.g. the ERP order id (order numbers repeat across tenants). */
  key: string;
  command: Command;
  cause: Cause;
}

/**
 * A fact for the service's read models (a stock level, a site status, a credit hold): applied
 * by the service's fact handler, which may wake streams up (`tx.wake`).
 */
export interface FactInput<Fact = unknown> {
  kind: 'fact';
  tenantId: string;
  fact: Fact;
  cause: Cause;
}

export type WorkflowInput<Command = unknown, Fact = unknown> = DecisionInput<Command> | FactInput<Fact>;

/**
 * A durable wake-up: decide `command` on a stream at `dueAt` (a release window opening, a
 * booking timing out, a held order whose stock came back). Survives crashes: it is a timer row
 * committed with the transaction that asked for it, fired once by one instance.
 */
export interface WakeUp<Command = unknown> {
  tenantId: string;
  streamType: string;
  key: string;
  command: Command;
  dueAt: Date;
  /**
   * Tells wake-ups of one stream apart: asking again with the same reason moves the wake-up
   * (and replaces its command); different reasons coexist.
   */
  reason: string;
  /**
   * Ask nothing while a wake-up of this stream is pending that falls due no later: that one
   * decides on the state as it will be then (default false). One pending for later (a window
   * opening tomorrow) does not cover a wake-up asked for now.
   */
  unlessPending?: boolean;
  /** Journey and cause of the decision it will trigger. */
  correlationId: string;
  causationId: string;
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The id of a tenant's stream: `<tenant>/<streamType>:<key>` (DESIGN §9). Two tenants' orders
 * with the same number are two streams; the tenant is validated because it is part of the id.
 */
export function streamIdOf(tenantId: string, streamType: string, key: string): string {
  if (!TENANT_ID.test(tenantId)) throw new NonRetriableError(`tenant id '${tenantId}' is not 1-64 characters of A-Z a-z 0-9 . _ -`, 'INVALID_TENANT');
  if (key.length === 0) throw new NonRetriableError(`empty ${streamType} key`, 'INVALID_KEY');
  return `${tenantId}/${streamType}:${key}`;
}

/** The parts of a stream id made by `streamIdOf`. */
export function parseStreamId(streamId: string): { tenantId: string; streamType: string; key: string } {
  const slash = streamId.indexOf('/');
  const colon = streamId.indexOf(':', slash + 1);
  if (slash <= 0 || colon <= slash + 1) throw new Error(`not a tenant stream id: ${streamId}`);
  return { tenantId: streamId.slice(0, slash), streamType: streamId.slice(slash + 1, colon), key: streamId.slice(colon + 1) };
}

/** Whether `tenantId` can be part of stream, timer and inbox keys. */
export function isTenantId(tenantId: unknown): tenantId is string {
  return typeof tenantId === 'string' && TENANT_ID.test(tenantId);
}

/** The metadata every appended event carries about its cause. */
export function metadataOf(cause: Cause): Record<string, string> {
  return {
    correlationId: cause.correlationId,
    causationId: cause.eventId,
    occurredAt: new Date(cause.occurredAt).toISOString(),
    ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
  };
}
