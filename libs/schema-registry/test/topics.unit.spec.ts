import type { TopicSpec } from '@lading/contracts';
import { fakeKafkaAdmin } from '@lading/testing';
import { ensureTopics } from '../src';

const spec = (name: string, partitions = 12): TopicSpec => ({
  name,
  keyField: 'orderId',
  keyDescription: 'order id',
  partitions,
  cleanupPolicy: 'delete',
  retentionMs: 86_400_000,
  recordTypes: ['lading.erp.OrderPlaced'],
  producedBy: 'test',
  alsoProducedBy: [],
  consumedBy: ['test'],
});

describe('ensureTopics (fake admin)', () => {
  it('returns only once every catalog topic it created is served, though the brokers lag behind the creation', async () => {
    // the first `npm start` on a fresh clone: the app asked for metadata the moment this returned
    const fake = fakeKafkaAdmin({ brokers: 3, lag: { unknownFor: 1, leaderlessFor: 1, offsetsUnknownFor: 2 } });
    const catalog = [spec('erp.orders.v1'), spec('wms.sites.v1', 6)];
    const result = await ensureTopics(fake.admin, { catalog, served: { backoffMs: 1, maxBackoffMs: 5 } });
    expect(result.created).toEqual(['erp.orders.v1', 'wms.sites.v1']);
    expect([...fake.topics.values()].map((t) => t.served)).toEqual([true, true]);
    expect(fake.created.map((t) => [t.topic, t.replicationFactor, t.configEntries?.find((e) => e.name === 'min.insync.replicas')?.value])).toEqual([
      ['erp.orders.v1', 3, '2'],
      ['wms.sites.v1', 3, '2'],
    ]);
  });

  it('waits for existing catalog topics that are not served yet before reading their metadata', async () => {
    // a run a moment ago (or another one now) created them
    const fake = fakeKafkaAdmin({ topics: { 'erp.orders.v1': { partitions: 12, unknownFor: 2, configs: { 'cleanup.policy': 'delete', 'retention.ms': '86400000', 'min.insync.replicas': '1' } } } });
    const result = await ensureTopics(fake.admin, { catalog: [spec('erp.orders.v1')], served: { backoffMs: 1, maxBackoffMs: 5 } });
    expect(result).toEqual({ created: [], reconfigured: [], unchanged: ['erp.orders.v1'], partitionMismatches: [] });
  });
});
