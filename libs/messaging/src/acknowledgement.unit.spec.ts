import { isOutage } from '@lading/errors';
import type { Kafka, Message, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import { createEventProducer } from './producer';
import type { AvroSerde } from './ports';

// kafkajs 2.2.4 drops the records of a partition whose leader moved mid-send to a broker that had
// already answered (tulios/kafkajs PR #1798) and resolves anyway. A fake kafkajs producer that
// answers like that: it partitions each message with the configured partitioner, then leaves
// the moved partition out of its answer.

const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));

function kafkaAnsweringWithout(dropped: (partition: number) => boolean): Kafka {
  return {
    producer(config: ProducerConfig) {
      const partitioner = config.createPartitioner!();
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
          const partitions = new Map<string, Set<number>>();
          for (const { topic, messages } of batch.topicMessages!) {
            for (const message of messages) {
              const partition = partitioner({ topic, partitionMetadata, message: message as Message });
              partitions.set(topic, (partitions.get(topic) ?? new Set()).add(partition));
            }
          }
          return [...partitions].flatMap(([topicName, set]) => [...set].filter((p) => !dropped(p)).map((partition) => ({ topicName, partition, errorCode: 0, baseOffset: '0' }) as RecordMetadata));
        },
      };
    },
  } as unknown as Kafka;
}

const serde = { encode: async () => Buffer.from('x'), decode: async () => ({}) } as unknown as AvroSerde;
const scan = (orderId: string) => ({ meta: { eventId: `e-${orderId}`, tenantId: 'acme', correlationId: 'c', causationId: null, occurredAt: 0, sourceSystem: 'LADING', schemaVersion: 1 }, orderId });
const records = ['SO-1', 'SO-2', 'SO-3', 'SO-4', 'SO-5', 'SO-6', 'SO-7', 'SO-8'].map((orderId) => ({ topic: 'orchestration.order-release.v1', recordType: 'lading.orchestration.OrderReleased', value: scan(orderId) }));
const producerOn = (kafka: Kafka) => createEventProducer({ kafka, serde, keyOf: (_topic, value) => (value as { orderId: string }).orderId });

describe('the acknowledgement of a batch', () => {
  it('given kafkajs answers for every partition it sent to, then publishAll resolves', async () => {
    await expect(producerOn(kafkaAnsweringWithout(() => false)).publishAll(records)).resolves.toBeUndefined();
  });

  it('given kafkajs resolves without an answer for a partition it sent records to, then publishAll fails as an outage naming the partition, so the batch is sent again', async () => {
    const error = await producerOn(kafkaAnsweringWithout((p) => p % 2 === 1))
      .publishAll(records)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KAFKA_PARTIAL_ACKNOWLEDGEMENT', message: expect.stringMatching(/orchestration\.order-release\.v1\/\d+/) });
    expect(isOutage(error)).toBe(true);
  });

  it('given the same for records published one by one, then each waiting publish fails', async () => {
    const producer = producerOn(kafkaAnsweringWithout(() => true));
    const results = await Promise.allSettled(records.slice(0, 3).map((r) => producer.publish(r.topic, r.recordType, r.value)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
