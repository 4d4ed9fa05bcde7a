import { CompressionTypes, type IHeaders, type Kafka, type Message, type RecordMetadata } from 'kafkajs';
import { childTraceparent, metaHeaders, metaOf } from './headers';
import type { MessagingMetrics } from './metrics';
import type { AvroSerde, KeyOf } from './ports';
import { NonRetriableError } from '@lading/errors';
import { recoveringProducer, type RecoveringProducer } from './producer-recovery';

export interface EventProducerOptions {
  kafka: Kafka;
  serde: AvroSerde;
  keyOf: KeyOf;
  metrics?: MessagingMetrics;
  /** How long a publish waits for company before its batch is sent. 0 sends on the next tick. */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many records. */
  maxBatchSize?: number;
  compression?: CompressionTypes;
}

export interface PublishOptions {
  /** traceparent of the message that caused this one; the record gets a child span in that trace */
  traceparent?: string;
  /** extra headers (never overriding the meta headers) */
  headers?: IHeaders;
}

export interface OutgoingRecord extends PublishOptions {
  topic: string;
  recordType: string;
  value: unknown;
}

/**
 * Publishes Avro records: key from the topic catalog, meta and trace context in headers,
 * idempotent with acks=all, and batched — concurrent `publish` calls within `lingerMs` share
 * one `sendBatch`, and each promise resolves only when its record is acknowledged by all
 * in-sync replicas.
 */
export interface EventProducer {
  connect(): Promise<void>;
  publish(topic: string, recordType: string, value: unknown, options?: PublishOptions): Promise<RecordMetadata>;
  /** Sends the records in one batch right away, in order per partition. */
  publishAll(records: OutgoingRecord[]): Promise<void>;
  /** Sends whatever is lingering. */
  flush(): Promise<void>;
  disconnect(): Promise<void>;
}

interface Pending {
  topic: string;
  recordType: string;
  message: Message;
  resolve(metadata: RecordMetadata): void;
  reject(error: unknown): void;
}

export function createEventProducer(options: EventProducerOptions): EventProducer {
  const { kafka, serde, keyOf, metrics } = options;
  const lingerMs = options.lingerMs ?? 5;
  const maxBatchSize = options.maxBatchSize ?? 1000;
  // idempotent, acks=all, murmur2 like the Java client; every send checked for a full
  // acknowledgement and recovered from a lost producer state (producer-recovery.ts)
  const producer: RecoveringProducer = recoveringProducer(kafka, {
    idempotent: true,
    // Idempotence guarantees order only with one request in flight per broker in kafkajs.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();

  async function toMessage(topic: string, recordType: string, value: unknown, publish?: PublishOptions): Promise<Message> {
    const meta = metaOf(value);
    if (!meta) throw new NonRetriableError(`record ${recordType} for ${topic} has no meta.eventId`, 'MISSING_META');
    const bytes = await serde.encode(topic, recordType, value);
    return {
      key: keyOf(topic, value),
      value: bytes,
      headers: { ...publish?.headers, ...metaHeaders(recordType, meta, childTraceparent(publish?.traceparent)) },
    };
  }

  async function send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list) list.push(p.message);
      else byTopic.set(p.topic, [p.message]);
    }
    try {
      const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      const results = await producer.sendBatch({ acks: -1, compression: options.compression ?? CompressionTypes.None, topicMessages });
      for (const p of batch) {
        metrics?.produced(p.topic, p.recordType);
        p.resolve(results.find((r) => r.topicName === p.topic) ?? (results[0] as RecordMetadata));
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  function flushQueue(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return sending;
    const batch = queue;
    queue = [];
    // Batches go out one after another so records keep their publish order per partition.
    sending = sending.then(() => send(batch));
    return sending;
  }

  return {
    connect: () => producer.connect(),
    async publish(topic, recordType, value, publish) {
      const message = await toMessage(topic, recordType, value, publish);
      return new Promise<RecordMetadata>((resolve, reject) => {
        queue.push({ topic, recordType, message, resolve, reject });
        if (queue.length >= maxBatchSize) void flushQueue();
        else if (!timer) timer = setTimeout(() => void flushQueue(), lingerMs);
      });
    },
    async publishAll(records) {
      const messages = await Promise.all(records.map((r) => toMessage(r.topic, r.recordType, r.value, r)));
      await flushQueue();
      const byTopic = new Map<string, Message[]>();
      records.forEach((r, i) => {
        const list = byTopic.get(r.topic) ?? [];
        list.push(messages[i]);
        byTopic.set(r.topic, list);
      });
      const topicMessages = [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
      const run = sending.then(() => producer.sendBatch({ acks: -1, compression: options.compression ?? CompressionTypes.None, topicMessages }));
      sending = run.then(
        () => undefined,
        () => undefined,
      );
      await run;
      for (const r of records) metrics?.produced(r.topic, r.recordType);
    },
    flush: () => flushQueue(),
    async disconnect() {
      await flushQueue();
      await producer.disconnect();
    },
  };
}
