import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { keyOf, type InventoryLevelChanged } from '@lading/contracts';
import { createAvroSerde } from '@lading/schema-registry';
import type { StockLevel } from '@lading/simulator';
import { messagingTesting } from '@lading/messaging';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueName, waitUntil } from '@lading/testing';

/**
 * What a consumer rebuilding stock from the compacted inventory topic gets, for every tenant:
 * the run's levels on `wms.inventory.v2` are copied into two private topics that compact within
 * seconds — one keyed as v2 (tenant@sku@site), one keyed as the deprecated v1 (sku@site) — and
 * each is re-read after compaction. The v2 copy must rebuild every tenant's final level; the v1
 * copy shows what v2 fixes (compaction kept one tenant per sku@site), so this check can fail.
 */
export async function compactedInventoryKeepsEveryTenant(run: string, prefix: string, wmsLevels: readonly StockLevel[]): Promise<void> {
  const kafka = new Kafka({ clientId: `${run}-compaction`, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
  const serde = createAvroSerde({ registryUrl: testSchemaRegistryUrl() });
  const levelKey = (tenantId: string, siteId: string, sku: string) => `${tenantId}|${siteId}|${sku}`;
  const expected = new Map(wmsLevels.map((l) => [levelKey(l.tenantId, l.siteId, l.sku), l.onHand]));

  // 1. the run's records on the catalog topic, in partition order
  const source = await readAll(kafka, 'wms.inventory.v2', async (m) => {
    const value = (await serde.decode('wms.inventory.v2', m.value!)).value as InventoryLevelChanged;
    return value.meta.tenantId.startsWith(prefix) ? value : undefined;
  }, (values) => new Set(values.map((v) => levelKey(v.meta.tenantId, v.siteId, v.sku))).size >= expected.size);

  // 2. copied into two private topics that compact within seconds
  const admin = kafka.admin();
  await admin.connect();
  const compacted = [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '200' },
    { name: 'min.cleanable.dirty.ratio', value: '0.001' },
    { name: 'min.compaction.lag.ms', value: '0' },
    { name: 'max.compaction.lag.ms', value: '500' },
    { name: 'delete.retention.ms', value: '100' },
  ];
  const v2Copy = await messagingTesting.createTestTopic(admin, { prefix: `${run}-inv-v2`, configEntries: compacted });
  const v1Copy = await messagingTesting.createTestTopic(admin, { prefix: `${run}-inv-v1`, configEntries: compacted });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  for (const [topic, key] of [
    [v2Copy, (v: InventoryLevelChanged) => keyOf('wms.inventory.v2', v)],
    [v1Copy, (v: InventoryLevelChanged) => keyOf('wms.inventory.v1', v)],
  ] as const) {
    for (let at = 0; at < source.length; at += 500) {
      await producer.send({ topic, acks: -1, messages: source.slice(at, at + 500).map((v) => ({ key: key(v), value: JSON.stringify(v) })) });
    }
  }
  // 3. a later record rolls the segment the copies sit in, so the log cleaner may compact it
  const rolled = Date.now();
  await waitUntil('the copies to be compacted', async () => {
    if (Date.now() - rolled > 300) for (const topic of [v2Copy, v1Copy]) await producer.send({ topic, acks: -1, messages: [{ key: `${uniqueName('roll')}`, value: '{}' }] });
    const v1 = await readAll(kafka, v1Copy, async (m) => m);
    const v1Keys = new Set(v1.filter((m) => m.value?.toString() !== '{}').map((m) => m.key?.toString()));
    // compacted: no key of the copied records appears twice any more
    return v1.filter((m) => m.value?.toString() !== '{}').length === v1Keys.size;
  }, { timeoutMs: 150_000, intervalMs: 2_000 });
  await producer.disconnect();

  // 4. the rebuild: the latest value per key, as a consumer of the compacted topic keeps it
  const rebuild = async (topic: string) => {
    const latest = new Map<string, number>();
    for (const m of await readAll(kafka, topic, async (message) => message)) {
      if (m.value?.toString() === '{}') continue;
      const v = JSON.parse(m.value!.toString()) as InventoryLevelChanged;
      latest.set(levelKey(v.meta.tenantId, v.siteId, v.sku), v.onHand.value);
    }
    return latest;
  };
  const fromV2 = await rebuild(v2Copy);
  const fromV1 = await rebuild(v1Copy);
  expect([...expected].filter(([key, onHand]) => fromV2.get(key) !== onHand)).toEqual([]);
  // what v2's key fixes: sku@site compacted the other tenants' levels away
  expect(fromV1.size).toBeLessThan(expected.size);
}

/** Every message of a topic from the beginning (a fresh group), mapped; until `enough` says so or the topic is drained. */
async function readAll<T>(kafka: Kafka, topic: string, map: (m: KafkaMessage) => Promise<T | undefined>, enough?: (values: T[]) => boolean): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const values: T[] = [];
  if (remaining.size === 0) return values;
  const consumer = kafka.consumer({ groupId: uniqueName('e2e-read'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = await map(message);
      if (value !== undefined) values.push(value);
      if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
    },
  });
  try {
    await waitUntil(`${topic} read to its end`, () => remaining.size === 0 || (enough?.(values) ?? false), { timeoutMs: 120_000 });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
