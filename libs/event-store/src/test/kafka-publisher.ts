import type { Kafka, KafkaMessage } from 'kafkajs';
import type { StoredEvent } from '../types';

/**
 * The publish port as an app implements it, minus the Avro mapping: one record per event,
 * keyed by stream id (so one partition owns a stream's order), acks=all, idempotent.
 */
export async function kafkaPublisher(kafka: Kafka, topic: string) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async publish(events: StoredEvent[]) {
      await producer.send({
        topic,
        acks: -1,
        messages: events.map((e) => ({
          key: e.streamId,
          value: JSON.stringify({ eventId: e.eventId, streamId: e.streamId, version: e.streamVersion, type: e.eventType, position: e.position }),
          headers: { 'event-id': e.eventId },
        })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}

export interface Published {
  eventId: string;
  streamId: string;
  version: number;
  type: string;
  position: number;
}

export function decode(message: KafkaMessage): Published {
  return JSON.parse(message.value!.toString());
}
