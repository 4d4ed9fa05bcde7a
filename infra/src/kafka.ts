import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cachedMavenFetch, javaMajorVersion } from './prerequisites';
import { isAlive, portOpen, ProcessRecord, readRecord, startDetached, stopProcess, waitFor } from './processes';
import { bootstrapServers, KafkaClusterLayout, KafkaNode, paths } from './settings';

export type Progress = (line: string) => void;

function kafkaClasspath(progress: Progress): string {
  // The pom pins the broker, its perf tools and the log binding; copy-dependencies resolves
  // the whole runtime class path from it.
  const dir = cachedMavenFetch(
    'kafka',
    readFileSync(paths.kafkaPom, 'utf8'),
    (lib) => ['-f', paths.kafkaPom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`],
    progress,
  );
  return `${resolve(dir, 'lib')}/*`;
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `random-uuid` prints).
 * Like Kafka's own Uuid.randomUuid, never one that starts with '-': the storage tool's argument
 * parser takes `-t -Xy…` for an option without its value (1 fresh home in 64 failed to start).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function nodeName(layout: KafkaClusterLayout, node: KafkaNode): string {
  return layout.nodes.length === 1 ? layout.name : `${layout.name}-${node.nodeId}`;
}

function serverProperties(layout: KafkaClusterLayout, node: KafkaNode, dataDir: string): string {
  const voters = layout.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  return [
    '# Written by infra/src/kafka.ts on every start; edit that file, not this one.',
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.clientPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.clientPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Topics come from the topic catalog, never from a typo in a producer.
    'auto.create.topics.enable=false',
    `default.replication.factor=${layout.replicationFactor}`,
    `min.insync.replicas=${layout.minInsyncReplicas}`,
    `offsets.topic.replication.factor=${layout.replicationFactor}`,
    'offsets.topic.num.partitions=12',
    `transaction.state.log.replication.factor=${layout.replicationFactor}`,
    `transaction.state.log.min.isr=${layout.minInsyncReplicas}`,
    'num.partitions=12',
    // Tests and dev restarts join groups constantly; the 3 s default only slows them down.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    'unclean.leader.election.enable=false',
    '',
  ].join('\n');
}

export function kafkaReadyProbe(brokers: string[], expectedBrokers: number): () => Promise<boolean> {
  return async () => {
    const admin = new Kafka({
      clientId: 'lading-infra',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length >= expectedBrokers && cluster.controller !== null;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
}

/** Starts every node of the layout that is not already answering; waits for metadata. */
export async function kafkaUp(layout: KafkaClusterLayout, progress: Progress): Promise<'started' | 'already running'> {
  const probe = kafkaReadyProbe(bootstrapServers(layout), layout.nodes.length);
  const allOpen = (await Promise.all(layout.nodes.map((n) => portOpen(n.clientPort)))).every(Boolean);
  if (allOpen && (await probe().catch(() => false))) return 'already running';

  javaMajorVersion();
  const classpath = kafkaClasspath(progress);
  const clusterDir = resolve(paths.data, layout.name);
  mkdirSync(clusterDir, { recursive: true });
  const clusterIdFile = resolve(clusterDir, 'cluster.id');
  if (!existsSync(clusterIdFile)) writeFileSync(clusterIdFile, newClusterId());
  const clusterId = readFileSync(clusterIdFile, 'utf8').trim();

  const started: ProcessRecord[] = [];
  for (const node of layout.nodes) {
    const name = nodeName(layout, node);
    const existing = readRecord(name);
    if (existing && isAlive(existing)) continue;
    if (await portOpen(node.clientPort)) {
      throw new Error(
        `port ${node.clientPort} is taken by a process Lading did not start; stop it or set KAFKA_BROKERS to use it`,
      );
    }
    const nodeDir = resolve(clusterDir, `node-${node.nodeId}`);
    const dataDir = resolve(nodeDir, 'data');
    mkdirSync(nodeDir, { recursive: true });
    const propsFile = resolve(nodeDir, 'server.properties');
    writeFileSync(propsFile, serverProperties(layout, node, dataDir));
    if (!existsSync(resolve(dataDir, 'meta.properties'))) {
      progress(`formatting KRaft storage for ${name}`);
      const format = spawnSync(
        'java',
        [`-Dlog4j2.configurationFile=${paths.kafkaLog4j}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propsFile, '--ignore-formatted'],
        { encoding: 'utf8' },
      );
      if (format.status !== 0) throw new Error(`kafka storage format failed for ${name}:\n${format.stdout}${format.stderr}`);
    }
    progress(`starting ${name} on 127.0.0.1:${node.clientPort}`);
    started.push(
      startDetached({
        name,
        command: [
          'java',
          '-Xms256m',
          layout.nodes.length === 1 ? '-Xmx1g' : '-Xmx512m',
          '-XX:+UseG1GC',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${paths.kafkaLog4j}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          propsFile,
        ],
        ports: [node.clientPort, node.controllerPort],
      }),
    );
  }
  await waitFor(`Kafka ${layout.name} (${bootstrapServers(layout).join(',')})`, probe, {
    timeoutMs: 120_000,
    logFile: started[0]?.logFile,
    progress,
    alive: () => started.every(isAlive),
  });
  return 'started';
}

export async function kafkaDown(layout: KafkaClusterLayout, progress: Progress): Promise<void> {
  for (const node of layout.nodes) {
    const record = readRecord(nodeName(layout, node));
    if (!record) continue;
    const how = await stopProcess(record, 30_000);
    progress(`${record.name}: ${how}`);
  }
}

export function kafkaNodeRecordName(layout: KafkaClusterLayout, node: KafkaNode): string {
  return nodeName(layout, node);
}
