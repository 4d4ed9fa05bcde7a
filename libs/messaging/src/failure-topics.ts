import type { Admin } from 'kafkajs';
import { deadLetterTopicOf } from './failure';
import { createTopicsServed, minInsyncReplicasFor, replicationFactorFor, waitForTopicsServed, type TopicsServedOptions } from './topic-admin';

interface Layout {
  partitions: number;
  replicationFactor: number;
}

/**
 * The partitions and replication of each source topic. A failure topic is as durable as its
 * source: the dead-letter copy is acknowledged (acks=all) before the source offset is
 * committed, and with broker defaults a 3-broker cluster could acknowledge it on one replica.
 */
async function layoutOf(admin: Admin, topics: readonly string[]): Promise<Map<string, Layout>> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  let fallback: number | undefined;
  const layouts = new Map<string, Layout>();
  for (const topic of topics) {
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
    let replicationFactor = Math.max(0, ...partitions.map((p) => p.replicas.length));
    if (replicationFactor === 0) replicationFactor = fallback ??= replicationFactorFor((await admin.describeCluster()).brokers.length);
    layouts.set(topic, { partitions: Math.max(1, partitions.length), replicationFactor });
  }
  return layouts;
}

/**
 * Creates the dead-letter topic of each source topic when missing, with the source's partition
 * count and replication factor and `min.insync.replicas` by the same rule as the catalog topics. Topics are never auto-created (broker and client), so the
 * failure path must exist before the first failure needs it. The source topics may have been
 * created a moment ago (`npm start` creates them just before the apps start): this waits until
 * they, and the failure topics, are served.
 */
export async function ensureFailureTopics(
  admin: Admin,
  topics: string[],
  options: Omit<TopicsServedOptions, 'partitions'> = {},
): Promise<void> {
  await admin.connect();
  try {
    await waitForTopicsServed(admin, topics, options);
    const layouts = await layoutOf(admin, topics);
    const wanted = topics.map((t) => ({ topic: deadLetterTopicOf(t), ...layouts.get(t)! }));
    const existing = new Set(await admin.listTopics());
    // Another instance of the group may create them at the same moment: kafkajs takes
    // TOPIC_ALREADY_EXISTS for "nothing to do", and their topics are waited for all the same.
    await createTopicsServed(
      admin,
      wanted
        .filter((t) => !existing.has(t.topic))
        .map(({ topic, partitions, replicationFactor }) => ({
          topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicasFor(replicationFactor)) }],
        })),
      options,
    );
    await waitForTopicsServed(
      admin,
      wanted.filter((t) => existing.has(t.topic)).map((t) => t.topic),
      options,
    );
  } finally {
    await admin.disconnect();
  }
}
