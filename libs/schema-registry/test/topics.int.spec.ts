import type { TopicSpec } from '@lading/contracts';
import { testKafka, uniqueName } from '@lading/testing';
import { ensureTopics } from '../src';

describe('ensureTopics (real broker, auto-create off)', () => {
  it('creates catalog topics with partitions, cleanup policy and retention, and a second run changes nothing', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    const spec = (name: string, cleanupPolicy: 'delete' | 'compact', retentionMs: number): TopicSpec => ({
      name,
      keyField: 'orderId',
      keyDescription: 'order id',
      partitions: 3,
      cleanupPolicy,
      retentionMs,
      recordTypes: ['lading.erp.OrderPlaced'],
      producedBy: 'test',
      alsoProducedBy: [],
      consumedBy: ['test'],
    });
    const catalog = [spec(`${uniqueName('test')}.orders.v1`, 'delete', 86_400_000), spec(`${uniqueName('test')}.levels.v1`, 'compact', -1)];
    const names = catalog.map((t) => t.name);
    try {
      expect(await ensureTopics(admin, { catalog })).toEqual({ created: names, reconfigured: [], unchanged: [], partitionMismatches: [] });
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      expect(metadata.topics.map((t) => t.partitions.length)).toEqual([3, 3]);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: 2, name, configNames: ['cleanup.policy', 'retention.ms'] })),
      });
      const config = (name: string) => Object.fromEntries(configs.resources.find((r) => r.resourceName === name)!.configEntries.map((e) => [e.configName, e.configValue]));
      expect(config(names[0])).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '86400000' });
      expect(config(names[1])).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });

      expect(await ensureTopics(admin, { catalog })).toEqual({ created: [], reconfigured: [], unchanged: names, partitionMismatches: [] });
      // a drifted topic is brought back; a partition mismatch is reported, never "fixed"
      const drifted = [{ ...catalog[0], retentionMs: 3_600_000 }, { ...catalog[1], partitions: 6 }];
      expect(await ensureTopics(admin, { catalog: drifted })).toEqual({
        created: [],
        reconfigured: [names[0]],
        unchanged: [names[1]],
        partitionMismatches: [{ topic: names[1], actual: 3, expected: 6 }],
      });
    } finally {
      await admin.deleteTopics({ topics: names }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
