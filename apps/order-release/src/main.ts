import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { keyOf, topicCatalog } from '@lading/contracts';
import {
  createEventStore,
  createOutboxRelay,
  createGroupCommitter,
  createTimerPoller,
  groupCommitUnitOfWork,
  migrateEventStore,
  type StoredEvent,
} from '@lading/event-store';
import { createEventProducer, createJsonLogger, createKafkaClient, createMessagingMetrics, KafkaTransport, NestJsonLogger } from '@lading/messaging';
import { ORDER_RELEASE_STREAM_TYPE, type OrderReleaseMessage } from '@lading/order-release-domain';
import { createAvroSerde } from '@lading/schema-registry';
import { OrderReleaseModule } from './app.module';
import { ConfigError, loadConfig, type OrderReleaseConfig } from './config';
import { outgoingRecordsFor, PUBLISHED_ORDER_RELEASE_EVENTS, type StoredOrderReleaseEvent } from './order-release.mapper';
import { createReleaseReadModels, migrateOrderRelease } from './release-context';
import { createReleaseActivity } from './release-activity';
import { createReleaseOrders, ORDER_RELEASE_TIMERS, type ReevaluateHeldOrder, type ReleaseInput } from './release-orders';

/** Every topic order-release consumes: the topic catalog names it among the consumers. */
export const ORDER_RELEASE_TOPICS = topicCatalog.filter((t) => t.consumedBy.includes('order-release')).map((t) => t.name);

export interface RunningOrderRelease {
  app: INestApplication;
  url: string;
  transport: KafkaTransport;
  stop(): Promise<void>;
}

function toStoredOrderReleaseEvent(e: StoredEvent<OrderReleaseMessage>): StoredOrderReleaseEvent {
  const occurredAt = typeof e.metadata.occurredAt === 'string' ? Date.parse(e.metadata.occurredAt) : undefined;
  return {
    eventId: e.eventId,
    eventType: e.eventType,
    streamId: e.streamId,
    tenantId: e.tenantId,
    payload: e.payload,
    metadata: {
      correlationId: e.metadata.correlationId ?? e.streamId,
      causationId: e.metadata.causationId ?? null,
      ...(occurredAt !== undefined && !Number.isNaN(occurredAt) ? { occurredAt } : {}),
      ...(e.metadata.traceparent ? { traceparent: e.metadata.traceparent } : {}),
    },
    recordedAt: e.recordedAt,
  };
}

/**
 * Starts one order-release instance: migrations (idempotent, safe to race), the Kafka
 * transport (consumer group), the outbox relay (one active per cluster, leader-elected), the
 * timer poller and the HTTP API. Instances scale by running more of them.
 */
export async function startOrderRelease(config: OrderReleaseConfig = loadConfig()): Promise<RunningOrderRelease> {
  const logger = createJsonLogger({ level: config.logLevel, bindings: { service: 'order-release', instance: config.instanceId } });
  const now = () => new Date();
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'order-release' });
  collectDefaultMetrics({ register: registry });

  await migrateEventStore({ connectionString: config.databaseUrl, schema: config.eventStoreSchema });
  const pool = new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize, application_name: `order-release ${config.instanceId}` });
  await migrateOrderRelease(pool, config.readModelSchema);
  const store = createEventStore({ pool, schema: config.eventStoreSchema, now });
  // Counted when the handler returns, before its transaction commits: a rolled-back decision
  // is counted again when it is retried. Good enough for a rate; the event store is the record.
  const activity = createReleaseActivity(registry);
  const releaseOrders = createReleaseOrders(createReleaseReadModels({ schema: config.readModelSchema }), activity);
  const activityLog = setInterval(() => {
    const window = activity.drain();
    if (window) logger.info('order-release decisions in the last 10 s', window);
  }, 10_000);
  activityLog.unref();
  const sweep = setInterval(() => {
    store.transaction((tx) => releaseOrders.sweepHeldOrders(tx, now())).then(
      (scheduled) => scheduled > 0 && logger.debug('held orders with stock on hand scheduled for re-evaluation', { scheduled }),
      (error) => logger.warn('held-order sweep failed; the next one retries', { error }),
    );
  }, config.sweepSeconds * 1000);
  sweep.unref();

  const kafka = createKafkaClient({ clientId: `order-release-${config.instanceId}`, brokers: config.kafkaBrokers, logger });
  const serde = createAvroSerde({ registryUrl: config.schemaRegistryUrl });
  const metrics = createMessagingMetrics(registry);
  const producer = createEventProducer({ kafka, serde, keyOf, metrics });
  await producer.connect();

  const relay = createOutboxRelay({
    store,
    name: 'order-release',
    streamTypes: [ORDER_RELEASE_STREAM_TYPE],
    eventTypes: PUBLISHED_ORDER_RELEASE_EVENTS,
    registry,
    logger,
    publish: async (events) => {
      const records = events.flatMap((e) => outgoingRecordsFor(toStoredOrderReleaseEvent(e as StoredEvent<OrderReleaseMessage>)));
      await producer.publishAll(records.map(({ topic, recordType, value, headers }) => ({ topic, recordType, value, traceparent: headers.traceparent })));
    },
  });
  // Due re-evaluations are decided together, oldest first, as one unit (their rows locked once,
  // in the common order): a wave of wake-ups after a restock costs a few statements per batch.
  const timers = createTimerPoller<ReevaluateHeldOrder>({
    store,
    logger,
    batchSize: config.unitOfWorkSize,
    pollIntervalMs: 200,
    timerIdPrefix: ORDER_RELEASE_TIMERS,
    fireAll: async (due, tx) => {
      await releaseOrders.onReevaluateHeldOrders(tx, due.map((timer) => timer.command), now());
    },
  });

  const releaseCommitter = createGroupCommitter<ReleaseInput>({
    store,
    logger,
    maxInputs: config.groupCommitSize,
    // A unit is one partition of one topic, so one kind of input. Decisions and facts lock rows
    // in different orders: they never share a transaction.
    groupOf: (inputs) => inputs[0]?.kind ?? '',
    handle: (tx, inputs) => releaseOrders.handle(tx, inputs, now()),
  });
  const transport = new KafkaTransport({
    kafka,
    groupId: config.groupId,
    topics: ORDER_RELEASE_TOPICS,
    serde,
    metrics,
    logger,
    fromBeginning: config.fromBeginning,
    createFailureTopics: true,
    // Each lane's unit holds up to unitOfWorkSize messages of its partition; the committer
    // decides every waiting unit together, one transaction at a time.
    unitOfWork: groupCommitUnitOfWork(releaseCommitter, { maxMessages: config.unitOfWorkSize }),
  });

  const app = await NestFactory.create(
    OrderReleaseModule.register({
      store,
      apiKeys: config.apiKeys,
      registry,
      readiness: [{ name: 'kafka-consumer', isReady: () => transport.isReady() }],
    }),
    { logger: new NestJsonLogger(logger), bufferLogs: false },
  );
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.httpPort, '0.0.0.0');
  await relay.start();
  await timers.start();
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  logger.info('order-release started', { url, groupId: config.groupId, topics: ORDER_RELEASE_TOPICS });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('order-release stopping');
      clearInterval(activityLog);
      clearInterval(sweep);
      await timers.stop();
      await app.close(); // drains the transport: finishes the in-flight message, commits, leaves the group
      await relay.stop();
      await producer.disconnect();
      await pool.end();
      logger.info('order-release stopped');
    })());
  return { app, url, transport, stop };
}

if (require.main === module) {
  let config: OrderReleaseConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`order-release: ${(error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  startOrderRelease(config).then(
    (running) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => void running.stop().then(() => process.exit(0), () => process.exit(1)));
      }
    },
    (error) => {
      process.stderr.write(`${JSON.stringify({ level: 'error', time: new Date().toISOString(), service: 'order-release', msg: 'failed to start', error: String(error?.stack ?? error) })}\n`);
      process.exit(1);
    },
  );
}
