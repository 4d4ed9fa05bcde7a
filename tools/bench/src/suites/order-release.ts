import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { keyOf } from '@lading/contracts';
import { createEventProducer, createJsonLogger, createKafkaClient, headerText, Headers } from '@lading/messaging';
import { createAvroSerde } from '@lading/schema-registry';
import { startGroupAtEnd, uniqueName, waitUntil } from '@lading/testing';
import { topicCatalog } from '@lading/contracts';
import { orderReleaseService } from '@lading/order-release-app';
import { createRecordNaming, loadServiceConfig, type ServiceConfig } from '@lading/service-kit';

/** The topics order-release consumes (the catalog names it among their consumers). */
const ORDER_RELEASE_TOPICS = topicCatalog.filter((t) => t.consumedBy.includes('order-release')).map((t) => t.name);
const naming = createRecordNaming({ namespace: orderReleaseService.eventIdNamespace, sourceSystem: orderReleaseService.sourceSystem });
import type { BenchMeasurement, BenchSuite } from '../main';
import { classifyLadingProcesses, cpuUse, describeCpuUse, processCpuMs, readCpu } from '../cpu-accounting';
import { freePort, spawnProcess, type SpawnedProcess } from '../processes/spawn';
import { measureKafkaFloor, measureRaw } from './order-release/baselines';
import { brokers, databaseUrl, PARTITIONS, registryUrl, round, sleep } from './order-release/common';
import { sampleConnections, type ConnectionSampler } from './order-release/connections';
import { arrivals, arrive, follow, latencyOf, produceAll, producePaced, settle, type Sent } from './order-release/traffic';
import { CUSTOMERS, encodeOrders, siteStatus, SITES, SKUS, stockLevel, type World } from './order-release/world';

/*
 * order-release: orders/s released end to end (OrderPlaced produced on erp.orders.v1 →
 * ReleaseOrderToWarehouse consumed from wms.commands.v1) through the real app in-process (Kafka
 * transport → decider + read models in PostgreSQL → event store outbox → relay), beside raw
 * kafkajs producing and consuming records of the same size on a fresh topic of the same layout.
 * Both are timed from the first record produced to the last one consumed; latency is measured in
 * a second phase paced at about half the rate just measured. Every order is releasable (stock,
 * open site, no credit hold), so each yields exactly one ReleaseOrderToWarehouse.
 */

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

const share = (before: number | undefined, after: number | undefined, wallMs: number) => (before === undefined || after === undefined ? undefined : (after - before) / wallMs);

/**
 * order-release as it is deployed: its own process (`apps/order-release/src/main.ts`, as `npm
 * start` runs it), configured by environment. The bench process plays the ERP and the WMS.
 */
function spawnOrderRelease(env: Record<string, string>, port: number, failed: AbortController): Promise<SpawnedProcess> {
  // BENCH_CPU_PROFILE: the app writes a profile of its whole run there when it stops
  const profiling = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const extra = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawnProcess('order-release', 'apps/order-release/src/main.ts', env, () => fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false), {
    nodeArgs: [...extra, ...profiling],
    failed,
  });
}

/**
 * With BENCH_CPU_PROFILE=<dir>, a V8 CPU profile of this process (the app, the simulated ERP and
 * the watcher) over the throughput phase only, for chrome://inspect or speedscope.
 */
async function startCpuProfile(): Promise<{ stop(name: string): Promise<string> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const { Session } = await import('node:inspector');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)))); // eslint-disable-line @typescript-eslint/no-explicit-any
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      const file = `${dir}/${name}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

export const orderReleaseSuite: BenchSuite = {
  name: 'order-release',
  description: 'orders/s and p50/p99 OrderPlaced → ReleaseOrderToWarehouse through the real app vs raw kafkajs produce→consume',
  async run(args, progress): Promise<BenchMeasurement> {
    const throughputN = flag(args, 'orders', 10_000);
    const latencyN = flag(args, 'latency-orders', 1_000);
    const run = uniqueName('bench').replace(/[^a-z0-9]/gi, '').toLowerCase();
    const world: World = {
      tenantId: `${run}-tenant`,
      sites: Array.from({ length: SITES }, (_, i) => `${run}-DC${i + 1}`),
      skus: Array.from({ length: SKUS }, (_, i) => `SKU-${String(100_000 + i)}`),
    };
    const schema = (name: string) => `${name}_${run}`.slice(0, 60);
    const logger = createJsonLogger({ level: 'error' });
    const kafka = createKafkaClient({ clientId: `lading-bench-${run}`, brokers: brokers(), logger, logLevel: 'error' });
    const plainKafka = new Kafka({ clientId: `lading-bench-${run}-raw`, brokers: brokers(), logLevel: logLevel.NOTHING });
    const serde = createAvroSerde({ registryUrl: registryUrl() });
    // the same settings as the Lading producer (idempotent, one request in flight), acks=all
    const producer = plainKafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const db = new Client({ connectionString: databaseUrl() });
    await db.connect();
    const apps: SpawnedProcess[] = [];
    // an app instance exiting on its own ends every wait of the run at once
    const failed = new AbortController();
    let watcher: Consumer | undefined;
    let sampler: ConnectionSampler | undefined;
    const groupId = `order-release-${run}`;
    const rawTopic = `bench-order-release-raw-${run}`;
    const floorTopics: [string, string] = [`bench-order-release-floor-in-${run}`, `bench-order-release-floor-out-${run}`];
    try {
      const sample = await encodeOrders(serde, world, `${run}-SAMPLE`, 1);
      const recordBytes = (sample.messages[0].value as Buffer).length;
      progress(`OrderPlaced record: ${recordBytes} B Avro (2 lines); ${PARTITIONS} partitions; acks=all`);

      // (a) raw kafkajs on a fresh topic with the same layout
      const raw = await measureRaw(plainKafka, producer, rawTopic, recordBytes, throughputN, latencyN, progress);
      // (a') the same Kafka work as the pipeline, without Lading: what no pipeline can beat here
      const { rate: floor, cpu: floorCpu } = await measureKafkaFloor(plainKafka, producer, floorTopics, recordBytes, throughputN, progress);

      // (b) the real app, isolated: its own group (committed at the topics' end), schemas, port
      const admin = plainKafka.admin();
      await admin.connect();
      await startGroupAtEnd(admin, groupId, ORDER_RELEASE_TOPICS).finally(() => admin.disconnect());
      const instances = flag(args, 'instances', 1);
      const appEnvFor = (instance: number, port: number): Record<string, string> => ({
        KAFKA_BROKERS: brokers().join(','),
        SCHEMA_REGISTRY_URL: registryUrl(),
        DATABASE_URL: databaseUrl(),
        ORDER_RELEASE_HTTP_PORT: String(port),
        ORDER_RELEASE_GROUP_ID: groupId,
        ORDER_RELEASE_FROM_BEGINNING: 'true',
        EVENT_STORE_SCHEMA: schema('es'),
        ORDER_RELEASE_SCHEMA: schema('orr'),
        LADING_API_KEYS: '',
        LOG_LEVEL: process.env.BENCH_APP_LOG_LEVEL ?? 'error',
        HOSTNAME_OVERRIDE: `${run}-${instance}`,
      });
      const config: ServiceConfig = loadServiceConfig('order-release', { ...process.env, ...appEnvFor(1, 0) }, { httpPort: orderReleaseService.httpPort });
      // one after another: each joins the group and takes its share of the partitions
      for (let instance = 1; instance <= instances; instance++) {
        const port = await freePort();
        apps.push(await spawnOrderRelease(appEnvFor(instance, port), port, failed));
      }
      progress(
        `order-release started: ${instances} instance(s), each its own process (group ${groupId}, unit of work ${config.unitOfWorkSize}, group commit ${config.groupCommitSize}, pool ${config.databasePoolSize})`,
      );
      const appsCpuMs = () => {
        const each = apps.map((app) => processCpuMs(app.child.pid));
        return each.some((ms) => ms === undefined) ? undefined : each.reduce((a, b) => a! + b!, 0);
      };

      // seed the WMS view: every site open around the clock, plenty of every SKU everywhere
      const seeder = createEventProducer({ kafka, serde, keyOf });
      await seeder.connect();
      await seeder
        .publishAll([
          ...world.sites.map((siteId) => ({ topic: 'wms.sites.v1', recordType: 'lading.wms.WarehouseStatusChanged', value: siteStatus(world, siteId) })),
          ...world.sites.flatMap((siteId) => world.skus.map((sku) => ({ topic: 'wms.inventory.v2', recordType: 'lading.wms.InventoryLevelChanged', value: stockLevel(world, siteId, sku) }))),
        ])
        .finally(() => seeder.disconnect());
      const orr = `"${schema('orr')}"`;
      await waitUntil(
        'order-release applied the seeded sites and stock',
        async () => {
          const sites = await db.query(`select count(*)::int as n from ${orr}.site_readiness where reported_by = $1`, [world.tenantId]);
          const stock = await db.query(`select count(*)::int as n from ${orr}.stock_levels where tenant_id = $1`, [world.tenantId]);
          return sites.rows[0].n === SITES && stock.rows[0].n === SITES * SKUS;
        },
        { timeoutMs: 120_000, intervalMs: 250, signal: failed.signal },
      );
      progress(`seeded ${SITES} sites and ${SITES * SKUS} stock levels for tenant ${world.tenantId}`);

      const sent: Sent = { at: new Map() };
      const current = arrivals();
      // Like the raw watcher, this one does not decode: the key is the order id (topic catalog) and
      // the record type and event id travel in the Lading headers, so the measuring process costs
      // the pipeline no more CPU than it costs raw kafkajs.
      watcher = await follow(plainKafka, 'wms.commands.v1', true, (m) => {
        const orderId = m.key?.toString();
        if (!orderId?.startsWith(run) || headerText(m.headers, Headers.recordType) !== 'lading.commands.ReleaseOrderToWarehouse') return;
        arrive(current, orderId, headerText(m.headers, Headers.eventId) ?? '', sent);
      }, failed.signal);
      // the eventIds our app relayed: its stored ReleaseOrderToWarehouse events, as the mapper names them on Kafka
      const ourReleases = new Set<string>();
      const refreshOurs = async () => {
        const rows = await db.query(`select tenant_id, event_id from "${schema('es')}".events where event_type = 'ReleaseOrderToWarehouse' and stream_id like $1`, [`%${run}%`]);
        for (const r of rows.rows as { tenant_id: string; event_id: string }[]) ourReleases.add(naming.eventIdOf(r.tenant_id, r.event_id, 'lading.commands.ReleaseOrderToWarehouse'));
      };
      const isOurs = (id: string) => ourReleases.has(id);
      const settled = (ids: readonly string[], what: string) =>
        waitUntil(what, async () => {
          // Only once every order has a release on the topic is the event store asked which are
          // ours: the check must not load the database while the pipeline is being measured.
          if (ids.some((id) => !current.byKey.get(id)?.length)) return false;
          await refreshOurs();
          const result = settle(current, ids, sent, isOurs);
          return result.received >= ids.length && result;
        }, { timeoutMs: 600_000, intervalMs: 500, signal: failed.signal });

      sampler = await sampleConnections(apps.map((_, i) => `order-release ${run}-${i + 1}`));

      const throughputOrders = await encodeOrders(serde, world, `${run}-T`, throughputN);
      const profiler = await startCpuProfile();
      let cpu = process.cpuUsage();
      let appCpu = appsCpuMs();
      const classify = classifyLadingProcesses(new Map(apps.map((app) => [app.child.pid!, 'order_release'])));
      const cpuBefore = readCpu(classify);
      const t0 = Date.now();
      await produceAll(producer, 'erp.orders.v1', throughputOrders.messages, sent);
      const producedIn = Date.now() - t0;
      const done = await settled(throughputOrders.ids, `pipeline: ${throughputN} releases consumed`);
      const pipelineRate = (throughputN / (done.last - t0)) * 1000;
      const pipelineCpu = cpuUse(cpuBefore, readCpu(classify), throughputN);
      const used = process.cpuUsage(cpu);
      const busy = (used.user + used.system) / 1000 / (done.last - t0);
      const appBusy = share(appCpu, appsCpuMs(), done.last - t0);
      const profile = await profiler?.stop(`order-release-${run}`);
      if (profile) progress(`CPU profile of the throughput phase: ${profile}`);
      progress(`pipeline OrderPlaced→ReleaseOrderToWarehouse: ${round(pipelineRate, 1)} orders/s (${throughputN} orders, produced in ${producedIn} ms, ${done.duplicates} duplicates, ${done.foreign} releases of ours by other instances ignored, app processes busy ${appBusy === undefined ? '?' : round(appBusy * 100)}%, bench process busy ${round(busy * 100)}%)`);
      progress(`  pipeline ${describeCpuUse(pipelineCpu, 'order')}`);
      const throughputLatency = latencyOf(done);
      const activeConnections = await sampler.stop();
      sampler = undefined;
      progress(`app PostgreSQL connections not idle while draining: mean ${activeConnections.mean}, max ${activeConnections.max}, >1 in ${round(activeConnections.share_with_more_than_one * 100, 1)}% of ${activeConnections.samples} samples`);
      for (const [what, n] of Object.entries(activeConnections.top)) progress(`  ${String(n).padStart(5)}  ${what}`);

      const paced = Math.max(5, Math.round(pipelineRate / 2));
      const pacedN = Math.min(latencyN, paced * 60);
      const latencyOrders = await encodeOrders(serde, world, `${run}-L`, pacedN);
      cpu = process.cpuUsage();
      appCpu = appsCpuMs();
      const t1 = Date.now();
      await producePaced(producer, 'erp.orders.v1', latencyOrders.messages, paced, sent);
      const pacedDone = await settled(latencyOrders.ids, `pipeline: ${pacedN} paced releases consumed`);
      const pacedUsed = process.cpuUsage(cpu);
      const pacedBusy = (pacedUsed.user + pacedUsed.system) / 1000 / (pacedDone.last - t1);
      const pacedAppBusy = share(appCpu, appsCpuMs(), pacedDone.last - t1);
      const latency = latencyOf(pacedDone);
      progress(`pipeline latency at ${paced} orders/s (${pacedN} orders): p50 ${latency.p50} ms, p99 ${latency.p99} ms (max ${latency.max}, ${pacedDone.duplicates} duplicates, ${pacedDone.foreign} foreign, app processes busy ${pacedAppBusy === undefined ? '?' : round(pacedAppBusy * 100)}%, bench process busy ${round(pacedBusy * 100)}%)`);

      // anything that turned up late or twice after the phases
      await sleep(2_000);
      // our app consumes the shared topics whole: other tenants' traffic (other people's tests) competes with ours
      const events = await db.query(
        `select (stream_id like $1) as ours, event_type, count(*)::int as n from "${schema('es')}".events group by 1, 2 order by 1, 2`,
        [`%${run}%`],
      );
      const eventCounts: Record<'bench' | 'other_tenants', Record<string, number>> = { bench: {}, other_tenants: {} };
      for (const r of events.rows as { ours: boolean; event_type: string; n: number }[]) eventCounts[r.ours ? 'bench' : 'other_tenants'][r.event_type] = r.n;
      progress(`event store: ${JSON.stringify(eventCounts)}`);

      const ratios = {
        pipeline_vs_raw: round(pipelineRate / raw.rate, 4),
        p99_vs_raw: round(latency.p99 / raw.latency.p99, 2),
        /** the Kafka work of the pipeline alone, against raw: the ceiling of pipeline_vs_raw on this machine */
        kafka_floor_vs_raw: round(floor / raw.rate, 4),
        pipeline_vs_kafka_floor: round(pipelineRate / floor, 4),
      };
      progress(`pipeline/raw events/s = ${ratios.pipeline_vs_raw} (goal >= 0.3); p99 pipeline/raw = ${ratios.p99_vs_raw} (goal <= 10)`);
      progress(`Kafka floor/raw = ${ratios.kafka_floor_vs_raw}; pipeline/Kafka floor = ${ratios.pipeline_vs_kafka_floor}`);
      // The CPU budget of the goal: at 0.3 × the raw rate, every process on the machine together
      // may spend at most this much CPU per order (all cores busy, nothing else running).
      const cores = pipelineCpu?.cores ?? raw.cpu?.cores;
      const goalBudget = cores ? round((cores * 1000) / (0.3 * raw.rate), 3) : undefined;
      if (goalBudget !== undefined && pipelineCpu && floorCpu) {
        progress(
          `CPU budget of the goal (0.3 × raw on ${cores} cores): ${goalBudget} ms per order for every process together; the Kafka work alone (floor) costs ${floorCpu.ms_per_unit.all}, the pipeline ${pipelineCpu.ms_per_unit.all} (order-release ${pipelineCpu.ms_per_unit.order_release ?? '?'}, PostgreSQL ${pipelineCpu.ms_per_unit.postgresql ?? '?'})`,
        );
      }
      return {
        ratios,
        cpu: {
          what: 'CPU ms per record (raw, floor) or per order (pipeline) of every process on the machine by component, from /proc, over each throughput phase',
          raw: raw.cpu ?? null,
          kafka_floor: floorCpu ?? null,
          pipeline: pipelineCpu ?? null,
          goal_budget_ms_per_order: goalBudget ?? null,
        },
        recordBytes,
        partitions: PARTITIONS,
        world: { sites: SITES, skus: SKUS, customers: CUSTOMERS, linesPerOrder: 2 },
        app: { instances, process: 'each instance its own process (as deployed); this process plays ERP and WMS', unitOfWorkSize: config.unitOfWorkSize, groupCommitSize: config.groupCommitSize, databasePoolSize: config.databasePoolSize },
        kafka_floor: {
          what: 'consume 1 → produce 2 of the same size → consume, in a forwarder process of its own, no decoding, no database',
          records_per_sec: round(floor),
          records: throughputN,
        },
        raw_kafkajs: {
          events_per_sec: round(raw.rate),
          records: throughputN,
          latency_ms: { rate_per_sec: raw.paced, ...raw.latency },
        },
        pipeline: {
          orders_per_sec: round(pipelineRate, 1),
          orders: throughputN,
          produced_in_ms: producedIn,
          app_process_busy_share: appBusy === undefined ? null : round(appBusy, 2),
          bench_process_busy_share: round(busy, 2),
          throughput_phase_latency_ms: throughputLatency,
          app_db_connections_busy_while_draining: activeConnections,
          latency_ms: { rate_per_sec: paced, app_process_busy_share: pacedAppBusy === undefined ? null : round(pacedAppBusy, 2), bench_process_busy_share: round(pacedBusy, 2), duplicates: pacedDone.duplicates, ...latency },
          duplicates: done.duplicates,
          releases_by_other_instances_ignored: done.foreign + pacedDone.foreign,
          event_store_counts: eventCounts,
        },
      };
    } finally {
      await sampler?.stop().catch(() => undefined);
      await watcher?.disconnect().catch(() => undefined);
      await Promise.all(apps.map((app) => app.stop().catch(() => undefined)));
      await producer.disconnect().catch(() => undefined);
      const admin = plainKafka.admin();
      await admin.connect().then(() => admin.deleteTopics({ topics: [rawTopic, ...floorTopics] })).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      if (process.env.BENCH_KEEP_SCHEMAS !== 'true') {
        await db.query(`drop schema if exists "${schema('es')}" cascade`).catch(() => undefined);
        await db.query(`drop schema if exists "${schema('orr')}" cascade`).catch(() => undefined);
      } else progress(`kept schemas ${schema('es')} and ${schema('orr')} (BENCH_KEEP_SCHEMAS)`);
      await db.end();
    }
  },
};
