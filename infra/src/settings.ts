import { resolve } from 'node:path';

/** Where the repository root is: infra/src/.. /.. */
export const repoRoot = resolve(__dirname, '..', '..');

/**
 * Everything the local infrastructure writes (jars, data, logs, pid records) lives under
 * LADING_HOME, git-ignored. Several checkouts can share one by pointing LADING_HOME at it.
 */
export const ladingHome = resolve(process.env.LADING_HOME ?? resolve(repoRoot, '.lading'));

export const paths = {
  home: ladingHome,
  // jars fetched from Maven Central; shareable between homes (tests point it at the main cache)
  cache: resolve(process.env.LADING_CACHE ?? resolve(ladingHome, 'cache')),
  logs: resolve(ladingHome, 'logs'),
  run: resolve(ladingHome, 'run'),
  data: resolve(ladingHome, 'data'),
  kafkaPom: resolve(repoRoot, 'infra', 'kafka', 'pom.xml'),
  kafkaLog4j: resolve(repoRoot, 'infra', 'kafka', 'log4j2.properties'),
};

export interface KafkaNode {
  nodeId: number;
  clientPort: number;
  controllerPort: number;
}

export interface KafkaClusterLayout {
  /** `kafka` for the single dev broker, `kafka-cluster` for the 3-node failover cluster */
  name: string;
  nodes: KafkaNode[];
  replicationFactor: number;
  minInsyncReplicas: number;
}

const kafkaPort = Number(process.env.LADING_KAFKA_PORT ?? 9092);

/** One broker on the standard port: what the apps and tests use. */
export const singleBroker: KafkaClusterLayout = {
  name: 'kafka',
  nodes: [{ nodeId: 1, clientPort: kafkaPort, controllerPort: kafkaPort + 1 }],
  replicationFactor: 1,
  minInsyncReplicas: 1,
};

/**
 * Three combined broker/controller nodes on their own ports (client ports `base`..`base+2`,
 * controller ports 100 above), for failover tests and `npm run chaos`.
 */
export function threeBrokerClusterAt(base: number): KafkaClusterLayout {
  return {
    name: 'kafka-cluster',
    nodes: [1, 2, 3].map((nodeId) => ({
      nodeId,
      clientPort: base + nodeId - 1,
      controllerPort: base + 100 + nodeId - 1,
    })),
    replicationFactor: 3,
    minInsyncReplicas: 2,
  };
}

/** The 3-node cluster on 29092-29094, or from LADING_KAFKA_CLUSTER_PORT (a test's own). */
export const threeBrokerCluster: KafkaClusterLayout = threeBrokerClusterAt(Number(process.env.LADING_KAFKA_CLUSTER_PORT ?? 29092));

export function bootstrapServers(layout: KafkaClusterLayout): string[] {
  return layout.nodes.map((n) => `127.0.0.1:${n.clientPort}`);
}

/**
 * Apicurio Registry (Confluent-compatible API under /apis/ccompat/v7). 3.0.9 is the newest
 * line that runs on Java 17 (3.3.x is built for Java 21). Only the `all` tar.gz is published,
 * and the parent pom is not, so it is fetched with dependency:copy rather than from a pom.
 */
export const registryArtifact = 'io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all';

export const registryPort = Number(process.env.LADING_REGISTRY_PORT ?? 8081);

export const defaultDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/lading';

/** Connection settings shared by the infra script, the apps and the tests. */
export function connectionSettings() {
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? bootstrapServers(singleBroker).join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    schemaRegistryUrl:
      process.env.SCHEMA_REGISTRY_URL ?? `http://127.0.0.1:${registryPort}/apis/ccompat/v7`,
    databaseUrl: process.env.DATABASE_URL ?? defaultDatabaseUrl,
  };
}
