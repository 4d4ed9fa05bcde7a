import type { Admin } from 'kafkajs';
import { bootstrapServers, threeBrokerCluster } from '@lading/infra';
import { kafkaDown, kafkaNodeRecordName, kafkaUp } from '@lading/infra/src/kafka';
import { isAlive, readRecord, stopProcess } from '@lading/infra/src/processes';

/** The 3-broker cluster the chaos run bounces (infra:up -- --brokers 3), by node id 1-3. */
export const clusterBrokers = bootstrapServers(threeBrokerCluster);

const nodeOf = (nodeId: number) => {
  const node = threeBrokerCluster.nodes.find((n) => n.nodeId === nodeId);
  if (!node) throw new Error(`no broker ${nodeId} in the 3-broker cluster`);
  return node;
};

/** Stops one broker: SIGTERM (a controlled shutdown, leadership moves first) or SIGKILL (it just dies). */
export async function stopBroker(nodeId: number, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const record = readRecord(kafkaNodeRecordName(threeBrokerCluster, nodeOf(nodeId)));
  if (!record || !isAlive(record)) throw new Error(`broker ${nodeId} is not running (no live process record)`);
  if (how === 'SIGKILL') {
    process.kill(record.pid, 'SIGKILL');
    while (isAlive(record)) await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(record, 60_000);
}

/** Starts every broker of the cluster that is not running and waits until all three are in the cluster. */
export async function startMissingBrokers(progress: (line: string) => void): Promise<'started' | 'already running'> {
  return kafkaUp(threeBrokerCluster, (line) => progress(`  ${line}`));
}

/** Stops the cluster's brokers (the ones this machine's infra records name). */
export async function stopCluster(progress: (line: string) => void): Promise<void> {
  await kafkaDown(threeBrokerCluster, (line) => progress(`  ${line}`));
}

/** Waits until every partition of `topics` has its full replica set in sync again. */
export async function waitForFullIsr(admin: Admin, topics: readonly string[], timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
    const short = metadata.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length || p.leader < 0).map((p) => `${t.name}/${p.partitionId}`));
    if (short.length === 0) return;
    if (Date.now() > until) throw new Error(`replicas not back in sync after ${timeoutMs} ms: ${short.slice(0, 5).join(', ')}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The broker that leads most partitions of `topics`. */
export async function busiestLeader(admin: Admin, topics: readonly string[]): Promise<number> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  const led = new Map<number, number>();
  for (const t of metadata.topics) for (const p of t.partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
  return [...led].sort((a, b) => b[1] - a[1])[0][0];
}

/**
 * Sets `min.insync.replicas` on topics, keeping their other topic-level settings: the AlterConfigs
 * request (the one kafkajs speaks) replaces a topic's whole configuration.
 */
export async function setMinInsyncReplicas(admin: Admin, topics: readonly string[], value: number): Promise<void> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: 2, name })) });
  await admin.alterConfigs({
    validateOnly: false,
    resources: described.resources.map((r) => ({
      type: 2,
      name: r.resourceName,
      configEntries: [
        // TOPIC_CONFIG (1): set on the topic itself, not inherited
        ...r.configEntries.filter((e) => e.configSource === 1 && e.configName !== 'min.insync.replicas').map((e) => ({ name: e.configName, value: e.configValue })),
        { name: 'min.insync.replicas', value: String(value) },
      ],
    })),
  });
}
