import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { keyOf, type OrderPlaced, type ReleaseOrderToWarehouse, type WarehouseStatusChanged, type WmsFulfilmentV1Record } from '@lading/contracts';
import { createAvroSerde, ensureTopics } from '@lading/schema-registry';
import { testKafka, testKafkaBrokers, testSchemaRegistryUrl, uniqueName, waitUntil } from '@lading/testing';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startSimulator, type Simulator } from './simulator';

/**
 * The simulator in-process against the shared broker. The topics are the catalog's, shared with
 * everyone: this run's tenants carry a unique prefix, its WMS a unique group, and the collectors
 * start at the topics' current end and keep only this run's tenants.
 */
describe('simulator on the real broker', () => {
  const serde = createAvroSerde({ registryUrl: testSchemaRegistryUrl() });
  const prefix = `${uniqueName('sim')}-`;
  const logs: string[] = [];
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];
  let simulator: Simulator;

  /** Decoded records of this run's tenants on `topic`, from its end as of now. */
  async function collect<V extends { meta: { tenantId: string } }>(topic: string): Promise<{ recordType: string; value: V }[]> {
    const groupId = uniqueName('sim-collector');
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })) });
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    consumers.push(consumer);
    const records: { recordType: string; value: V }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { recordType, value } = await serde.decode(topic, message.value!);
        if ((value as V).meta.tenantId.startsWith(prefix)) records.push({ recordType, value: value as V });
      },
    });
    return records;
  }

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await simulator?.stop();
    await Promise.all(consumers.map((c) => c.disconnect()));
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('places orders on erp.orders.v1 and answers a release with accepted, picked, packed, shipped', async () => {
    const orders = await collect<OrderPlaced>('erp.orders.v1');
    const fulfilment = await collect<WmsFulfilmentV1Record['value']>('wms.fulfilment.v1');
    const sites = await collect<WarehouseStatusChanged>('wms.sites.v1');
    const config = loadConfig(
      ['--tenant-prefix', prefix, '--wms-group', uniqueName('sim-wms'), '--http-port', '0', '--tenants', '2', '--seed', '7'],
      {
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        SIMULATOR_ORDERS: '6',
        SIMULATOR_ORDERS_PER_SECOND: '0',
        // An hour of warehouse work per wall-clock second: the slowest ship (4 h) takes 4 s.
        SIMULATOR_TIME_SCALE: '3600',
        SIMULATOR_SHORTAGE_RATE: '0',
        SIMULATOR_OUT_OF_STOCK_RATE: '0',
        SIMULATOR_AMENDMENT_RATE: '0',
        SIMULATOR_CANCELLATION_RATE: '0',
        SIMULATOR_INVALID_ORDER_RATE: '0',
      },
    );
    simulator = await startSimulator(config, { logger: createLogger('simulator', (line) => logs.push(line)) });
    await waitUntil('simulator ready', () => simulator.ready());
    const base = `http://127.0.0.1:${simulator.http.port}`;
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    const placed = await waitUntil('6 orders placed', () => {
      const found = orders.filter((r) => r.recordType === 'lading.erp.OrderPlaced');
      return found.length >= 6 && found;
    });
    expect(new Set(placed.map((r) => r.value.meta.tenantId))).toEqual(new Set(simulator.world.tenants.map((t) => t.tenantId)));
    for (const { value } of placed) {
      expect(value.meta).toMatchObject({ correlationId: value.orderId, sourceSystem: 'ERP', causationId: null });
      expect(value.lines.length).toBeGreaterThan(0);
      expect(['SHIP_COMPLETE', 'ALLOW_PARTIAL']).toContain(value.fulfilmentPolicy);
    }
    // The night shift's window crosses midnight: its opening is published beside its cut-off.
    const nightShift = await waitUntil('US-IL1 status published', () => sites.find((r) => r.value.siteId === 'US-IL1'));
    expect(nightShift.value).toMatchObject({ releaseWindowOpensAt: 14 * 3_600_000, cutOffLocalTime: 2 * 3_600_000 });

    const order = placed[0].value;
    const release: ReleaseOrderToWarehouse = {
      meta: { eventId: randomUUID(), tenantId: order.meta.tenantId, correlationId: order.orderId, causationId: order.meta.eventId, occurredAt: Date.now(), recordedAt: null, sourceSystem: 'ORDER_RELEASE', schemaVersion: 2 },
      orderId: order.orderId,
      siteId: order.siteId,
      lines: order.lines,
      shipTo: order.shipTo,
      promisedDeliveryAt: order.promisedDeliveryAt,
      warehouseOrderId: `${order.orderId}-R1`,
    };
    // The same warehouse order released again under a new event id must not become a second one.
    const resent: ReleaseOrderToWarehouse = { ...release, meta: { ...release.meta, eventId: randomUUID() } };
    await producer.send({
      topic: 'wms.commands.v1',
      acks: -1,
      messages: await Promise.all(
        [release, resent].map(async (command) => ({ key: keyOf('wms.commands.v1', command), value: await serde.encode('wms.commands.v1', 'lading.commands.ReleaseOrderToWarehouse', command) })),
      ),
    });

    const answers = await waitUntil(
      `the order shipped (have ${fulfilment.length} answers)`,
      () => {
        const mine = fulfilment.filter((r) => r.value.orderId === order.orderId);
        return mine.some((r) => r.recordType === 'lading.wms.OrderShipped') && mine;
      },
      { timeoutMs: 30_000 },
    );
    expect(answers.map((r) => r.recordType)).toEqual(['lading.wms.WarehouseOrderAccepted', 'lading.wms.OrderPicked', 'lading.wms.OrderPacked', 'lading.wms.OrderShipped']);
    for (const { value } of answers) {
      expect(value.meta).toMatchObject({ tenantId: order.meta.tenantId, correlationId: order.orderId, causationId: release.meta.eventId, sourceSystem: 'WMS' });
      expect(value.warehouseOrderId).toBe(`${order.orderId}-R1`);
    }

    const view = (await (await fetch(`${base}/wms/orders?tenantId=${order.meta.tenantId}`)).json()) as { orderId: string; warehouseOrderId: string; status: string }[];
    expect(view).toEqual([expect.objectContaining({ orderId: order.orderId, warehouseOrderId: `${order.orderId}-R1`, status: 'SHIPPED' })]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/lading_simulator_commands_handled_total\{record_type="lading.commands.ReleaseOrderToWarehouse"\} 1\n/);
    expect(metrics).toMatch(/lading_simulator_commands_ignored_total\{reason="known_warehouse_order"\} 1\n/);
    expect(metrics).toMatch(/lading_simulator_facts_published_total\{system="ERP",record_type="lading.erp.OrderPlaced"\} 6/);
    expect(logs.some((line) => JSON.parse(line).msg === 'simulator started')).toBe(true);
  });
});
