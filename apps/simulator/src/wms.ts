import type { Consumer, Kafka } from 'kafkajs';
import type { CancelWarehouseOrder, ReleaseOrderToWarehouse, WmsCommandsV1Record } from '@lading/contracts';
import type { AvroSerde } from '@lading/schema-registry';
import {
  createWarehouseSimulator,
  type ReleaseOrderToWarehouseCommand,
  type SimulatedFact,
  type SimulatedWorld,
  type WarehouseOrderView,
  type WmsFact,
} from '@lading/simulator-core';
import { createStopSignal, type SimulationClock } from './clock';
import type { SimulatorConfig } from './config';
import type { Logger } from './logger';
import type { SimulatorMetrics } from './metrics';
import type { RecordPublisher } from './publisher';
import { cancelCommandsFrom, releaseCommandFrom, warehouseOrderIdFor, wmsRecordsFor, type OutboundRecord, type ReleasedWarehouseOrder } from './simulator.mapper';

export const WMS_COMMANDS_TOPIC = 'wms.commands.v1';

export interface WmsProgress {
  commandsHandled: number;
  factsPublished: number;
  shipments: number;
  openWarehouseOrders: number;
}

export interface StockLevel {
  tenantId: string;
  siteId: string;
  sku: string;
  onHand: number;
  allocated: number;
}

export interface SimulatedWms {
  readonly progress: WmsProgress;
  /** True once the opening stock and site statuses are out and the consumer has joined its group. */
  ready(): boolean;
  warehouseOrders(tenantId?: string): WarehouseOrderView[];
  stock(tenantId?: string): StockLevel[];
  /** Settles after `stop`; rejects when publishing fails for good. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const TICK_MS = 100;
const OPEN: ReadonlySet<WarehouseOrderView['status']> = new Set(['RECEIVED', 'ACCEPTED']);
const UNFINISHED: ReadonlySet<WarehouseOrderView['status']> = new Set(['RECEIVED', 'ACCEPTED', 'PICKED', 'PACKED']);

/**
 * A new group starts at the current end of wms.commands.v1, committed before it joins: with
 * "latest" left to the first fetch, a command sent right after the join could land before the
 * offset is resolved and be skipped. A group that has committed before resumes where it was.
 */
async function startNewGroupAtEnd(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [WMS_COMMANDS_TOPIC] });
    if (committed && committed.partitions.some((p) => p.offset !== '-1')) return;
    const ends = await admin.fetchTopicOffsets(WMS_COMMANDS_TOPIC);
    await admin.setOffsets({ groupId, topic: WMS_COMMANDS_TOPIC, partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })) });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The WMS as an adapter sees it: publishes its opening stock and site statuses, takes release
 * and cancel commands from wms.commands.v1 (only for the tenants it serves), and publishes the
 * model's answers when their simulated time comes due. The model is in memory: a restarted
 * WMS starts from fresh stock and answers only commands that arrive after it joined.
 */
export async function startWms(options: {
  config: SimulatorConfig;
  world: SimulatedWorld;
  clock: SimulationClock;
  kafka: Kafka;
  serde: AvroSerde;
  publisher: RecordPublisher;
  metrics: SimulatorMetrics;
  logger: Logger;
}): Promise<SimulatedWms> {
  const { config, world, clock, kafka, serde, publisher, metrics, logger } = options;
  const iso = (ms: number) => new Date(ms).toISOString();
  const model = createWarehouseSimulator({
    seed: config.seed,
    world,
    startAt: iso(clock.startedAt),
    shortageRate: config.shortageRate,
    outOfStockRate: config.outOfStockRate,
    siteClosureRate: config.siteClosureRate,
    ...(config.restock ? {} : { restock: false as const }),
  });
  const tenantIds = world.tenants.map((t) => t.tenantId);
  const served = new Set(tenantIds);
  const catalogueUnits = new Map(world.tenants.map((t) => [t.tenantId, new Map(t.catalogue.map((item) => [item.sku, item.unitOfMeasure as string]))]));
  const sites = new Map(world.sites.map((site) => [site.siteId, site]));

  // The adapter's own bookkeeping around the model: which command made which warehouse order.
  const released = new Map<string, ReleasedWarehouseOrder>();
  // Keyed by tenant and order: a cancel must never reach another tenant's warehouse orders.
  const warehouseOrderIdsByOrder = new Map<string, string[]>();
  const orderKey = (tenantId: string, orderId: string) => `${tenantId}/${orderId}`;
  const warehouseOrderIdByCommand = new Map<string, string>();
  const allocated = new Map<string, number>();
  const allocating = new Map<string, ReleaseOrderToWarehouseCommand>();
  const releasedToday = new Map<string, { day: string; count: number }>();
  // Walking every order ever received each tick would grow without bound; only unfinished ones are checked.
  const unfinished = new Set<string>();
  const stockKey = (tenantId: string, siteId: string, sku: string) => `${tenantId}/${siteId}/${sku}`;
  const localDay = (siteId: string, at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: sites.get(siteId)?.timeZone ?? 'UTC' }).format(at);

  const progress: WmsProgress = { commandsHandled: 0, factsPublished: 0, shipments: 0, openWarehouseOrders: 0 };
  const signal = createStopSignal();
  let joined = false;
  let opened = false;

  const allocate = (command: ReleaseOrderToWarehouseCommand, sign: 1 | -1) => {
    for (const line of command.lines) {
      const key = stockKey(command.tenantId, command.siteId, line.sku);
      allocated.set(key, Math.max(0, Math.round(((allocated.get(key) ?? 0) + sign * line.quantity) * 1000) / 1000));
    }
  };

  /** Stock stays allocated until the pick takes it (or a cancel or an empty pick frees it). */
  const settleAllocations = () => {
    for (const [warehouseOrderId, command] of allocating) {
      if (OPEN.has(model.warehouseOrder(warehouseOrderId)?.status ?? 'CANCELLED')) continue;
      allocate(command, -1);
      allocating.delete(warehouseOrderId);
    }
  };

  const context = (occurredAt: number) => ({
    occurredAt,
    tenantIds,
    warehouseOrder: (id: string) => released.get(id),
    allocated: (tenantId: string, siteId: string, sku: string) => allocated.get(stockKey(tenantId, siteId, sku)) ?? 0,
    ordersReleasedToday: (_tenantId: string, siteId: string) => {
      const today = releasedToday.get(siteId);
      return today && today.day === localDay(siteId, clock.simulatedAt(occurredAt)) ? today.count : 0;
    },
  });

  const publishFacts = async (facts: SimulatedFact<WmsFact>[]) => {
    if (facts.length === 0) return;
    settleAllocations();
    const records: OutboundRecord[] = [];
    for (const published of facts) {
      const mapping = wmsRecordsFor(published, context(clock.wallClockAt(Date.parse(published.at))));
      if ('unpublishable' in mapping) metrics.unpublishableFacts.inc({ fact_type: mapping.unpublishable });
      records.push(...mapping.records);
      if (published.fact.type === 'OrderShipped') progress.shipments++;
    }
    await publisher.publish('WMS', records);
    progress.factsPublished += records.length;
  };

  /** False when the command was ignored (and counted as such), so it is not also counted as handled. */
  const ignored = (reason: string) => {
    metrics.commandsIgnored.inc({ reason });
    return false;
  };

  const handleRelease = (value: ReleaseOrderToWarehouse): boolean => {
    const known = warehouseOrderIdByCommand.get(value.meta.eventId);
    if (known) return ignored('redelivered');
    // A backorder is released again under the same order id: each release is a warehouse order of its own.
    const ids = warehouseOrderIdsByOrder.get(orderKey(value.meta.tenantId, value.orderId)) ?? [];
    const warehouseOrderId = warehouseOrderIdFor(value, ids.length);
    // Lading's id names one warehouse order for good: a second command for it (a re-sent release
    // under a new event id, or another order's id by mistake) must not start a second one.
    const existing = released.get(warehouseOrderId);
    if (existing) {
      if (existing.tenantId !== value.meta.tenantId || existing.orderId !== value.orderId)
        logger.warn('wms ignored a release naming a warehouse order of another order', { warehouseOrderId, orderId: value.orderId, tenantId: value.meta.tenantId });
      return ignored('known_warehouse_order');
    }
    const command = releaseCommandFrom(value, warehouseOrderId, (sku) => catalogueUnits.get(value.meta.tenantId)?.get(sku));
    ids.push(warehouseOrderId);
    warehouseOrderIdsByOrder.set(orderKey(value.meta.tenantId, value.orderId), ids);
    warehouseOrderIdByCommand.set(value.meta.eventId, warehouseOrderId);
    released.set(warehouseOrderId, { commandEventId: value.meta.eventId, correlationId: value.meta.correlationId, tenantId: value.meta.tenantId, orderId: value.orderId, lines: value.lines });
    const now = clock.simulatedAt();
    model.handle(command, iso(now));
    allocate(command, 1);
    allocating.set(warehouseOrderId, command);
    unfinished.add(warehouseOrderId);
    const day = localDay(value.siteId, now);
    const today = releasedToday.get(value.siteId);
    releasedToday.set(value.siteId, { day, count: today && today.day === day ? today.count + 1 : 1 });
    return true;
  };

  const handleCancel = (value: CancelWarehouseOrder): boolean => {
    const ids = warehouseOrderIdsByOrder.get(orderKey(value.meta.tenantId, value.orderId)) ?? [];
    if (ids.length === 0) return ignored('unknown_order');
    const commands = cancelCommandsFrom(value, ids);
    if (commands.length === 0) return ignored('unknown_warehouse_order');
    for (const command of commands) model.handle(command, iso(clock.simulatedAt()));
    return true;
  };

  const consumer: Consumer = kafka.consumer({ groupId: config.wmsGroupId, allowAutoTopicCreation: false });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });

  // Opening stock and site statuses first: order-release needs them before the first release.
  await publishFacts(model.start());
  opened = true;
  logger.info('wms published opening stock and site statuses', { tenants: tenantIds.length, sites: world.sites.length, facts: progress.factsPublished });

  await startNewGroupAtEnd(kafka, config.wmsGroupId);
  await consumer.connect();
  await consumer.subscribe({ topic: WMS_COMMANDS_TOPIC, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      if (!message.value) return void metrics.commandsIgnored.inc({ reason: 'tombstone' });
      let record: WmsCommandsV1Record;
      try {
        record = (await serde.decode(WMS_COMMANDS_TOPIC, message.value)) as WmsCommandsV1Record;
      } catch (error) {
        metrics.commandsIgnored.inc({ reason: 'undecodable' });
        return logger.warn('wms skipped an undecodable command', { partition, offset: message.offset, error });
      }
      if (!served.has(record.value.meta.tenantId)) return void metrics.commandsIgnored.inc({ reason: 'other_tenant' });
      switch (record.recordType) {
        case 'lading.commands.ReleaseOrderToWarehouse':
          if (!handleRelease(record.value)) return;
          break;
        case 'lading.commands.CancelWarehouseOrder':
          if (!handleCancel(record.value)) return;
          break;
        case 'lading.commands.ExpectReturn':
          return void metrics.commandsIgnored.inc({ reason: 'not_simulated' });
      }
      metrics.commandsHandled.inc({ record_type: record.recordType });
      progress.commandsHandled++;
    },
  });

  const countUnfinished = () => {
    for (const id of unfinished) if (!UNFINISHED.has(model.warehouseOrder(id)?.status ?? 'CANCELLED')) unfinished.delete(id);
    return unfinished.size;
  };

  const run = async () => {
    while (!signal.stopped()) {
      await publishFacts(model.advanceTo(iso(clock.simulatedAt())));
      progress.openWarehouseOrders = countUnfinished();
      metrics.openWarehouseOrders.set(progress.openWarehouseOrders);
      await signal.sleep(TICK_MS);
    }
  };

  const done = run();
  return {
    progress,
    ready: () => opened && joined,
    warehouseOrders: (tenantId) => model.warehouseOrders().filter((order) => tenantId === undefined || order.tenantId === tenantId),
    stock(tenantId) {
      const levels: StockLevel[] = [];
      for (const tenant of world.tenants) {
        if (tenantId !== undefined && tenant.tenantId !== tenantId) continue;
        for (const site of world.sites)
          for (const item of tenant.catalogue)
            levels.push({
              tenantId: tenant.tenantId,
              siteId: site.siteId,
              sku: item.sku,
              onHand: model.stockOnHand(tenant.tenantId, site.siteId, item.sku),
              allocated: allocated.get(stockKey(tenant.tenantId, site.siteId, item.sku)) ?? 0,
            });
      }
      return levels;
    },
    done,
    async stop() {
      signal.stop();
      await done.catch(() => undefined);
      await consumer.disconnect();
    },
  };
}
