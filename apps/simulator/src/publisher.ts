import { isOutage } from '@lading/errors';
import type { RecoveringProducer } from '@lading/messaging';
import { keyOf } from '@lading/contracts';
import type { AvroSerde } from '@lading/schema-registry';
import type { Logger } from './logger';
import type { SimulatorMetrics } from './metrics';
import type { OutboundRecord } from './simulator.mapper';

export interface RecordPublisher {
  /** Encodes and sends the records in order (one batch per call), acks=all. */
  publish(system: 'ERP' | 'WMS', records: readonly OutboundRecord[]): Promise<void>;
}

/** Kafka allows a bigger request; smaller batches keep one slow send from holding a tick too long. */
const MAX_BATCH = 500;
/** How long a send is retried through a broker outage before the simulator gives up. */
const GIVE_UP_AFTER_MS = 120_000;

/**
 * Publishes like a careful adapter: a send that fails for an outage (leaders moving, brokers
 * down, a send kafkajs acknowledged only in part, a producer out of step — see
 * @lading/messaging's recoveringProducer) is sent again with backoff. Records that did arrive
 * arrive twice, with the same event ids: Lading's inboxes absorb them.
 */
export function createRecordPublisher(producer: RecoveringProducer, serde: AvroSerde, metrics: SimulatorMetrics, logger?: Logger): RecordPublisher {
  async function send(topicMessages: { topic: string; messages: { key: string; value: Buffer }[] }[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.sendBatch({ acks: -1, topicMessages });
        return;
      } catch (error) {
        if (!isOutage(error) || Date.now() - started > GIVE_UP_AFTER_MS) throw error;
        if (attempt === 1) logger?.warn('send failed for a broker outage; sending again', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
      }
    }
  }

  return {
    async publish(system, records) {
      for (let start = 0; start < records.length; start += MAX_BATCH) {
        const chunk = records.slice(start, start + MAX_BATCH);
        const byTopic = new Map<string, { key: string; value: Buffer }[]>();
        for (const record of chunk) {
          const value = await serde.encode(record.topic, record.recordType, record.value);
          const messages = byTopic.get(record.topic) ?? [];
          messages.push({ key: keyOf(record.topic, record.value), value });
          byTopic.set(record.topic, messages);
        }
        await send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
        for (const record of chunk) metrics.factsPublished.inc({ system, record_type: record.recordType });
      }
    },
  };
}
