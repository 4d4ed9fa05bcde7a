import { isOutage } from '@lading/errors';
import type { Kafka, Message, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import { recoveringProducer } from './producer-recovery';

// After a leader moved mid-send, a kafkajs idempotent producer can answer every later send with
// OUT_OF_ORDER_SEQUENCE_NUMBER (found by npm run chaos). A fake kafkajs whose first producer is
// in that state for good, as kafkajs leaves it.

const partitionMetadata = Array.from({ length: 3 }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
const outOfOrder = () => Object.assign(new Error('The broker received an out of order sequence number'), { name: 'KafkaJSProtocolError', type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', retriable: false });

function kafkaWithBrokenFirstProducer() {
  const made: { broken: boolean; disconnected: boolean }[] = [];
  const kafka = {
    producer(config: ProducerConfig) {
      const state = { broken: made.length === 0, disconnected: false };
      made.push(state);
      const partitioner = config.createPartitioner!();
      return {
        connect: async () => undefined,
        disconnect: async () => void (state.disconnected = true),
        async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
          if (state.broken) throw outOfOrder();
          return batch.topicMessages!.flatMap(({ topic, messages }) =>
            [...new Set(messages.map((message) => partitioner({ topic, partitionMetadata, message: message as Message })))].map((partition) => ({ topicName: topic, partition, errorCode: 0 }) as RecordMetadata),
          );
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, made };
}

const batch = () => ({ acks: -1, topicMessages: [{ topic: 'wms.fulfilment.v1', messages: [{ key: 'SO-1', value: 'x' }, { key: 'SO-2', value: 'y' }] }] });

describe('a producer that lost its sequence', () => {
  it('given the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER, then the send fails as an outage and the next one goes through a new producer (the old one disconnected)', async () => {
    const { kafka, made } = kafkaWithBrokenFirstProducer();
    const resets: unknown[] = [];
    const producer = recoveringProducer(kafka, { idempotent: true }, (e) => void resets.push(e));
    await producer.connect();
    const failed = await producer.sendBatch(batch()).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'KAFKA_PRODUCER_RESET' });
    expect(isOutage(failed)).toBe(true);
    expect(resets).toHaveLength(1);
    await expect(producer.sendBatch(batch())).resolves.toEqual([expect.objectContaining({ topicName: 'wms.fulfilment.v1', errorCode: 0 })]);
    expect(made.map((m) => m.disconnected)).toEqual([true, false]);
  });

  it('given another error, then it is passed on as it is and the producer is kept', async () => {
    const kafka = {
      producer: () => ({ connect: async () => undefined, disconnect: async () => undefined, sendBatch: async () => Promise.reject(Object.assign(new Error('message too large'), { type: 'MESSAGE_TOO_LARGE' })) }),
    } as unknown as Kafka;
    const producer = recoveringProducer(kafka, {});
    await expect(producer.sendBatch(batch())).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
  });
});
