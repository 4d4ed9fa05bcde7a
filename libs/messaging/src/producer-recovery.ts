import { OutageError } from '@lading/errors';
import type { Kafka, Message, ProducerBatch, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';
import { partitionRecordingPartitioner, unacknowledged } from './acknowledgement';
import { Partitioners } from 'kafkajs';

/*
 * An idempotent kafkajs producer whose sequence numbers fell out of step with a broker (after a
 * leader moved mid-send: OUT_OF_ORDER_SEQUENCE_NUMBER, or the broker forgot the producer:
 * UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH) fails every later send the same way: kafkajs does
 * not recover, and reconnecting keeps the old producer id. Found by `npm run chaos`
 * (kafka-leader-bounces: the simulated WMS's producer failed for good at the first bounce).
 * The recovery: the failed send is an outage (the caller sends the batch again), and the next
 * send goes through a new producer — a new producer id, sequences from zero.
 */

const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** Whether `error` (or what it wraps) says the producer's idempotence state is out of step with the broker. */
export function isProducerStateError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof e.type === 'string' && PRODUCER_STATE_ERRORS.has(e.type)) return true;
  return isProducerStateError(e.cause, depth + 1) || isProducerStateError(e.originalError, depth + 1);
}

/** The sends of a kafkajs producer, acknowledged in full (acknowledgement.ts) and recovered from a lost producer state. */
export interface RecoveringProducer {
  connect(): Promise<void>;
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

/**
 * A kafkajs producer (idempotent, acks as asked, murmur2 partitioning like the Java client) whose
 * every send is checked for a full acknowledgement and which replaces itself after a producer
 * state error. `onReset` hears about each replacement (for a log line).
 */
export function recoveringProducer(kafka: Kafka, config: Omit<ProducerConfig, 'createPartitioner'>, onReset?: (cause: unknown) => void): RecoveringProducer {
  const make = () => kafka.producer({ ...config, createPartitioner: partitionRecordingPartitioner(Partitioners.DefaultPartitioner) });
  let current = make();
  let connected = false;
  let replacing: Promise<void> | undefined;
  let stale = false;

  async function fresh(): Promise<void> {
    if (!stale) return;
    replacing ??= (async () => {
      const old = current;
      current = make();
      await current.connect();
      stale = false;
      await old.disconnect().catch(() => undefined);
    })().finally(() => (replacing = undefined));
    await replacing;
  }

  async function sending(topicMessages: { topic: string; messages: Message[] }[], send: () => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    await fresh();
    try {
      return unacknowledged.check(topicMessages, await send());
    } catch (error) {
      if (!isProducerStateError(error)) throw error;
      stale = true;
      onReset?.(error);
      throw new OutageError(`the Kafka producer's sequence is out of step with the broker (${(error as Error).message}); the batch goes again through a new producer`, 'KAFKA_PRODUCER_RESET', { cause: error });
    }
  }

  return {
    async connect() {
      await current.connect();
      connected = true;
    },
    send: (record) => sending([{ topic: record.topic, messages: record.messages }], () => current.send(record)),
    sendBatch: (batch) => sending(batch.topicMessages ?? [], () => current.sendBatch(batch)),
    async disconnect() {
      await replacing?.catch(() => undefined);
      if (connected) await current.disconnect();
      connected = false;
    },
  };
}
