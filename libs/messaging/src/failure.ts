import type { IHeaders, KafkaMessage, ProducerRecord, RecordMetadata } from 'kafkajs';
import { Headers } from './headers';

/** The dead-letter topic of a source topic. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface RetryPolicy {
  /** handler attempts in process before a message is parked (≥ 1) */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * How long a message that keeps failing (a handler bug) stays parked — its later messages of
   * the same key held behind it, other keys flowing — before it is dead-lettered together with
   * them. Retried meanwhile with backoff up to `maxParkedDelayMs`.
   */
  parkForMs: number;
  maxParkedDelayMs: number;
  /** First wait before a paused partition tries again after an outage (doubles up to `maxOutageBackoffMs`). */
  outageBackoffMs: number;
  maxOutageBackoffMs: number;
  /** Messages a partition may hold parked before fetching for it pauses. */
  maxParkedPerPartition: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  parkForMs: 120_000,
  maxParkedDelayMs: 30_000,
  outageBackoffMs: 500,
  maxOutageBackoffMs: 30_000,
  maxParkedPerPartition: 1_000,
};

/**
 * Exponential backoff with full jitter (AWS architecture blog): a random delay in
 * [0, min(max, initial·2^(attempt-1))], so instances failing on the same outage do not retry
 * in lockstep. `attempt` counts from 1 (the delay after the first failure).
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/** Where a message came from, as the failure path records it. */
export interface FailureOrigin {
  /** the source topic (for a message read from the retry topic: the topic it first came from) */
  topic: string;
  partition: number;
  offset: string;
  groupId: string;
}

export interface FailureCause {
  error: unknown;
  attempts: number;
  firstFailedAt: number;
}

function errorFields(error: unknown): { errorClass: string; code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorClass: error.name || error.constructor.name, code: typeof code === 'string' ? code : 'UNCLASSIFIED', message: error.message };
  }
  const message = typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  return { errorClass: 'UnknownError', code: 'UNCLASSIFIED', message };
}

/** The error code that goes into metrics and DLQ headers. */
export function errorCodeOf(error: unknown): string {
  return errorFields(error).code;
}

/**
 * Original headers plus the cause: a dead-lettered message keeps its key, value bytes and
 * headers untouched so a re-drive restores it exactly.
 */
export function causeHeaders(original: IHeaders | undefined, origin: FailureOrigin, cause: FailureCause, extra: IHeaders = {}): IHeaders {
  const { errorClass, code, message } = errorFields(cause.error);
  const headers: IHeaders = { ...original };
  headers[Headers.originalTopic] = origin.topic;
  headers[Headers.originalPartition] = String(origin.partition);
  headers[Headers.originalOffset] = origin.offset;
  headers[Headers.consumerGroup] = origin.groupId;
  headers[Headers.errorClass] = errorClass;
  headers[Headers.errorCode] = code;
  // Headers are not for novels: a stack trace lives in the logs, keyed by event id.
  headers[Headers.errorMessage] = message.slice(0, 1000);
  headers[Headers.firstFailedAt] = new Date(cause.firstFailedAt).toISOString();
  headers[Headers.attempts] = String(cause.attempts);
  return { ...headers, ...extra };
}

/** Writes dead-letter copies; resolves only once all in-sync replicas have them. */
export interface FailureRouter {
  /** `extra` headers, e.g. `lading-parked-behind` for a message dead-lettered with the one it waited for. */
  deadLetter(message: KafkaMessage, origin: FailureOrigin, cause: FailureCause, extra?: IHeaders): Promise<string>;
}

export function createFailureRouter(producer: { send(record: ProducerRecord): Promise<RecordMetadata[]> }): FailureRouter {
  return {
    async deadLetter(message, origin, cause, extra = {}) {
      const topic = deadLetterTopicOf(origin.topic);
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: message.key, value: message.value, headers: causeHeaders(message.headers, origin, cause, { ...extra, [Headers.deadLetteredAt]: new Date().toISOString() }) }],
      });
      return topic;
    },
  };
}
