import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { MessageHandler } from '@nestjs/microservices';
import { keyOf, topicCatalog, type TopicName } from '@lading/contracts';
import { NonRetriableError } from '@lading/errors';
import { createEventStore, createOutboxRelay, createPollingLoop, groupCommitUnitOfWork, migrateEventStore, runMigrations, type GroupCommitUnit } from '@lading/event-store';
import { createEventProducer, createJsonLogger, createKafkaClient, createMessagingMetrics, KafkaTransport, NestJsonLogger, type MessageContext } from '@lading/messaging';
import { createAvroSerde } from '@lading/schema-registry';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadServiceConfig, type ServiceConfig } from '../config/service-config';
import { EVENT_STORE, SERVICE_CONFIG, SERVICE_SETTINGS, ServiceHttpModule, WORKFLOW_RUNTIME } from '../http/service-http.module';
import { createDecisionMetrics } from '../metrics/decision-metrics';
import { createRecordNaming, type PublishedStoredEvent } from '../publishing/published-records';
import { isTenantId, type Cause } from '../workflow/inputs';
import { createWorkflowRuntime, type UnitEntry } from '../workflow/workflow-runtime';
import { createServicePool } from './database-pool';
import type { Inbound, RunningService, ServiceDefinition } from './service-definition';

/**
 * Starts one instance of a service: migrations (event store, then the service's read models;
 * advisory-locked, every instance may race), the Kafka transport (its consumer group), the
 * group-committed workflow runtime, the outbox relay (one leader per cluster), the wake-up
 * poller, the sweeps and the HTTP API with /health, /ready and /metrics. Scale by starting more.
 */
export async function startService<Settings>(
  definition: ServiceDefinition<Settings>,
  options: { env?: Readonly<Record<string, string | undefined>>; config?: Partial<ServiceConfig>; settings?: Partial<Settings> } = {},
): Promise<RunningService<Settings>> {
  const env = options.env ?? process.env;
  const config: ServiceConfig = { ...loadServiceConfig(definition.name, env, { httpPort: definition.httpPort }), ...options.config };
  const settings = { ...(definition.settings?.(env, config) ?? ({} as Settings)), ...options.settings } as Settings;
  const logger = createJsonLogger({ level: config.logLevel, bindings: { service: definition.name, instance: config.instanceId } });
  const now = () => new Date();
  const registry = new Registry();
  registry.setDefaultLabels({ service: definition.name });
  collectDefaultMetrics({ register: registry });
  if (config.sites.isOpen) logger.warn('LADING_SITES is not set: every warehouse site serves every tenant (set it for a multi-tenant installation)');

  const pool = createServicePool(config, logger);
  await migrateEventStore({ pool, schema: config.eventStoreSchema });
  const store = createEventStore({ pool, schema: config.eventStoreSchema, now });
  const naming = createRecordNaming({ namespace: definition.eventIdNamespace, sourceSystem: definition.sourceSystem });
  const parts = await definition.build({ config, settings, store, registry, logger, naming, now });
  if (parts.migrations?.length) {
    await runMigrations(pool, { schema: config.readModelSchema, table: `${config.readModelSchema}_migrations`, migrations: parts.migrations });
  }

  const runtime = createWorkflowRuntime({ service: definition.name, store, workflows: parts.workflows, facts: parts.facts, groupCommitSize: config.groupCommitSize, logger });
  const decisions = createDecisionMetrics(registry, parts.decisionDetails);
  const unsubscribe = store.onCommitted((events) => decisions.record(events));
  const activityLog = setInterval(() => {
    const window = decisions.drain();
    if (window) logger.info(`${definition.name} decisions in the last 10 s`, window);
  }, 10_000);
  activityLog.unref();

  const kafka = createKafkaClient({ clientId: `${definition.name}-${config.instanceId}`, brokers: config.kafkaBrokers, logger });
  const serde = createAvroSerde({ registryUrl: config.schemaRegistryUrl });
  const metrics = createMessagingMetrics(registry);
  const producer = createEventProducer({ kafka, serde, keyOf, metrics });
  await producer.connect();

  const publish = parts.publish;
  const relay = publish
    ? createOutboxRelay({
        store,
        name: definition.name,
        streamTypes: parts.workflows.map((w) => w.streamType),
        eventTypes: publish.eventTypes,
        leaseMs: config.relayLeaseMs,
        registry,
        logger,
        publish: async (events) => {
          const records = events.flatMap((event) => publish.recordsFor(event as PublishedStoredEvent));
          await producer.publishAll(records.map(({ topic, recordType, value, traceparent }) => ({ topic, recordType, value, traceparent })));
        },
      })
    : undefined;
  const timers = runtime.wakeUpPoller({ now, batchSize: config.unitOfWorkSize, pollIntervalMs: 200 });
  const sweeps = (parts.sweeps ?? []).map((sweep) =>
    createPollingLoop({
      name: `${definition.name} ${sweep.name}`,
      logger,
      intervalMs: sweep.everyMs,
      tick: async () => {
        const done = await store.transaction((tx) => sweep.run(runtime.workflowTransaction(tx), now()));
        if (done > 0) logger.debug(`${sweep.name} done`, { count: done });
        return false;
      },
    }),
  );

  const committer = runtime.groupCommitter(now);
  const topics = (definition.topics ?? topicCatalog.filter((t) => t.consumedBy.includes(definition.name)).map((t) => t.name as TopicName)) as TopicName[];
  const transport = new KafkaTransport({
    kafka,
    groupId: config.groupId,
    topics,
    serde,
    metrics,
    logger,
    fromBeginning: config.fromBeginning,
    createFailureTopics: true,
    // Each lane's unit holds up to unitOfWorkSize messages of its partition; the committer takes
    // every waiting unit together, one transaction at a time.
    unitOfWork: groupCommitUnitOfWork(committer, { maxMessages: config.unitOfWorkSize }),
  });
  for (const topic of topics) {
    const handler = parts.handlers[topic];
    if (!handler) throw new Error(`${definition.name} consumes ${topic} but has no handler for it`);
    const onRecord: MessageHandler = async (value: unknown, ctx: MessageContext) => {
      const inbound = inboundOf(value, ctx);
      const inputs = (handler as (record: unknown, inbound: Inbound) => UnitEntry['inputs'])({ recordType: ctx.recordType, value }, inbound);
      if (inputs.length > 0) ctx.unitOfWorkAs<GroupCommitUnit<UnitEntry>>().add({ tenantId: inbound.tenantId, eventId: inbound.cause.eventId, inputs });
    };
    onRecord.isEventHandler = true;
    for (const recordType of topicCatalog.find((t) => t.name === topic)!.recordTypes) transport.addHandler(recordType, onRecord, true);
  }

  const app = await NestFactory.create(
    ServiceHttpModule.register({
      registry,
      apiKeys: config.apiKeys,
      readiness: [{ name: 'kafka-consumer', isReady: () => transport.isReady(), detail: () => transport.status$() }, ...(parts.readiness ?? [])],
      controllers: parts.http?.controllers ?? [],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_SETTINGS, useValue: settings },
        { provide: WORKFLOW_RUNTIME, useValue: runtime },
        ...(parts.http?.providers ?? []),
      ],
    }),
    { logger: new NestJsonLogger(logger), bufferLogs: false },
  );
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.httpPort, '0.0.0.0');
  await relay?.start();
  await timers.start();
  for (const sweep of sweeps) sweep.start();
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  logger.info(`${definition.name} started`, { url, groupId: config.groupId, topics });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info(`${definition.name} stopping`);
      clearInterval(activityLog);
      for (const sweep of sweeps) await sweep.stop();
      await timers.stop();
      await app.close(); // drains the transport: finishes the in-flight unit, commits offsets, leaves the group
      await relay?.stop();
      unsubscribe();
      await producer.disconnect();
      await pool.end();
      logger.info(`${definition.name} stopped`);
    })());
  return { name: definition.name, url, config, settings, store, runtime, transport, stop };
}

/** The tenant and cause of an inbound record, from its meta; a record without a usable tenant is poison. */
function inboundOf(value: unknown, ctx: MessageContext): Inbound {
  const meta = ctx.meta;
  if (!meta || !isTenantId(meta.tenantId)) throw new NonRetriableError(`${ctx.recordType} has no usable meta.tenantId ('${meta?.tenantId}')`, 'INVALID_TENANT');
  const cause: Cause = { eventId: meta.eventId, correlationId: meta.correlationId, occurredAt: Number(meta.occurredAt), ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}) };
  void value;
  return { tenantId: meta.tenantId, cause };
}
