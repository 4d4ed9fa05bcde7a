import { Kafka, logLevel } from 'kafkajs';
import { createTopicsServed } from '@lading/messaging';
import { collectMessages, uniqueName, waitUntil } from '@lading/testing';
import { portOpen } from '../src/processes';
import { bootstrapServers, threeBrokerClusterAt } from '../src/settings';
import { isolatedHome, pidRunning } from './infra-cli';

/**
 * The 3-node cluster (RF 3, min.insync.replicas 2) loses the broker that leads the test
 * partition, hard (SIGKILL), in the middle of a stream of acks=all writes: writes keep being
 * acknowledged and every acknowledged message is still there afterwards.
 */
// ports of its own: a cluster the developer runs on 29092-29094 (npm run chaos) is not this test's
const cluster = threeBrokerClusterAt(39192);

describe('3-broker cluster failover', () => {
  const sandbox = isolatedHome({ kafkaCluster: cluster.nodes[0].clientPort });

  afterAll(async () => {
    await sandbox.infra('down', '--brokers', '3').catch(() => undefined);
    sandbox.remove();
  });

  it('keeps accepting acks=all writes with one broker killed and loses none of the acknowledged ones', async () => {
    await sandbox.infra('up', '--brokers', '3');
    const kafka = new Kafka({
      clientId: uniqueName('failover'),
      brokers: bootstrapServers(cluster),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100 },
    });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('failover');
    await createTopicsServed(admin, [{ topic, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
    await waitUntil('all 3 replicas in sync', async () => {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0].partitions[0].isr.length === 3;
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();

    const acknowledged: string[] = [];
    let failedSends = 0;
    const produce = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const id = `order-${acknowledged.length + failedSends}`;
        try {
          await producer.send({ topic, acks: -1, messages: [{ key: id, value: id }] });
          acknowledged.push(id);
        } catch {
          failedSends++; // not acknowledged: the test promises nothing about it
        }
      }
    };

    await produce(150);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = meta.topics[0].partitions[0].leader;
    const victim = sandbox.record(`kafka-cluster-${leader}`);
    expect(victim).toBeDefined();
    process.kill(victim!.pid, 'SIGKILL');
    await waitUntil('the killed broker to be gone', () => !pidRunning(victim!.pid));

    const beforeFailover = acknowledged.length;
    await produce(150);
    // Writes after the kill were acknowledged by the two survivors (ISR 2 = min.insync.replicas).
    expect(acknowledged.length - beforeFailover).toBeGreaterThan(100);

    const survivors = cluster.nodes.filter((n) => n.nodeId !== leader).map((n) => `127.0.0.1:${n.clientPort}`);
    const reader = new Kafka({ clientId: uniqueName('failover-reader'), brokers: survivors, logLevel: logLevel.NOTHING });
    const collected = await collectMessages(reader, topic);
    try {
      await waitUntil(
        `every acknowledged message back (${acknowledged.length})`,
        () => collected.messages.length >= acknowledged.length,
        { timeoutMs: 60_000 },
      );
      const seen = new Set(collected.messages.map((m) => m.value?.toString()));
      expect(acknowledged.filter((id) => !seen.has(id))).toEqual([]);
    } finally {
      await collected.stop();
      await producer.disconnect();
      await admin.disconnect();
    }

    const down = await sandbox.infra('down', '--brokers', '3');
    expect(down.stdout).toMatch(/kafka-cluster-\d: (stopped|killed)/);
    for (const node of cluster.nodes) {
      expect({ port: node.clientPort, open: await portOpen(node.clientPort) }).toEqual({ port: node.clientPort, open: false });
      const record = sandbox.record(`kafka-cluster-${node.nodeId}`);
      expect(record === undefined || !pidRunning(record.pid)).toBe(true);
    }
  }, 300_000);
});
