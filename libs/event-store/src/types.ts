import { createJsonLogger, silentLogger } from '@lading/logging';
/** A domain event as deciders emit it: an internal TS union discriminated by `type`. */
export interface DomainEvent {
  type: string;
}

/** Metadata carried by every stored event (DESIGN §4). Free-form beyond the named keys. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** Source clock, ISO-8601. */
  occurredAt?: string;
  sourceSystem?: string;
  traceparent?: string;
  [key: string]: unknown;
}

/**
 * What the caller believes about a stream before appending:
 * - `'no_stream'` (or 0): the stream must not exist yet;
 * - a number n ≥ 1: the stream's last version must be exactly n;
 * - `'any'`: no version check (still serialised per stream).
 */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** One stream's part of an append. */
export interface AppendRequest<E extends DomainEvent = DomainEvent> {
  streamId: string;
  events: readonly E[];
  expectedVersion: ExpectedVersion;
  tenantId: string;
  /** Defaults to the stream id's prefix: `order-release:SO-1` → `order-release`. */
  streamType?: string;
  /** Merged into every event's metadata. */
  metadata?: EventMetadata;
  /** Event ids (uuid), one per event; random if omitted. Re-appending the same ids is a no-op. */
  eventIds?: readonly string[];
  /**
   * Records the input message in the consumer's inbox in the same statement: if it was
   * already recorded, this stream's append is skipped and reported as `inboxDuplicate`.
   */
  inbox?: { consumer: string; eventId: string };
}

export type AppendOptions<E extends DomainEvent = DomainEvent> = Omit<AppendRequest<E>, 'streamId' | 'events'>;

/** An event as the store holds it. */
export interface StoredEvent<E extends DomainEvent = DomainEvent> {
  /** Global position: unique and increasing in insert order (not commit order). */
  position: number;
  /** xid8 of the writing transaction, as text. */
  transactionId: string;
  streamId: string;
  streamType: string;
  streamVersion: number;
  eventId: string;
  eventType: string;
  tenantId: string;
  payload: E;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendResult<E extends DomainEvent = DomainEvent> {
  streamId: string;
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** The events this call stored (on a duplicate: the ones stored by the first call). */
  events: StoredEvent<E>[];
  /** True when nothing was appended because it already was (same event ids, or inbox duplicate). */
  duplicate: boolean;
  /** The `inbox` input was already recorded: the message was handled before. */
  inboxDuplicate?: boolean;
}

/**
 * A gap-free read position: events are consumed in (transaction id, position) order, and only
 * below the oldest in-flight transaction, so nothing can ever appear behind the cursor.
 */
export interface CommitCursor {
  transactionId: string;
  position: number;
}

export const START_OF_LOG: CommitCursor = Object.freeze({ transactionId: '0', position: 0 });

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A namespaced JSON logger (the fallback when the caller passes none). `LOG_LEVEL` filters. */
export function jsonLogger(namespace: string): Logger {
  return createJsonLogger({ bindings: { namespace } });
}

export { silentLogger };
