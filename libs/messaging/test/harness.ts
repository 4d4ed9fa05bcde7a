import { messagingTesting, createEventProducer, deadLetterTopicOf, type EventProducer } from '../src';
import { testKafka, testSchemaRegistryUrl, uniqueName } from '@lading/testing';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicFixture {
  kafka: Kafka;
  admin: Admin;
  serde: messagingTesting.RegistrySerde;
  topic: string;
  groupId: string;
  producer: EventProducer;
  publishScans(count: number, shipments?: number): Promise<messagingTesting.ShipmentScanned[]>;
  close(): Promise<void>;
}

/** A fresh topic with the test schema registered on it, a group name and a producer. */
export async function topicFixture(partitions = 1): Promise<TopicFixture> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const topic = await messagingTesting.createTestTopic(admin, { prefix: 'msg-scans', partitions });
  const serde = messagingTesting.createRegistrySerde({ host: testSchemaRegistryUrl() });
  await serde.register(topic, messagingTesting.shipmentScannedSchema);
  const producer = createEventProducer({ kafka, serde, keyOf: messagingTesting.testKeyOf, lingerMs: 2 });
  await producer.connect();
  const groupId = uniqueName('msg-group');
  return {
    kafka,
    admin,
    serde,
    topic,
    groupId,
    producer,
    async publishScans(count, shipments = count) {
      const ids = Array.from({ length: shipments }, (_, i) => `SHP-${i}-${uniqueName('s')}`);
      const scans = Array.from({ length: count }, (_, i) => messagingTesting.shipmentScanned({ shipmentId: ids[i % shipments], sequence: i }));
      await producer.publishAll(scans.map((value) => ({ topic, recordType: messagingTesting.shipmentScannedType, value })));
      return scans;
    },
    async close() {
      await producer.disconnect();
      const created = [topic, deadLetterTopicOf(topic)];
      const existing = new Set(await admin.listTopics());
      await admin.deleteTopics({ topics: created.filter((t) => existing.has(t)) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
