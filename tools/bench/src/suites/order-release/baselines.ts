import type { Consumer, Kafka, Message, Producer } from 'kafkajs';
import { createTopicsServed } from '@lading/messaging';
import { uniqueName, waitUntil } from '@lading/testing';
import { classifyLadingProcesses, cpuUse, describeCpuUse, readCpu, type CpuUse } from '../../cpu-accounting';
import { spawnProcess, type SpawnedProcess } from '../../processes/spawn';
import { brokers, PARTITIONS, round } from './common';
import { arrivals, arrive, follow, latencyOf, produceAll, producePaced, settle, type Sent } from './traffic';

/* What the pipeline is measured against: raw kafkajs, and the pipeline's Kafka work alone. */

export async function measureRaw(kafka: Kafka, producer: Producer, topic: string, recordBytes: number, throughputN: number, latencyN: number, progress: (line: string) => void) {
  const admin = kafka.admin();
  await admin.connect();
  let consumer: Consumer | undefined;
  try {
    await createTopicsServed(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
    const sent: Sent = { at: new Map() };
    const current = arrivals();
    consumer = await follow(kafka, topic, false, (m) => arrive(current, String(m.key), String(m.key), sent));
    const payload = (i: number) => Buffer.alloc(recordBytes, i % 251);
    const batch = (prefix: string, n: number): Message[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: payload(i) }));
    const all = () => true;

    const throughput = batch('T', throughputN);
    const classify = classifyLadingProcesses(new Map());
    const cpuBefore = readCpu(classify);
    const t0 = Date.now();
    await produceAll(producer, topic, throughput, sent);
    const keys = throughput.map((m) => String(m.key));
    const done = await waitUntil('raw: every record consumed', () => {
      const settled = settle(current, keys, sent, all);
      return settled.received >= throughputN && settled;
    }, { timeoutMs: 120_000 });
    const rate = (throughputN / (done.last - t0)) * 1000;
    const cpu = cpuUse(cpuBefore, readCpu(classify), throughputN);
    progress(`raw kafkajs produce→consume: ${round(rate)} events/s (${throughputN} records, ${done.duplicates} duplicates)`);
    progress(`  raw ${describeCpuUse(cpu, 'record')}`);

    const paced = Math.max(50, Math.round(rate / 2));
    const pacedBatch = batch('L', latencyN);
    await producePaced(producer, topic, pacedBatch, paced, sent);
    const pacedKeys = pacedBatch.map((m) => String(m.key));
    const pacedDone = await waitUntil('raw: every paced record consumed', () => {
      const settled = settle(current, pacedKeys, sent, all);
      return settled.received >= latencyN && settled;
    }, { timeoutMs: 120_000 });
    const latency = latencyOf(pacedDone);
    progress(`raw kafkajs latency at ${paced}/s: p50 ${latency.p50} ms, p99 ${latency.p99} ms (max ${latency.max})`);
    return { rate, paced, latency, cpu };
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The floor under the pipeline: its Kafka work alone. A forwarder process (no decoding, no
 * database) consumes each record and produces two of the same size (order-release consumes one
 * OrderPlaced and publishes OrderReleased and ReleaseOrderToWarehouse); this process produces
 * and watches, as for the pipeline. Timed from the first record produced to the last copy consumed.
 */
export async function measureKafkaFloor(kafka: Kafka, producer: Producer, [inbound, outbound]: [string, string], recordBytes: number, n: number, progress: (line: string) => void): Promise<{ rate: number; cpu: CpuUse | undefined }> {
  const admin = kafka.admin();
  await admin.connect();
  let forwarder: SpawnedProcess | undefined;
  let watcher: Consumer | undefined;
  // the forwarder dying ends the phase at once
  const failed = new AbortController();
  try {
    await createTopicsServed(
      admin,
      [inbound, outbound].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    );
    forwarder = await spawnProcess(
      'kafka forwarder',
      'tools/bench/src/processes/kafka-forwarder.ts',
      { FORWARD_FROM: inbound, FORWARD_TO: outbound, FORWARD_COPIES: '2', FORWARD_GROUP: uniqueName('bench-or-floor'), KAFKA_BROKERS: brokers().join(',') },
      (output) => output.includes('ready'),
      { failed },
    );
    const sent: Sent = { at: new Map() };
    const current = arrivals();
    // the second copy stands for ReleaseOrderToWarehouse
    watcher = await follow(kafka, outbound, false, (m) => {
      if (String(m.headers?.copy) === '1') arrive(current, String(m.key), String(m.key), sent);
    }, failed.signal);
    const records: Message[] = Array.from({ length: n }, (_, i) => ({ key: `F-${i}`, value: Buffer.alloc(recordBytes, i % 251) }));
    const classify = classifyLadingProcesses(new Map([[forwarder.child.pid!, 'forwarder']]));
    const cpuBefore = readCpu(classify);
    const t0 = Date.now();
    await produceAll(producer, inbound, records, sent);
    const keys = records.map((m) => String(m.key));
    const done = await waitUntil('floor: every forwarded record consumed', () => {
      const settled = settle(current, keys, sent, () => true);
      return settled.received >= n && settled;
    }, { timeoutMs: 300_000, signal: failed.signal });
    const rate = (n / (done.last - t0)) * 1000;
    const cpu = cpuUse(cpuBefore, readCpu(classify), n);
    progress(`Kafka floor (consume 1 → produce 2 → consume, no decode, no database, forwarder in its own process): ${round(rate)} records/s`);
    progress(`  floor ${describeCpuUse(cpu, 'record')}`);
    return { rate, cpu };
  } finally {
    await watcher?.disconnect().catch(() => undefined);
    await forwarder?.stop().catch(() => undefined);
    // the topics are deleted at the end of the suite: the shared producer still knows them
    await admin.disconnect().catch(() => undefined);
  }
}
