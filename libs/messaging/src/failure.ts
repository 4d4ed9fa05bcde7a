import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { Headers, headerText } from './headers';

/** The dead-letter topic of a source topic. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * The retry topic of a consumer group. One per group rather than `<topic>.retry.<n>`: a
 * message that failed in one service must be retried by that service only — a per-topic retry
 * topic would be consumed by every group subscribed to the source topic and re-run handlers
 * that already succeeded elsewhere. The source topic travels in `lading-original-topic`.
 */
export function retryTopicOf(groupId: string): string {
  return `${groupId}.retry`;
}

export interface RetryPolicy {
  /** handler attempts in process before the message leaves the partition (≥ 1) */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** rounds through the group's retry topic before the dead-letter topic; 0 disables it */
  retryTopicRounds: number;
  /** how long a message waits in the retry topic before it is handled again */
  retryTopicDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  retryTopicRounds: 2,
  retryTopicDelayMs: 5_000,
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

/** Writes retry-topic and dead-letter copies; resolves only once all in-sync replicas have them. */
export interface FailureRouter {
  deadLetter(message: KafkaMessage, origin: FailureOrigin, cause: FailureCause): Promise<string>;
  retryLater(message: KafkaMessage, origin: FailureOrigin, cause: FailureCause, round: number, delayMs: number): Promise<string>;
}

export function createFailureRouter(producer: Producer): FailureRouter {
  return {
    async deadLetter(message, origin, cause) {
      const topic = deadLetterTopicOf(origin.topic);
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: causeHeaders(stripRetryHeaders(message.headers), origin, cause, { [Headers.deadLetteredAt]: new Date().toISOString() }),
          },
        ],
      });
      return topic;
    },
    async retryLater(message, origin, cause, round, delayMs) {
      const topic = retryTopicOf(origin.groupId);
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: causeHeaders(stripRetryHeaders(message.headers), origin, cause, {
              [Headers.retryRound]: String(round),
              [Headers.notBefore]: String(Date.now() + delayMs),
            }),
          },
        ],
      });
      return topic;
    },
  };
}

function stripRetryHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = { ...headers };
  delete out[Headers.retryRound];
  delete out[Headers.notBefore];
  return out;
}

/** The failure bookkeeping a retry-topic message carries from earlier rounds. */
export function retryStateOf(headers: IHeaders | undefined): { topic: string; partition: number; offset: string; round: number; notBefore: number; firstFailedAt?: number; attempts: number } | undefined {
  const topic = headerText(headers, Headers.originalTopic);
  if (!topic) return undefined;
  const firstFailed = headerText(headers, Headers.firstFailedAt);
  return {
    topic,
    partition: Number(headerText(headers, Headers.originalPartition) ?? -1),
    offset: headerText(headers, Headers.originalOffset) ?? '-1',
    round: Number(headerText(headers, Headers.retryRound) ?? 0),
    notBefore: Number(headerText(headers, Headers.notBefore) ?? 0),
    firstFailedAt: firstFailed ? Date.parse(firstFailed) : undefined,
    attempts: Number(headerText(headers, Headers.attempts) ?? 0),
  };
}
