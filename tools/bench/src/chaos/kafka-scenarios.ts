import { keyOf, topicCatalog } from '@lading/contracts';
import { childTraceparent, createTopicsServed, deadLetterTopicOf, Headers, metaHeaders, readDeadLetters } from '@lading/messaging';
import { orderPlaced } from '../suites/order-release/world';
import { busiestLeader, setMinInsyncReplicas, startMissingBrokers, stopBroker, waitForFullIsr } from './cluster';
import { sleep, type ChaosContext, type ChaosScenario } from './context';

const inputTopics = topicCatalog.filter((t) => t.consumedBy.includes('order-release')).map((t) => t.name);
const outputTopics = topicCatalog.filter((t) => t.producedBy === 'order-release').map((t) => t.name);

export const leaderBounces: ChaosScenario = {
  name: 'kafka-leader-bounces',
  description: 'partition leaders bounce: the broker leading most of order-release\'s partitions stops (SIGTERM and SIGKILL, alternating) and comes back, N times',
  async fault(ctx) {
    const startedAt = Date.now();
    const bounced: string[] = [];
    for (let i = 1; i <= ctx.profile.leaderBounces; i++) {
      const nodeId = await busiestLeader(ctx.admin, [...inputTopics, ...outputTopics]);
      const how = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      ctx.progress(`bounce ${i}/${ctx.profile.leaderBounces}: broker ${nodeId} (${how})`);
      await stopBroker(nodeId, how);
      await sleep(5_000);
      await startMissingBrokers(ctx.progress);
      await waitForFullIsr(ctx.admin, [...inputTopics, ...outputTopics]);
      bounced.push(`${nodeId}:${how}`);
      await sleep(3_000);
    }
    return { startedAt, endedAt: Date.now(), notes: { bounced } };
  },
};

export const minInsyncNotMet: ChaosScenario = {
  name: 'kafka-min-isr-not-met',
  description: "min.insync.replicas not met: order-release's output topics need 3 in-sync replicas while one of the 3 brokers is down, so every acks=all write to them is refused",
  async fault(ctx) {
    await setMinInsyncReplicas(ctx.admin, outputTopics, 3);
    await stopBroker(3, 'SIGTERM');
    const startedAt = Date.now();
    ctx.progress(`broker 3 down, ${outputTopics.join(', ')} need 3 in-sync replicas: writes refused for ${ctx.profile.faultSeconds} s`);
    await sleep(ctx.profile.faultSeconds * 1_000);
    await startMissingBrokers(ctx.progress);
    await waitForFullIsr(ctx.admin, outputTopics);
    const endedAt = Date.now();
    await setMinInsyncReplicas(ctx.admin, outputTopics, 2);
    return { startedAt, endedAt, notes: { topics: outputTopics } };
  },
};

/**
 * The case of the failure-paths issue: the dead-letter topic is gone while a poison message on
 * key K is followed by more messages on K (the same order number in 12 tenants) and the
 * simulator's traffic keeps arriving.
 */
export const deadLetterTopicUnavailable: ChaosScenario = {
  name: 'dlq-unavailable',
  description: 'erp.orders.v1.dlq deleted while a poison message on key K is followed by 12 orders on K (one per tenant, same order number) and traffic keeps arriving; then re-created',
  async fault(ctx) {
    const source = 'erp.orders.v1';
    const dlq = deadLetterTopicOf(source);
    const [meta] = (await ctx.admin.fetchTopicMetadata({ topics: [source] })).topics;
    await ctx.admin.deleteTopics({ topics: [dlq] });
    while ((await ctx.admin.listTopics()).includes(dlq)) await sleep(200);
    const startedAt = Date.now();
    const orderId = 'SO-CHAOS-K';
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const poisonId = `${ctx.tenantPrefix}poison`;
      await producer.send({ topic: source, acks: -1, messages: [{ key: orderId, value: Buffer.from('{"orderId":"SO-CHAOS-K","not":"avro"}'), headers: { [Headers.eventId]: poisonId } }] });
      for (let t = 1; t <= 12; t++) {
        const world = { tenantId: `${ctx.tenantPrefix}k-${String(t).padStart(2, '0')}`, sites: ['SITE-K'], skus: ['SKU-K1', 'SKU-K2'] };
        const value = orderPlaced(world, orderId, t);
        await producer.send({
          topic: source,
          acks: -1,
          messages: [{ key: keyOf(source, value), value: await ctx.serde.encode(source, 'lading.erp.OrderPlaced', value), headers: metaHeaders('lading.erp.OrderPlaced', value.meta, childTraceparent()) }],
        });
        await sleep(200);
      }
      ctx.progress(`poison and 12 orders on key ${orderId} sent; ${dlq} stays gone for ${ctx.profile.faultSeconds} s`);
      await sleep(ctx.profile.faultSeconds * 1_000);
      const replicationFactor = meta.partitions[0].replicas.length;
      await createTopicsServed(ctx.admin, [
        { topic: dlq, numPartitions: meta.partitions.length, replicationFactor, configEntries: [{ name: 'min.insync.replicas', value: String(Math.max(1, replicationFactor - 1)) }] },
      ]);
      const endedAt = Date.now();
      return { startedAt, endedAt, notes: { key: orderId, laterMessagesOnKey: 12 }, check: () => checkPoison(ctx, dlq, poisonId) };
    } finally {
      await producer.disconnect();
    }
  },
};

/** After the run settled: the poison, and only it, reached the dead-letter topic, with its cause. */
async function checkPoison(ctx: ChaosContext, dlq: string, poisonId: string): Promise<string[]> {
  const letters = await readDeadLetters(ctx.kafka, dlq, {});
  const poison = letters.filter((l) => l.eventId === poisonId);
  const failures: string[] = [];
  if (poison.length !== 1) failures.push(`the poison message is ${poison.length} times in ${dlq}, expected once`);
  else if (!poison[0].errorCode) failures.push(`the poison message in ${dlq} has no error code`);
  const others = letters.filter((l) => l.eventId !== poisonId && l.tenantId?.startsWith(ctx.tenantPrefix));
  if (others.length > 0) failures.push(`${others.length} other messages of the run were dead-lettered (${others[0].errorCode}: ${others[0].errorMessage})`);
  return failures;
}
