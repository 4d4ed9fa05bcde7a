import { fakeKafkaAdmin } from '@lading/testing';
// through the index: the lib exports it from there, wherever it lives
import { ensureFailureTopics } from './index';

const fast = { backoffMs: 1, maxBackoffMs: 5 };
const minInsync = (configEntries?: { name: string; value: string }[]) => configEntries?.find((e) => e.name === 'min.insync.replicas')?.value;

describe('ensureFailureTopics (fake admin)', () => {
  it('waits for source topics that exist but are not served yet instead of failing the start', async () => {
    // `npm start`: topics:create created the catalog a moment before the app asks for its metadata
    const fake = fakeKafkaAdmin({ topics: { 'erp.orders.v1': { partitions: 12, unknownFor: 2, offsetsUnknownFor: 1 } } });
    await ensureFailureTopics(fake.admin, ['erp.orders.v1'], fast);
    expect(fake.topics.get('erp.orders.v1.dlq')).toMatchObject({ partitions: 12 });
  });

  it("creates <topic>.dlq with the source's partitions and replication factor and min.insync.replicas by the catalog rule", async () => {
    const fake = fakeKafkaAdmin({
      brokers: 3,
      topics: { 'erp.orders.v1': { partitions: 12, replicationFactor: 3 }, 'wms.sites.v1': { partitions: 6, replicationFactor: 3 } },
    });
    await ensureFailureTopics(fake.admin, ['erp.orders.v1', 'wms.sites.v1'], fast);
    expect(fake.created.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, minInsync: minInsync(t.configEntries) }))).toEqual([
      { topic: 'erp.orders.v1.dlq', numPartitions: 12, replicationFactor: 3, minInsync: '2' },
      { topic: 'wms.sites.v1.dlq', numPartitions: 6, replicationFactor: 3, minInsync: '2' },
    ]);
  });

  it('follows a source topic with fewer replicas than brokers (replication 2: min.insync.replicas 1)', async () => {
    const fake = fakeKafkaAdmin({ brokers: 3, topics: { 'tms.scans.v1': { partitions: 3, replicationFactor: 2 } } });
    await ensureFailureTopics(fake.admin, ['tms.scans.v1'], fast);
    expect(fake.created.map((t) => [t.topic, t.replicationFactor, minInsync(t.configEntries)])).toEqual([['tms.scans.v1.dlq', 2, '1']]);
  });

  it('returns only once the failure topics it created are served', async () => {
    const fake = fakeKafkaAdmin({ topics: { 'erp.orders.v1': { partitions: 3 } }, lag: { unknownFor: 1, leaderlessFor: 1, offsetsUnknownFor: 2 } });
    await ensureFailureTopics(fake.admin, ['erp.orders.v1'], fast);
    expect(fake.topics.get('erp.orders.v1.dlq')!.served).toBe(true);
  });
});
