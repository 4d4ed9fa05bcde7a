import type { Consumer, Kafka } from 'kafkajs';
import type { WmsCommandsV1Record } from '@lading/contracts';
import type { AvroSerde } from '@lading/schema-registry';
import { createWarehouseSimulator, type SimulatedFact, type SimulatedWorld, type WarehouseOrderView, type WmsFact } from '@lading/simulator-core';
import { createStopSignal, type SimulationClock } from './clock';
import type { SimulatorConfig } from './config';
import type { Logger } from './logger';
import type { SimulatorMetrics } from './metrics';
import type { RecordPublisher } from './publisher';
import { wmsRecordsFor, type OutboundRecord } from './simulator.mapper';
import { createWmsBookkeeping, type StockLevel } from './wms.bookkeeping';

export const WMS_COMMANDS_TOPIC = 'wms.commands.v1';

export interface WmsProgress {
  commandsHandled: number;
  factsPublished: number;
  shipments: number;
  openWarehouseOrders: number;
}

export type { StockLevel };

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
  const bookkeeping = createWmsBookkeeping({ model, world, clock, logger });
  const progress: WmsProgress = { commandsHandled: 0, factsPublished: 0, shipments: 0, openWarehouseOrders: 0 };
  const signal = createStopSignal();
  let joined = false;
  let opened = false;

  const publishFacts = async (facts: SimulatedFact<WmsFact>[]) => {
    if (facts.length === 0) return;
    bookkeeping.settleAllocations();
    const records: OutboundRecord[] = [];
    for (const published of facts) {
      const mapping = wmsRecordsFor(published, bookkeeping.context(clock.wallClockAt(Date.parse(published.at))));
      if ('unpublishable' in mapping) metrics.unpublishableFacts.inc({ fact_type: mapping.unpublishable });
      records.push(...mapping.records);
      if (published.fact.type === 'OrderShipped') progress.shipments++;
    }
    await publisher.publish('WMS', records);
    progress.factsPublished += records.length;
  };

  const consumer: Consumer = kafka.consumer({ groupId: config.wmsGroupId, allowAutoTopicCreation: false });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });

  // Opening stock and site statuses first: order-release needs them before the first release.
  await publishFacts(model.start());
  opened = true;
  logger.info('wms published opening stock and site statuses', { tenants: world.tenants.length, sites: world.sites.length, facts: progress.factsPublished });

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
      const outcome = bookkeeping.handle(record);
      if (!outcome.handled) return void metrics.commandsIgnored.inc({ reason: outcome.reason });
      metrics.commandsHandled.inc({ record_type: record.recordType });
      progress.commandsHandled++;
    },
  });

  const run = async () => {
    while (!signal.stopped()) {
      await publishFacts(model.advanceTo(iso(clock.simulatedAt())));
      progress.openWarehouseOrders = bookkeeping.openWarehouseOrders();
      metrics.openWarehouseOrders.set(progress.openWarehouseOrders);
      await signal.sleep(TICK_MS);
    }
  };

  const done = run();
  return {
    progress,
    ready: () => opened && joined,
    warehouseOrders: (tenantId) => bookkeeping.warehouseOrders(tenantId),
    stock: (tenantId) => bookkeeping.stock(tenantId),
    done,
    async stop() {
      signal.stop();
      await done.catch(() => undefined);
      await consumer.disconnect();
    },
  };
}
