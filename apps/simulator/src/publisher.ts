import type { Producer } from 'kafkajs';
import { keyOf } from '@lading/contracts';
import type { AvroSerde } from '@lading/schema-registry';
import type { SimulatorMetrics } from './metrics';
import type { OutboundRecord } from './simulator.mapper';

export interface RecordPublisher {
  /** Encodes and sends the records in order (one batch per call), acks=all. */
  publish(system: 'ERP' | 'WMS', records: readonly OutboundRecord[]): Promise<void>;
}

/** Kafka allows a bigger request; smaller batches keep one slow send from holding a tick too long. */
const MAX_BATCH = 500;

export function createRecordPublisher(producer: Producer, serde: AvroSerde, metrics: SimulatorMetrics): RecordPublisher {
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
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const record of chunk) metrics.factsPublished.inc({ system, record_type: record.recordType });
      }
    },
  };
}
