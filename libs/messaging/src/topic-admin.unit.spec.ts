import { fakeKafkaAdmin, notServedError, waitUntil } from '@lading/testing';
import { KafkaJSAggregateError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { createTopicsServed, isNotServedYet, minInsyncReplicasFor, replicationFactorFor, TopicsNotServedError, waitForTopicsServed } from './topic-admin';

const fast = { backoffMs: 1, maxBackoffMs: 5 };

describe('topics served (fake admin)', () => {
  it('waits through UNKNOWN_TOPIC_OR_PARTITION, leaderless partitions and a failing ListOffsets until every topic is served', async () => {
    const fake = fakeKafkaAdmin({
      topics: {
        unknown: { partitions: 3, unknownFor: 2 },
        leaderless: { partitions: 3, leaderlessFor: 2 },
        notHosted: { partitions: 3, offsetsUnknownFor: 2 },
      },
    });
    const told: string[][] = [];
    await waitForTopicsServed(fake.admin, ['unknown', 'leaderless', 'notHosted'], { ...fast, onWaiting: (notServed) => told.push(Object.keys(notServed)) });
    expect([...fake.topics.values()].map((t) => t.served)).toEqual([true, true, true]);
    expect(told).toEqual([
      ['unknown', 'leaderless', 'notHosted'],
      ['unknown', 'leaderless', 'notHosted'],
    ]);
    // ListOffsets only once the metadata names a leader for every partition
    expect(fake.calls.filter((c) => c === 'offsets leaderless')).toHaveLength(1);
    expect(fake.calls.filter((c) => c === 'offsets notHosted')).toHaveLength(3);
  });

  it('waits for the partition count a new topic must have', async () => {
    const fake = fakeKafkaAdmin({ topics: { growing: { partitions: 2 } } });
    const waiting = waitForTopicsServed(fake.admin, ['growing'], { ...fast, timeoutMs: 5_000, partitions: { growing: 3 } });
    await waitUntil('a second look at the metadata', () => fake.calls.filter((c) => c === 'metadata growing').length >= 2);
    expect(fake.topics.get('growing')!.served).toBe(false);
    fake.topics.get('growing')!.partitions = 3;
    await waiting;
    expect(fake.topics.get('growing')!.served).toBe(true);
  });

  it('gives up after the timeout with an error naming only the topics still not served, and why', async () => {
    const fake = fakeKafkaAdmin({ topics: { ready: { partitions: 1 }, stuck: { partitions: 1, offsetsUnknownFor: 1_000_000 } } });
    const started = Date.now();
    const error = await waitForTopicsServed(fake.admin, ['ready', 'stuck'], { ...fast, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopicsNotServedError);
    expect((error as TopicsNotServedError).topics).toEqual({ stuck: 'UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition' });
    expect((error as Error).message).toBe('topics not served by the brokers after 200 ms: stuck (UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('throws any other error at once', async () => {
    const fake = fakeKafkaAdmin({ topics: { t: { partitions: 1 } } });
    const denied = new KafkaJSProtocolError(Object.assign(new Error('Not authorized to access topics'), { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false }));
    fake.admin.fetchTopicMetadata = async () => {
      throw denied;
    };
    await expect(waitForTopicsServed(fake.admin, ['t'], { ...fast, timeoutMs: 60_000 })).rejects.toBe(denied);
  });

  it('recognises "not served yet" also inside the errors kafkajs wraps it in', () => {
    expect(isNotServedYet(notServedError())).toBe(true);
    expect(isNotServedYet(notServedError('LEADER_NOT_AVAILABLE'))).toBe(true);
    expect(isNotServedYet(notServedError('NOT_LEADER_FOR_PARTITION'))).toBe(true);
    expect(isNotServedYet(new KafkaJSNumberOfRetriesExceeded(notServedError(), { retryCount: 5, retryTime: 1000 }))).toBe(true);
    expect(isNotServedYet(new KafkaJSAggregateError('several', [notServedError(), notServedError('LEADER_NOT_AVAILABLE')]))).toBe(true);
    expect(isNotServedYet(new KafkaJSAggregateError('several', [notServedError(), notServedError('TOPIC_AUTHORIZATION_FAILED')]))).toBe(false);
    expect(isNotServedYet(notServedError('TOPIC_AUTHORIZATION_FAILED'))).toBe(false);
    expect(isNotServedYet(new Error('connection refused'))).toBe(false);
  });

  it("takes kafkajs' TypeError on a topic its metadata does not list yet (a new topic on a 3-broker cluster) for not served yet", () => {
    expect(isNotServedYet(new TypeError("Cannot destructure property 'partitions' of 'high.pop(...)' as it is undefined."))).toBe(true);
    expect(isNotServedYet(new TypeError("Cannot read properties of undefined (reading 'offset')"))).toBe(false);
  });

  it('creates the missing topics and waits until new and existing ones are served', async () => {
    const fake = fakeKafkaAdmin({ topics: { old: { partitions: 2, leaderlessFor: 1 } }, lag: { unknownFor: 1, offsetsUnknownFor: 1 } });
    await createTopicsServed(fake.admin, [{ topic: 'new', numPartitions: 4 }, { topic: 'old', numPartitions: 2 }], fast);
    expect(fake.topics.get('new')).toMatchObject({ partitions: 4, served: true });
    expect(fake.topics.get('old')).toMatchObject({ partitions: 2, served: true });
  });

  it('sizes replication by the brokers there are, and min.insync.replicas by the replication (one rule for every topic)', () => {
    expect([1, 2, 3, 5].map(replicationFactorFor)).toEqual([1, 2, 3, 3]);
    expect([1, 2, 3, 5].map(minInsyncReplicasFor)).toEqual([1, 1, 2, 2]);
  });
});
