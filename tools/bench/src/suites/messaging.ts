import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { connectionSettings, paths } from '@lading/infra';
import {
  createEventProducer,
  createJsonLogger,
  createKafkaClient,
  createMessagingMetrics,
  createTopicsServed,
  KafkaTransport,
  MessageController,
  messagingTesting,
} from '@lading/messaging';
import { uniqueName } from '@lading/testing';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { BenchMeasurement, BenchSuite } from '../main';

/*
 * messaging: how close the Lading consumer runtime gets to raw kafkajs, and kafkajs to Kafka's
 * own Java client, on one broker, one topic, ~450-byte Avro records written with acks=all.
 *   (a) Kafka's ProducerPerformance / ConsumerPerformance, from the broker's own Maven jars
 *   (b) raw kafkajs, eachBatch, no-op
 *   (c) KafkaTransport: Avro decode (registry) + a no-op @EventPattern handler in Nest
 * Consumers (a), (b), (c) read the same pre-filled Avro topic, each with a fresh group, and
 * are timed from their first to their last message (group join excluded, as Kafka's tool
 * reports it in fetch.nMsg.sec). ProducerPerformance writes random bytes, so it gets its own
 * topic with the same layout.
 */

const PARTITIONS = 6;

interface Args {
  messages: number;
  latencySeconds: number;
}

function parseArgs(args: string[]): Args {
  const value = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  return { messages: value('messages', 100_000), latencySeconds: value('latency-seconds', 6) };
}

/** The broker's jars as infra fetched them: `<cache>/kafka-<sha of the pom>/lib`. */
export function kafkaLibDir(): string {
  const key = createHash('sha256').update(readFileSync(paths.kafkaPom, 'utf8')).digest('hex').slice(0, 12);
  const exact = resolve(paths.cache, `kafka-${key}`, 'lib');
  if (existsSync(exact)) return exact;
  const any = existsSync(paths.cache)
    ? readdirSync(paths.cache)
        .filter((d) => d.startsWith('kafka-'))
        .map((d) => resolve(paths.cache, d, 'lib'))
        .find((lib) => existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('kafka-tools-')))
    : undefined;
  if (!any) throw new Error(`no Kafka jars under ${paths.cache}: run \`npm run infra:up\` (or set LADING_CACHE)`);
  return any;
}

function runJava(lib: string, mainClass: string, args: string[]): string {
  const result = spawnSync('java', ['-Xmx512m', '-cp', `${lib}/*`, mainClass, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${mainClass} failed (${result.status}):\n${(result.stdout + result.stderr).slice(-2000)}`);
  return result.stdout;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/** Share of the wall time since `wall` this process spent on CPU (both phases include group join). */
function busyShare(since: NodeJS.CpuUsage, wall: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000 / (performance.now() - wall);
}

type OnScan = (scan: messagingTesting.ShipmentScanned) => void;
const ON_SCAN = Symbol('ON_SCAN');

@MessageController()
class BenchScanController {
  constructor(@Inject(ON_SCAN) private readonly onScan: OnScan) {}

  @EventPattern(messagingTesting.shipmentScannedType)
  shipmentScanned(@Payload() scan: messagingTesting.ShipmentScanned) {
    this.onScan(scan);
  }
}

@Module({})
class BenchModule {
  static with(onScan: OnScan): DynamicModule {
    return { module: BenchModule, controllers: [BenchScanController], providers: [{ provide: ON_SCAN, useValue: onScan }] };
  }
}

/** Consumes `total` messages with raw kafkajs eachBatch; msgs/s from first to last message. */
async function rawKafkajs(kafka: Kafka, topic: string, total: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw'), maxWaitTimeInMs: 1_000, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  const done = new Promise<number>((resolveDone) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (first === 0) first = performance.now();
        seen += batch.messages.length;
        if (seen >= total) resolveDone(performance.now());
      },
    });
  });
  const last = await done;
  await consumer.disconnect();
  return (total / (last - first)) * 1000;
}

interface TransportRun {
  rate: number;
  groupId: string;
  /** keeps consuming; calls `onScan` for every later message */
  follow(onScan: OnScan): void;
  close(): Promise<void>;
}

async function transport(kafka: Kafka, serde: messagingTesting.RegistrySerde, topic: string, total: number): Promise<TransportRun> {
  let seen = 0;
  let first = 0;
  let follower: OnScan | undefined;
  let finished: (t: number) => void = () => undefined;
  const done = new Promise<number>((r) => (finished = r));
  const onScan: OnScan = (scan) => {
    if (follower) return follower(scan);
    if (first === 0) first = performance.now();
    if (++seen === total) finished(performance.now());
  };
  const groupId = uniqueName('bench-transport');
  const server = new KafkaTransport({
    kafka,
    groupId,
    topics: [topic],
    serde,
    metrics: createMessagingMetrics(new Registry()),
    logger: createJsonLogger({ level: 'warn' }),
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule.with(onScan), { strategy: server, logger: false });
  await app.listen();
  const last = await done;
  return { rate: (total / (last - first)) * 1000, groupId, follow: (f) => (follower = f), close: () => app.close() };
}

/** @platformatic/kafka (a devDependency for this comparison only), the same no-op way. */
async function platformaticRate(topic: string, total: number, brokers: string[]): Promise<number | undefined> {
  interface Stream {
    on(event: 'data', listener: (message: unknown) => void): void;
    close(): Promise<void>;
  }
  let mod: { Consumer: new (options: Record<string, unknown>) => { consume(o: Record<string, unknown>): Promise<Stream>; close(force?: boolean): Promise<void> } };
  try {
    mod = require('@platformatic/kafka');
  } catch {
    return undefined;
  }
  const consumer = new mod.Consumer({ groupId: uniqueName('bench-platformatic'), clientId: 'lading-bench', bootstrapBrokers: brokers, maxWaitTime: 1_000 });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true });
  let seen = 0;
  let first = 0;
  const last = await new Promise<number>((resolveDone) => {
    stream.on('data', () => {
      if (first === 0) first = performance.now();
      if (++seen === total) resolveDone(performance.now());
    });
  });
  await stream.close().catch(() => undefined);
  await consumer.close(true).catch(() => undefined);
  return (total / (last - first)) * 1000;
}

export const messagingSuite: BenchSuite = {
  name: 'messaging',
  description: 'Kafka perf tools vs raw kafkajs vs the Lading transport (Avro, Nest); latency at half rate',
  async run(rawArgs, progress): Promise<BenchMeasurement> {
    const args = parseArgs(rawArgs);
    const { kafkaBrokers, schemaRegistryUrl } = connectionSettings();
    const kafka = createKafkaClient({ clientId: 'lading-bench', brokers: kafkaBrokers, logger: createJsonLogger({ level: 'error' }), logLevel: 'error' });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('bench-messaging');
    const perfTopic = `${topic}-perftool`;
    const created = [topic, perfTopic, `${topic}.dlq`];
    try {
      await createTopicsServed(admin, [topic, perfTopic].map((t) => ({ topic: t, numPartitions: PARTITIONS, replicationFactor: 1 })));
      const serde = messagingTesting.createRegistrySerde({ host: schemaRegistryUrl });
      await serde.register(topic, messagingTesting.shipmentScannedSchema);
      const sample = await serde.encode(topic, messagingTesting.shipmentScannedType, messagingTesting.shipmentScanned());
      const recordBytes = sample.length;
      progress(`topic ${topic}: ${PARTITIONS} partitions, ${args.messages} Avro records of ~${recordBytes} B, acks=all`);

      // Fill the topic with our producer (idempotent, acks=all), 60 shipments as keys.
      const producer = createEventProducer({ kafka, serde, keyOf: messagingTesting.testKeyOf, lingerMs: 5, maxBatchSize: 2_000 });
      await producer.connect();
      const shipments = Array.from({ length: 60 }, (_, i) => `SHP-BENCH-${i}`);
      const t0 = performance.now();
      for (let sent = 0; sent < args.messages; sent += 2_000) {
        const n = Math.min(2_000, args.messages - sent);
        await producer.publishAll(
          Array.from({ length: n }, (_, i) => ({
            topic,
            recordType: messagingTesting.shipmentScannedType,
            value: messagingTesting.shipmentScanned({ shipmentId: shipments[(sent + i) % shipments.length], sequence: sent + i }),
          })),
        );
      }
      const ladingProduceRate = (args.messages / (performance.now() - t0)) * 1000;
      progress(`lading producer (Avro encode, acks=all, idempotent): ${round(ladingProduceRate)} msgs/s`);

      // (a) Kafka's own tools, same jars as the broker.
      const lib = kafkaLibDir();
      const producerOut = runJava(lib, 'org.apache.kafka.tools.ProducerPerformance', [
        '--topic', perfTopic, '--num-records', String(args.messages), '--record-size', String(recordBytes), '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${kafkaBrokers.join(',')}`, 'acks=all', 'enable.idempotence=true',
      ]);
      const summary = producerOut.trim().split('\n').pop() ?? '';
      const kafkaProduceRate = Number(/([\d.]+) records\/sec/.exec(summary)?.[1]);
      progress(`(a) kafka ProducerPerformance: ${round(kafkaProduceRate)} msgs/s  [${summary}]`);
      const consumerOut = runJava(lib, 'org.apache.kafka.tools.ConsumerPerformance', [
        '--bootstrap-server', kafkaBrokers.join(','), '--topic', topic, '--messages', String(args.messages), '--group', uniqueName('bench-kafka'), '--timeout', '60000',
      ]);
      const [header, row] = consumerOut.trim().split('\n').slice(-2);
      const columns = header.split(',').map((c) => c.trim());
      const values = row.split(',').map((v) => v.trim());
      const kafkaConsumeRate = Number(values[columns.indexOf('fetch.nMsg.sec')]);
      progress(`(a) kafka ConsumerPerformance: ${round(kafkaConsumeRate)} msgs/s (fetch.nMsg.sec)`);

      // (b) raw kafkajs eachBatch, no-op.
      let cpu = process.cpuUsage();
      let wall = performance.now();
      const kafkajsRate = await rawKafkajs(kafka, topic, args.messages);
      const kafkajsBusy = busyShare(cpu, wall);
      progress(`(b) raw kafkajs eachBatch no-op: ${round(kafkajsRate)} msgs/s (node busy ${round(kafkajsBusy * 100)}% of the phase)`);

      // (c) the Lading transport: decode + Nest handler, offsets resolved per message.
      cpu = process.cpuUsage();
      wall = performance.now();
      const run = await transport(kafka, serde, topic, args.messages);
      const transportBusy = busyShare(cpu, wall);
      progress(`(c) lading transport (Avro decode + Nest no-op handler): ${round(run.rate)} msgs/s (node busy ${round(transportBusy * 100)}% of the phase)`);

      // Latency produce→handler at about half the maximum rate, through the same transport.
      // Half of what the whole pipeline sustains: our producer is the slower end here.
      const rate = Math.max(100, Math.round(Math.min(run.rate, ladingProduceRate) / 2));
      const latencies: number[] = [];
      run.follow((scan) => latencies.push(Date.now() - scan.meta.occurredAt));
      const tickMs = 10;
      const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
      const target = rate * args.latencySeconds;
      let published = 0;
      const pending: Promise<unknown>[] = [];
      const start = Date.now();
      while (published < target) {
        const due = Math.min(target, Math.floor(((Date.now() - start) / tickMs + 1) * perTick));
        for (; published < due; published++) {
          const scan = messagingTesting.shipmentScanned({ shipmentId: shipments[published % shipments.length], sequence: published });
          pending.push(producer.publish(topic, messagingTesting.shipmentScannedType, scan));
        }
        await new Promise((r) => setTimeout(r, tickMs));
      }
      await Promise.all(pending);
      const deadline = Date.now() + 30_000;
      while (latencies.length < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      latencies.sort((x, y) => x - y);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      progress(`latency at ${rate} msgs/s (${latencies.length}/${target} received): p50 ${p50} ms, p99 ${p99} ms`);
      await run.close();
      await producer.disconnect();

      let platformatic: number | undefined;
      if (kafkajsRate / kafkaConsumeRate < 0.5) {
        platformatic = await platformaticRate(topic, args.messages, kafkaBrokers);
        progress(platformatic === undefined ? '@platformatic/kafka not installed: skipped' : `(b') @platformatic/kafka consumer: ${round(platformatic)} msgs/s`);
      }

      const ratios: Record<string, number> = {
        transport_vs_kafkajs: round(run.rate / kafkajsRate, 3),
        kafkajs_vs_kafka: round(kafkajsRate / kafkaConsumeRate, 3),
      };
      if (platformatic !== undefined) ratios.platformatic_vs_kafka = round(platformatic / kafkaConsumeRate, 3);
      progress(`c/b = ${ratios.transport_vs_kafkajs} (goal >= 0.9), b/a = ${ratios.kafkajs_vs_kafka}`);
      return {
        ratios,
        messages: args.messages,
        recordBytes,
        partitions: PARTITIONS,
        consume_msgs_per_sec: {
          kafka_consumer_perf: round(kafkaConsumeRate),
          kafkajs_each_batch: round(kafkajsRate),
          lading_transport: round(run.rate),
          ...(platformatic !== undefined ? { platformatic_kafka: round(platformatic) } : {}),
        },
        produce_msgs_per_sec: { kafka_producer_perf: round(kafkaProduceRate), lading_producer: round(ladingProduceRate) },
        node_busy_share: { kafkajs_each_batch: round(kafkajsBusy, 2), lading_transport: round(transportBusy, 2) },
        latency_ms: { rate_msgs_per_sec: rate, samples: latencies.length, p50, p99 },
      };
    } finally {
      await admin.deleteTopics({ topics: created }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};
