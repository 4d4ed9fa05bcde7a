import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { failureHeaderNames, Headers, headerText } from './headers';

/** One message of a `<topic>.dlq`, with its cause read from the headers. */
export interface DeadLetter {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  recordType?: string;
  eventId?: string;
  tenantId?: string;
  correlationId?: string;
  originalTopic?: string;
  originalPartition?: number;
  originalOffset?: string;
  consumerGroup?: string;
  errorClass?: string;
  errorCode?: string;
  errorMessage?: string;
  firstFailedAt?: string;
  attempts?: number;
  /** Dead-lettered with the message of its key it was parked behind: that one's event id. */
  parkedBehind?: string;
  deadLetteredAt: string;
}

export interface DeadLetterFilter {
  recordType?: string;
  tenantId?: string;
  consumerGroup?: string;
  eventId?: string;
  /** dead-lettered at or after (epoch ms) */
  since?: number;
  /** dead-lettered before (epoch ms) */
  until?: number;
  partition?: number;
  offset?: string;
  /**
   * Also take the messages that were dead-lettered because they were parked behind a selected
   * one (same key, later offsets): re-driving a head without them would leave them behind, and
   * re-driving them in the DLQ's order restores their order. Default true.
   */
  withParkedBehind?: boolean;
}

function toDeadLetter(partition: number, message: { offset: string; key: Buffer | null; value: Buffer | null; headers?: IHeaders; timestamp: string }): DeadLetter {
  const h = message.headers ?? {};
  const text = (name: string) => headerText(h, name);
  const attempts = text(Headers.attempts);
  const originalPartition = text(Headers.originalPartition);
  return {
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: h,
    recordType: text(Headers.recordType),
    eventId: text(Headers.eventId),
    tenantId: text(Headers.tenantId),
    correlationId: text(Headers.correlationId),
    originalTopic: text(Headers.originalTopic),
    originalPartition: originalPartition === undefined ? undefined : Number(originalPartition),
    originalOffset: text(Headers.originalOffset),
    consumerGroup: text(Headers.consumerGroup),
    errorClass: text(Headers.errorClass),
    errorCode: text(Headers.errorCode),
    errorMessage: text(Headers.errorMessage),
    firstFailedAt: text(Headers.firstFailedAt),
    attempts: attempts === undefined ? undefined : Number(attempts),
    parkedBehind: text(Headers.parkedBehind),
    deadLetteredAt: text(Headers.deadLetteredAt) ?? new Date(Number(message.timestamp)).toISOString(),
  };
}

export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  const at = Date.parse(letter.deadLetteredAt);
  return (
    (filter.recordType === undefined || letter.recordType === filter.recordType) &&
    (filter.tenantId === undefined || letter.tenantId === filter.tenantId) &&
    (filter.consumerGroup === undefined || letter.consumerGroup === filter.consumerGroup) &&
    (filter.eventId === undefined || letter.eventId === filter.eventId) &&
    (filter.partition === undefined || letter.partition === filter.partition) &&
    (filter.offset === undefined || letter.offset === filter.offset) &&
    (filter.since === undefined || at >= filter.since) &&
    (filter.until === undefined || at < filter.until)
  );
}

/**
 * Reads a dead-letter topic from the beginning to its current end with a throw-away consumer
 * group (it commits nothing and is deleted afterwards), keeping the messages that match — and,
 * unless `withParkedBehind: false`, the ones parked behind a matching one, in DLQ order.
 */
export async function readDeadLetters(kafka: Kafka, deadLetterTopic: string, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `lading-dlq-reader-${randomBytes(6).toString('hex')}`;
  try {
    const offsets = await admin.fetchTopicOffsets(deadLetterTopic);
    const remaining = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
    if (remaining.size === 0) return [];
    const letters: DeadLetter[] = [];
    const followers: DeadLetter[] = [];
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = remaining.get(batch.partition);
              for (const message of batch.messages) {
                if (end === undefined || Number(message.offset) >= end) break;
                const letter = toDeadLetter(batch.partition, message);
                if (matchesFilter(letter, filter)) letters.push(letter);
                else if (letter.parkedBehind !== undefined && filter.withParkedBehind !== false) followers.push(letter);
              }
              const last = Number(batch.lastOffset());
              if (end !== undefined && last >= end - 1) remaining.delete(batch.partition);
              if (remaining.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => undefined);
    const heads = new Set(letters.map((l) => l.eventId).filter((id) => id !== undefined));
    letters.push(...followers.filter((f) => heads.has(f.parkedBehind!)));
    return letters.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  } finally {
    await admin.disconnect();
  }
}

/** Original headers of a dead letter, as its producer wrote them, plus when it was re-driven. */
export function redriveHeaders(letter: DeadLetter, now = new Date()): IHeaders {
  const headers: IHeaders = { ...letter.headers };
  for (const name of failureHeaderNames) delete headers[name];
  headers[Headers.redrivenAt] = now.toISOString();
  return headers;
}

/**
 * Re-publishes dead letters to the topic they failed on (or `target`), with the original key,
 * value bytes and headers — the same `meta.eventId` — so every consumer's inbox recognises
 * an event it already applied and only the group that failed on it applies it now.
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  letters: DeadLetter[],
  options: { target?: string } = {},
): Promise<{ topic: string; count: number }[]> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) {
      const topic = options.target ?? letter.originalTopic;
      if (!topic) throw new Error(`dead letter ${letter.partition}/${letter.offset} has no ${Headers.originalTopic} header; pass a target topic`);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), letter]);
    }
    const now = new Date();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((l) => ({ key: l.key, value: l.value, headers: redriveHeaders(l, now) })),
      })),
    });
    return [...byTopic].map(([topic, list]) => ({ topic, count: list.length }));
  } finally {
    await producer.disconnect();
  }
}
