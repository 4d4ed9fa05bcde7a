import { randomFillSync } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import type { EventMeta } from './ports';

/**
 * Kafka header names. Meta travels in headers as well as in the Avro body so that routing,
 * dead-letter triage and re-drive filters work without the registry or a decode.
 */
export const Headers = {
  recordType: 'lading-record-type',
  eventId: 'lading-event-id',
  tenantId: 'lading-tenant-id',
  correlationId: 'lading-correlation-id',
  causationId: 'lading-causation-id',
  occurredAt: 'lading-occurred-at',
  sourceSystem: 'lading-source-system',
  schemaVersion: 'lading-schema-version',
  traceparent: 'traceparent',
  // Failure path: written on retry-topic and dead-letter copies, never by producers.
  originalTopic: 'lading-original-topic',
  originalPartition: 'lading-original-partition',
  originalOffset: 'lading-original-offset',
  consumerGroup: 'lading-consumer-group',
  errorClass: 'lading-error-class',
  errorCode: 'lading-error-code',
  errorMessage: 'lading-error-message',
  firstFailedAt: 'lading-first-failed-at',
  attempts: 'lading-attempts',
  /** On a message dead-lettered with the one of its key it was parked behind: that one's event id. */
  parkedBehind: 'lading-parked-behind',
  deadLetteredAt: 'lading-dead-lettered-at',
  redrivenAt: 'lading-redriven-at',
} as const;

/** Headers added by the failure path; a re-drive strips them to restore the original message. */
export const failureHeaderNames: readonly string[] = [
  Headers.originalTopic,
  Headers.originalPartition,
  Headers.originalOffset,
  Headers.consumerGroup,
  Headers.errorClass,
  Headers.errorCode,
  Headers.errorMessage,
  Headers.firstFailedAt,
  Headers.attempts,
  Headers.parkedBehind,
  Headers.deadLetteredAt,
];

export function metaHeaders(recordType: string, meta: EventMeta, traceparent: string): IHeaders {
  const headers: IHeaders = {
    [Headers.recordType]: recordType,
    [Headers.eventId]: meta.eventId,
    [Headers.tenantId]: meta.tenantId,
    [Headers.correlationId]: meta.correlationId,
    [Headers.occurredAt]: String(meta.occurredAt),
    [Headers.sourceSystem]: meta.sourceSystem,
    [Headers.schemaVersion]: String(meta.schemaVersion),
    [Headers.traceparent]: traceparent,
  };
  if (meta.causationId) headers[Headers.causationId] = meta.causationId;
  return headers;
}

/** A header as a string (kafkajs hands them back as Buffers, or arrays when repeated). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A W3C trace context (version 00). */
export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const match = value ? TRACEPARENT.exec(value) : null;
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], flags: match[3] };
}

/**
 * The traceparent for a record being produced: a new span in the caller's trace when one is
 * given (the consumed message that caused it), otherwise a new sampled trace.
 */
export function childTraceparent(parent?: string): string {
  const context = parseTraceparent(parent);
  const traceId = context?.traceId ?? randomHex(16);
  return `00-${traceId}-${randomHex(8)}-${context?.flags ?? '01'}`;
}

// Span and trace ids come from a pool of random bytes filled 4 KiB at a time: every produced
// record needs one, and a call into the CSPRNG per id was a few per cent of a busy relay's CPU.
const RANDOM_POOL = Buffer.alloc(4096);
let randomAt = RANDOM_POOL.length;

function randomHex(bytes: number): string {
  if (randomAt + bytes > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomAt = 0;
  }
  const hex = RANDOM_POOL.toString('hex', randomAt, randomAt + bytes);
  randomAt += bytes;
  // all-zero ids are invalid in W3C trace context (1 in 2^64 for a span id, but cheap to rule out)
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}

/** `meta` of a decoded record, when it has one. */
export function metaOf(value: unknown): EventMeta | undefined {
  const meta = (value as { meta?: EventMeta } | null)?.meta;
  return meta && typeof meta === 'object' && typeof meta.eventId === 'string' ? meta : undefined;
}
