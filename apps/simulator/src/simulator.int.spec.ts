import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import {
  keyOf,
  type CancelWarehouseOrder,
  type InventoryLevelChanged,
  type OrderPlaced,
  type ReleaseOrderToWarehouse,
  type WarehouseStatusChanged,
  type WmsFulfilmentV1Record,
} from '@lading/contracts';
import { SiteDirectory } from '@lading/tenancy';
import { createAvroSerde, ensureTopics } from '@lading/schema-registry';
import { testKafka, testKafkaBrokers, testSchemaRegistryUrl, uniqueName, waitUntil } from '@lading/testing';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startSimulator, type Simulator } from './simulator';
import { toContractAddress, toContractUnit } from './simulator.mapper';
import { ladingSitesFor } from './world';

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
  let orders: { recordType: string; value: OrderPlaced }[];
  let fulfilment: { recordType: string; value: WmsFulfilmentV1Record['value'] }[];
  let sites: { recordType: string; value: WarehouseStatusChanged }[];
  let inventory: { recordType: string; value: InventoryLevelChanged }[];
  let base: string;

  async function sendCommands(commands: { recordType: 'lading.commands.ReleaseOrderToWarehouse' | 'lading.commands.CancelWarehouseOrder'; value: ReleaseOrderToWarehouse | CancelWarehouseOrder }[]) {
    await producer.send({
      topic: 'wms.commands.v1',
      acks: -1,
      messages: await Promise.all(commands.map(async ({ recordType, value }) => ({ key: keyOf('wms.commands.v1', value), value: await serde.encode('wms.commands.v1', recordType, value) }))),
    });
  }

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
    orders = await collect<OrderPlaced>('erp.orders.v1');
    fulfilment = await collect<WmsFulfilmentV1Record['value']>('wms.fulfilment.v1');
    sites = await collect<WarehouseStatusChanged>('wms.sites.v1');
    inventory = await collect<InventoryLevelChanged>('wms.inventory.v2');
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
    base = `http://127.0.0.1:${simulator.http.port}`;
  });

  afterAll(async () => {
    await simulator?.stop();
    await Promise.all(consumers.map((c) => c.disconnect()));
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('publishes one status per site by its operator, and every tenant’s opening stock on wms.inventory.v2 under its own key', async () => {
    const operator = `${prefix}sim-3pl`;
    const statuses = await waitUntil('every site’s status', () => sites.length >= simulator.world.sites.length && sites);
    expect(statuses.map((r) => r.value.siteId).sort()).toEqual(simulator.world.sites.map((site) => site.siteId).sort());
    for (const { value } of statuses) expect(value.meta).toMatchObject({ tenantId: operator, correlationId: value.siteId, sourceSystem: 'WMS' });
    // The services are told the same: the operator reports every site, which serves both tenants.
    const directory = SiteDirectory.parse(ladingSitesFor(simulator.config));
    for (const site of simulator.world.sites) {
      expect(directory.mayReport(site.siteId, operator)).toBe(true);
      for (const tenant of simulator.world.tenants) expect(directory.serves(site.siteId, tenant.tenantId)).toBe(true);
    }

    const opening = simulator.world.tenants.length * simulator.world.sites.length * simulator.world.tenants[0].catalogue.length;
    const levels = await waitUntil('the opening stock', () => inventory.length >= opening && inventory);
    const keys = levels.map((r) => keyOf('wms.inventory.v2', r.value));
    expect(new Set(keys).size).toBe(keys.length);
    const [a, b] = simulator.world.tenants;
    const shared = a.catalogue.find((item) => b.catalogue.some((other) => other.sku === item.sku))!.sku;
    expect(keys).toEqual(expect.arrayContaining([`${a.tenantId}@${shared}@US-NJ1`, `${b.tenantId}@${shared}@US-NJ1`]));
  });

  it('places orders on erp.orders.v1 and answers a release with accepted, picked, packed, shipped', async () => {
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
    await sendCommands([release, resent].map((value) => ({ recordType: 'lading.commands.ReleaseOrderToWarehouse' as const, value })));

    const answers = await waitUntil(
      `the order shipped (have ${fulfilment.length} answers)`,
      () => {
        // Order numbers repeat across tenants: an answer is the order's only with its tenant.
        const mine = fulfilment.filter((r) => r.value.meta.tenantId === order.meta.tenantId && r.value.orderId === order.orderId);
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

  it('takes two tenants’ releases of one order number, customer and SKU at one site as two warehouse orders, and cancels only B’s', async () => {
    const [a, b] = simulator.world.tenants;
    const item = a.catalogue.find((i) => ['EA', 'PK', 'CS'].includes(i.unitOfMeasure) && b.catalogue.some((other) => other.sku === i.sku))!;
    const orderId = 'SO-TWIN-0000001';
    type Level = { tenantId: string; siteId: string; sku: string; onHand: number };
    const onHand = async (tenantId: string) => ((await (await fetch(`${base}/wms/stock?tenantId=${tenantId}`)).json()) as Level[]).find((l) => l.siteId === 'US-NJ1' && l.sku === item.sku)!.onHand;
    const before = { a: await onHand(a.tenantId), b: await onHand(b.tenantId) };
    const metaOf = (tenantId: string) => ({ eventId: randomUUID(), tenantId, correlationId: orderId, causationId: null, occurredAt: Date.now(), recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 2 });
    const releaseFor = (tenantId: string, quantity: number): ReleaseOrderToWarehouse => ({
      meta: metaOf(tenantId),
      orderId,
      siteId: 'US-NJ1',
      lines: [{ lineNumber: 10, sku: item.sku, quantity: { value: quantity, unit: toContractUnit(item.unitOfMeasure) }, unitPrice: null }],
      // The same customer id (C0001) in both tenants, each with its own address.
      shipTo: toContractAddress(simulator.world.tenants.find((t) => t.tenantId === tenantId)!.customers[0].shipTo),
      promisedDeliveryAt: Date.now() + 86_400_000,
      warehouseOrderId: `${orderId}-R1`,
    });
    const releaseA = releaseFor(a.tenantId, 2);
    const releaseB = releaseFor(b.tenantId, 3);
    const cancelB: CancelWarehouseOrder = { meta: metaOf(b.tenantId), orderId, siteId: 'US-NJ1', reason: 'cancelled in the ERP', warehouseOrderId: `${orderId}-R1` };
    // One key (the order number), one partition: the cancel comes after both releases.
    await sendCommands([
      { recordType: 'lading.commands.ReleaseOrderToWarehouse', value: releaseA },
      { recordType: 'lading.commands.ReleaseOrderToWarehouse', value: releaseB },
      { recordType: 'lading.commands.CancelWarehouseOrder', value: cancelB },
    ]);

    const answersOf = (tenantId: string) => fulfilment.filter((r) => r.value.meta.tenantId === tenantId && r.value.orderId === orderId);
    await waitUntil(
      'A’s shipped and B’s cancelled',
      () => answersOf(a.tenantId).some((r) => r.recordType === 'lading.wms.OrderShipped') && answersOf(b.tenantId).some((r) => r.recordType === 'lading.wms.WarehouseOrderCancelled'),
      { timeoutMs: 30_000 },
    );
    expect(answersOf(a.tenantId).map((r) => r.recordType)).toEqual(['lading.wms.WarehouseOrderAccepted', 'lading.wms.OrderPicked', 'lading.wms.OrderPacked', 'lading.wms.OrderShipped']);
    for (const { value } of answersOf(a.tenantId)) expect(value.meta.causationId).toBe(releaseA.meta.eventId);
    // B's was cancelled before its pick (10 simulated minutes at the earliest): at most accepted first.
    expect(answersOf(b.tenantId).map((r) => r.recordType).filter((t) => t !== 'lading.wms.WarehouseOrderAccepted')).toEqual(['lading.wms.WarehouseOrderCancelled']);
    for (const { value } of answersOf(b.tenantId)) expect(value.meta.causationId).toBe(releaseB.meta.eventId);

    const viewOf = async (tenantId: string) => ((await (await fetch(`${base}/wms/orders?tenantId=${tenantId}`)).json()) as { orderId: string; warehouseOrderId: string; status: string }[]).filter((o) => o.orderId === orderId);
    expect(await viewOf(a.tenantId)).toEqual([expect.objectContaining({ warehouseOrderId: `${orderId}-R1`, status: 'SHIPPED' })]);
    expect(await viewOf(b.tenantId)).toEqual([expect.objectContaining({ warehouseOrderId: `${orderId}-R1`, status: 'CANCELLED' })]);
    expect({ a: await onHand(a.tenantId), b: await onHand(b.tenantId) }).toEqual({ a: before.a - 2, b: before.b });
  });
});
