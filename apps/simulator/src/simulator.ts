import { Kafka } from 'kafkajs';
import { recoveringProducer } from '@lading/messaging';
import { createAvroSerde, type AvroSerde } from '@lading/schema-registry';
import type { SimulatedWorld } from '@lading/simulator-core';
import { createSimulationClock, type SimulationClock } from './clock';
import type { SimulatorConfig } from './config';
import { startErp, type SimulatedErp } from './erp';
import { startHttpServer, type SimulatorHttpServer } from './http';
import { createLogger, kafkaLogCreator, type Logger } from './logger';
import { createSimulatorMetrics, type SimulatorMetrics } from './metrics';
import { createRecordPublisher } from './publisher';
import { startWms, type SimulatedWms } from './wms';
import { worldOf } from './world';

export interface Simulator {
  readonly config: SimulatorConfig;
  readonly world: SimulatedWorld;
  readonly clock: SimulationClock;
  readonly metrics: SimulatorMetrics;
  readonly erp?: SimulatedErp;
  readonly wms?: SimulatedWms;
  readonly http: SimulatorHttpServer;
  ready(): boolean;
  /** Stops producing, stops the WMS consumer, disconnects, closes HTTP. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the simulated ERP and/or WMS against Kafka the way an external adapter would: plain
 * kafkajs (idempotent producer, acks=all, no topic auto-creation) and the Avro serde.
 */
export async function startSimulator(config: SimulatorConfig, options: { logger?: Logger; serde?: AvroSerde } = {}): Promise<Simulator> {
  const logger = options.logger ?? createLogger();
  const metrics = createSimulatorMetrics();
  const world = worldOf(config);
  const clock = createSimulationClock(config.timeScale);
  const kafka = new Kafka({ clientId: config.clientId, brokers: config.kafkaBrokers, logCreator: kafkaLogCreator(logger) });
  const serde = options.serde ?? createAvroSerde({ registryUrl: config.schemaRegistryUrl });
  // murmur2 like the Java client, so a key lands on the partition any other adapter would pick;
  // sends checked for a full acknowledgement, a producer out of step replaced (kafkajs pitfalls)
  const producer = recoveringProducer(kafka, { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }, (error) =>
    logger.warn('Kafka producer out of step with the broker; a new one takes over', { error: String(error) }),
  );

  let erp: SimulatedErp | undefined;
  let wms: SimulatedWms | undefined;
  let started = false;
  const http = await startHttpServer({ port: config.httpPort, registry: metrics.registry, ready: () => started && (wms?.ready() ?? true), wms: () => wms, logger });

  const stopParts = async () => {
    await erp?.stop();
    await wms?.stop();
    await producer.disconnect();
  };
  try {
    await producer.connect();
    const publisher = createRecordPublisher(producer, serde, metrics, logger);
    // The WMS first: its opening stock and site statuses should be out before the first order.
    if (config.wms) wms = await startWms({ config, world, clock, kafka, serde, publisher, metrics, logger });
    if (config.erp) erp = startErp({ config, world, clock, publisher, logger });
    started = true;
  } catch (error) {
    await stopParts().catch(() => undefined);
    await http.close();
    throw error;
  }
  logger.info('simulator started', {
    systems: [config.erp && 'ERP', config.wms && 'WMS'].filter(Boolean),
    tenants: world.tenants.map((t) => t.tenantId),
    seed: config.seed,
    ordersPerSecond: config.ordersPerSecond === 0 ? 'as fast as possible' : config.ordersPerSecond,
    orders: config.orders ?? 'endless',
    timeScale: config.timeScale,
    httpPort: http.port,
  });

  const progressTimer = setInterval(() => {
    logger.info('progress', {
      simulatedTime: new Date(clock.simulatedAt()).toISOString(),
      ...(erp ? { ordersPlaced: erp.progress.ordersPlaced, erpFactsPublished: erp.progress.factsPublished, erpFinished: erp.progress.finished } : {}),
      ...(wms ? { commandsHandled: wms.progress.commandsHandled, wmsFactsPublished: wms.progress.factsPublished, shipments: wms.progress.shipments, openWarehouseOrders: wms.progress.openWarehouseOrders } : {}),
    });
  }, config.progressIntervalSeconds * 1000);
  progressTimer.unref();

  let stopping: Promise<void> | undefined;
  return {
    config,
    world,
    clock,
    metrics,
    erp,
    wms,
    http,
    ready: () => started && (wms?.ready() ?? true),
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(progressTimer);
        await stopParts();
        await http.close();
        logger.info('simulator stopped', { ordersPlaced: erp?.progress.ordersPlaced, commandsHandled: wms?.progress.commandsHandled, shipments: wms?.progress.shipments });
      })()),
  };
}
