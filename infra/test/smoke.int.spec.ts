import 'reflect-metadata';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { messagingTesting } from '@lading/messaging';
import {
  collectMessages,
  createTestSchema,
  testDatabaseUrl,
  testKafka,
  testSchemaRegistryUrl,
  uniqueName,
  waitForMessages,
} from '@lading/testing';

@Entity({ name: 'smoke_shipment' })
class SmokeShipment {
  @PrimaryColumn('text') shipmentId!: string;
  @Column('text') status!: string;
}

describe('the real parts answer (smoke)', () => {
  it('registers an Avro schema, and a message round-trips through Kafka in the Confluent wire format', async () => {
    const registry = new SchemaRegistry({ host: testSchemaRegistryUrl() });
    const recordName = `Smoke${uniqueName('x').replace(/[^a-zA-Z0-9]/g, '')}`;
    const { id } = await registry.register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify({
          type: 'record',
          name: recordName,
          namespace: 'dev.lading.smoke',
          fields: [
            { name: 'orderId', type: 'string' },
            { name: 'lines', type: 'int' },
          ],
        }),
      },
      { subject: `smoke-${recordName}` },
    );
    expect(id).toBeGreaterThan(0);

    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const topic = await messagingTesting.createTestTopic(admin, { prefix: 'smoke' });
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    const value = await registry.encode(id, { orderId: 'SO-1001', lines: 3 });
    // Confluent wire format: magic byte 0, then the 4-byte big-endian schema id.
    expect(value[0]).toBe(0);
    expect(value.readInt32BE(1)).toBe(id);
    await producer.send({ topic, acks: -1, messages: [{ key: 'SO-1001', value }] });

    const collected = await collectMessages(kafka, topic);
    try {
      await waitForMessages(collected.messages, 1);
      const decoded = await registry.decode(collected.messages[0].value as Buffer);
      expect(decoded).toEqual({ orderId: 'SO-1001', lines: 3 });
      expect(collected.messages[0].key?.toString()).toBe('SO-1001');
    } finally {
      await collected.stop();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });

  it('round-trips a row through PostgreSQL with TypeORM', async () => {
    const { schema, drop } = await createTestSchema('smoke');
    const dataSource = new DataSource({
      type: 'postgres',
      url: testDatabaseUrl(),
      schema,
      entities: [SmokeShipment],
      synchronize: true,
    });
    await dataSource.initialize();
    try {
      const repo = dataSource.getRepository(SmokeShipment);
      await repo.save({ shipmentId: 'SH-1', status: 'IN_TRANSIT' });
      expect(await repo.findOneByOrFail({ shipmentId: 'SH-1' })).toEqual({ shipmentId: 'SH-1', status: 'IN_TRANSIT' });
    } finally {
      await dataSource.destroy();
      await drop();
    }
  });
});
