/**
 * Every failure Lading handles on a message path is one of two kinds, and the kind decides
 * what happens to the message: a retriable failure (broker or database briefly unavailable,
 * an optimistic-concurrency conflict) is retried with backoff; a non-retriable one (bytes
 * that do not decode, a schema or validation violation, a tenant mismatch) can never succeed
 * and goes straight to the dead-letter topic with its reason.
 */
export abstract class LadingError extends Error {
  abstract readonly retriable: boolean;
  /** A stable machine-readable code, e.g. `WRONG_MAGIC_BYTE`; goes into DLQ headers. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class RetriableError extends LadingError {
  readonly retriable = true;
  constructor(
    message: string,
    readonly code = 'RETRIABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NonRetriableError extends LadingError {
  readonly retriable = false;
  constructor(
    message: string,
    readonly code = 'NON_RETRIABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Unknown errors are treated as retriable: a bug that throws will be retried a bounded number
 * of times and then dead-lettered, which loses nothing; treating it as poison right away would
 * dead-letter messages on a transient outage we failed to classify.
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof LadingError ? error.retriable : true;
}

/**
 * Something the message depends on is unavailable — the database, the brokers, the schema
 * registry, the dead-letter topic — not the message. An outage is never poison: the consumer
 * pauses the partitions it cannot serve and retries until it is over; nothing is dead-lettered
 * because of it (DESIGN §10).
 */
export class OutageError extends RetriableError {
  readonly outage = true;
  constructor(message: string, code = 'OUTAGE', options?: { cause?: unknown }) {
    super(message, code, options);
  }
}

/** Node socket errors: the peer is not there (or not answering). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: connection exceptions (class 08), the server
 * shutting down or starting (57P01-57P03), out of connections or resources (53*), a statement or
 * lock cancelled by a timeout (57014: the services' statement timeout turns a hung server into one).
 */
const isPostgresOutage = (code: string) => code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('53') || code === '57014';

/** node-postgres and kafkajs say it in words, not codes. */
const OUTAGE_MESSAGES = [
  /Connection terminated/i,
  /Query read timeout/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /the database system is (starting up|shutting down)/i,
];

/** kafkajs: the cluster is unreachable, or cannot take the write right now (not enough in-sync replicas, no leader, missing topic). */
const KAFKA_OUTAGE_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound']);
const KAFKA_OUTAGE_TYPES = new Set([
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REQUEST_TIMED_OUT',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NETWORK_EXCEPTION',
  'BROKER_NOT_AVAILABLE',
  'KAFKA_STORAGE_ERROR',
  'COORDINATOR_NOT_AVAILABLE',
]);

/**
 * Whether `error` (or what caused it) is an outage of what the message depends on rather than a
 * fault of the message or its handler. Recognises `OutageError`, the schema registry being
 * unreachable (`REGISTRY_UNAVAILABLE`), and the shapes of network, PostgreSQL and Kafka errors.
 */
export function isOutage(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { outage?: unknown; code?: unknown; name?: unknown; message?: unknown; type?: unknown; cause?: unknown; retriable?: unknown; originalError?: unknown };
  if (e.outage === true) return true;
  if (e.code === 'REGISTRY_UNAVAILABLE') return true;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || (/^[0-9A-Z]{5}$/.test(e.code) && isPostgresOutage(e.code)))) return true;
  if (typeof e.type === 'string' && KAFKA_OUTAGE_TYPES.has(e.type)) return true;
  if (typeof e.name === 'string' && KAFKA_OUTAGE_NAMES.has(e.name)) return true;
  if (typeof e.message === 'string' && OUTAGE_MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  // wrapped: kafkajs's retries-exceeded and non-retriable wrappers, our own TransactionAbortedError
  return isOutage(e.cause, depth + 1) || isOutage(e.originalError, depth + 1);
}

/**
 * Whether the connection `error` came from can no longer be used: the socket failed or closed,
 * or the client stopped waiting for an answer (a hung server). Rolling back on it would wait as
 * long again; the connection is destroyed instead (PostgreSQL rolls the transaction back).
 */
export function isConnectionLost(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || e.code.startsWith('08') || e.code === '57P01')) return true;
  return typeof e.message === 'string' && /Query read timeout|Connection terminated|Connection ended unexpectedly|Client has encountered a connection error/i.test(e.message);
}
