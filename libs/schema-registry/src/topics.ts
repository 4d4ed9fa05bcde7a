import type { Admin } from 'kafkajs';
import { topicCatalog, type TopicSpec } from '@lading/contracts';
import { minInsyncReplicasFor, replicationFactorFor, waitForTopicsServed, type TopicsServedOptions } from '@lading/messaging';

export interface EnsureTopicsResult {
  created: string[];
  /** Existing topics whose cleanup policy or retention was brought back to the catalog's. */
  reconfigured: string[];
  unchanged: string[];
  /** Existing topics whose partition count differs from the catalog; never changed automatically. */
  partitionMismatches: { topic: string; actual: number; expected: number }[];
}

function desiredConfig(spec: TopicSpec, replicationFactor: number): Record<string, string> {
  return {
    'cleanup.policy': spec.cleanupPolicy,
    'retention.ms': String(spec.retentionMs),
    'min.insync.replicas': String(minInsyncReplicasFor(replicationFactor)),
  };
}

/**
 * Creates every catalog topic that is missing, idempotently (brokers run with auto-create off),
 * and returns once every catalog topic is served: the apps started next use them at once.
 * Existing topics keep their partitions: adding partitions would move keys and break per-key
 * order, so a mismatch is reported for an operator to decide.
 */
export async function ensureTopics(
  admin: Admin,
  options: { catalog?: readonly TopicSpec[]; replicationFactor?: number; served?: Omit<TopicsServedOptions, 'partitions'> } = {},
): Promise<EnsureTopicsResult> {
  const catalog = options.catalog ?? topicCatalog;
  const { brokers } = await admin.describeCluster();
  const replicationFactor = options.replicationFactor ?? replicationFactorFor(brokers.length);
  const existing = new Set(await admin.listTopics());
  const result: EnsureTopicsResult = { created: [], reconfigured: [], unchanged: [], partitionMismatches: [] };

  const missing = catalog.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    // kafkajs' waitForLeaders stops short of "served" (see waitForTopicsServed)
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor,
        configEntries: Object.entries(desiredConfig(t, replicationFactor)).map(([name, value]) => ({ name, value })),
      })),
    });
    result.created.push(...missing.map((t) => t.name));
  }
  // Existing ones too: a run a moment ago (or another one now) may have created them.
  await waitForTopicsServed(
    admin,
    catalog.map((t) => t.name),
    { ...options.served, partitions: Object.fromEntries(missing.map((t) => [t.name, t.partitions])) },
  );

  const present = catalog.filter((t) => existing.has(t.name));
  if (present.length === 0) return result;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: 2 /* ConfigResourceTypes.TOPIC */, name: t.name, configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'] })),
  });
  for (const spec of present) {
    const partitions = metadata.topics.find((t) => t.name === spec.name)?.partitions.length ?? 0;
    if (partitions !== spec.partitions) result.partitionMismatches.push({ topic: spec.name, actual: partitions, expected: spec.partitions });
    const actualReplication = metadata.topics.find((t) => t.name === spec.name)?.partitions[0]?.replicas.length ?? replicationFactor;
    const desired = desiredConfig(spec, actualReplication);
    const actual = Object.fromEntries(
      (configs.resources.find((r) => r.resourceName === spec.name)?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    if (Object.entries(desired).some(([name, value]) => actual[name] !== value)) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: 2, name: spec.name, configEntries: Object.entries(desired).map(([name, value]) => ({ name, value })) }],
      });
      result.reconfigured.push(spec.name);
    } else {
      result.unchanged.push(spec.name);
    }
  }
  return result;
}
