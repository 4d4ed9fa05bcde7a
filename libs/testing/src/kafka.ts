import { Admin, Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { uniqueName, waitUntil } from './wait';

export function testKafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

export function testSchemaRegistryUrl(): string {
  return process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
}

export function testKafka(brokers = testKafkaBrokers()): Kafka {
  return new Kafka({ clientId: uniqueName('test'), brokers, logLevel: logLevel.NOTHING });
}

/** Collects every message a consumer sees on a topic, from the beginning. */
export async function collectMessages(
  kafka: Kafka,
  topic: string,
): Promise<{ messages: KafkaMessage[]; consumer: Consumer; stop: () => Promise<void> }> {
  const consumer = kafka.consumer({ groupId: uniqueName('collector') });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  return { messages, consumer, stop: () => consumer.disconnect() };
}

export async function waitForMessages(messages: unknown[], count: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`${count} messages (have ${messages.length})`, () => messages.length >= count, { timeoutMs });
}

/**
 * Commits a new consumer group's offsets at the topics' current end, before the group joins:
 * on shared topics a test then sees only what it publishes itself. (kafkajs' `resetOffsets`
 * with `earliest: false` commits the sentinel -1, which a consumer reads as "no offset".)
 */
export async function startGroupAtEnd(admin: Admin, groupId: string, topics: readonly string[]): Promise<void> {
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  }
}
