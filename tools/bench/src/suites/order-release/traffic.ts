import type { Consumer, Kafka, Message, Producer } from 'kafkajs';
import { startGroupAtEnd, uniqueName, waitUntil } from '@lading/testing';
import { PARTITIONS, percentile, sleep } from './common';

/* Producing with send times and watching with arrival times: what every phase of the bench measures. */

/** records per acks=all send when producing as fast as possible */
const CHUNK = 500;

export interface Sent {
  at: Map<string, number>;
}

/**
 * Consumes `topic` with a group of its own, from its current end when `atEnd` (a shared topic
 * with older data), else from the beginning (a fresh topic); `onMessage` sees every message.
 */
export async function follow(
  kafka: Kafka,
  topic: string,
  atEnd: boolean,
  onMessage: (message: Message & { value: Buffer | null }) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<Consumer> {
  const groupId = uniqueName('bench-or-watch');
  if (atEnd) {
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, [topic]).finally(() => admin.disconnect());
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: !atEnd });
    await consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) await onMessage(message as Message & { value: Buffer | null });
      },
    });
    await waitUntil(`watcher on ${topic} joined`, async () => (await consumer.describeGroup()).state === 'Stable', { timeoutMs: 60_000, intervalMs: 200, signal });
    return consumer;
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
}

/** Produces `messages` in chunks of CHUNK, acks=all, stamping each key's send time. */
export async function produceAll(producer: Producer, topic: string, messages: Message[], sent: Sent): Promise<void> {
  for (let i = 0; i < messages.length; i += CHUNK) {
    const chunk = messages.slice(i, i + CHUNK);
    const now = Date.now();
    for (const m of chunk) sent.at.set(String(m.key), now);
    await producer.send({ topic, acks: -1, messages: chunk });
  }
}

/** Produces `messages` at `rate`/s in 10 ms ticks, acks=all, without waiting for one send before the next. */
export async function producePaced(producer: Producer, topic: string, messages: Message[], rate: number, sent: Sent): Promise<void> {
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const pending: Promise<unknown>[] = [];
  const start = Date.now();
  let published = 0;
  while (published < messages.length) {
    const due = Math.min(messages.length, Math.floor(((Date.now() - start) / tickMs + 1) * perTick));
    if (due > published) {
      const chunk = messages.slice(published, due);
      const now = Date.now();
      for (const m of chunk) sent.at.set(String(m.key), now);
      pending.push(producer.send({ topic, acks: -1, messages: chunk }));
      published = due;
    }
    await sleep(tickMs);
  }
  await Promise.all(pending);
}

/**
 * Every record seen on the watched topic for a key we sent, with its eventId and arrival time.
 * Other order-release instances on the shared topics (other people's tests) see our seeded
 * stock and sites too and may release our orders as well: only records `isOurs` (eventIds our
 * app's event store relayed) count, the rest are reported as foreign.
 */
export interface Arrivals {
  byKey: Map<string, { id: string; at: number }[]>;
}

export const arrivals = (): Arrivals => ({ byKey: new Map() });

export function arrive(into: Arrivals, key: string, id: string, sent: Sent): void {
  if (!sent.at.has(key)) return;
  const list = into.byKey.get(key) ?? [];
  list.push({ id, at: Date.now() });
  into.byKey.set(key, list);
}

export interface Settled {
  received: number;
  latencies: number[];
  last: number;
  duplicates: number;
  foreign: number;
}

export function settle(into: Arrivals, keys: readonly string[], sent: Sent, isOurs: (id: string) => boolean): Settled {
  const result: Settled = { received: 0, latencies: [], last: 0, duplicates: 0, foreign: 0 };
  for (const key of keys) {
    const list = into.byKey.get(key) ?? [];
    const ours = list.filter((a) => isOurs(a.id));
    result.foreign += list.length - ours.length;
    if (ours.length === 0) continue;
    result.duplicates += ours.length - 1;
    result.received++;
    result.last = Math.max(result.last, ours[0].at);
    result.latencies.push(ours[0].at - sent.at.get(key)!);
  }
  return result;
}

export function latencyOf(settled: Settled) {
  const sorted = [...settled.latencies].sort((x, y) => x - y);
  return { samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}
