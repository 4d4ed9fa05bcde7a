import { ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { testKafka, uniqueName } from '@lading/testing';
import { createTopicsServed, deadLetterTopicOf, ensureFailureTopics, minInsyncReplicasFor } from '../src';

jest.setTimeout(60_000);

describe('failure topics on the real broker', () => {
  it("are created with the source topic's partitions and replication and an explicit min.insync.replicas, and served", async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('msg-failure-src');
    const failureTopics = [deadLetterTopicOf(topic)];
    try {
      await createTopicsServed(admin, [{ topic, numPartitions: 3 }]);
      await ensureFailureTopics(kafka.admin(), [topic]);

      const metadata = await admin.fetchTopicMetadata({ topics: [topic, ...failureTopics] });
      const layout = (name: string) => {
        const partitions = metadata.topics.find((t) => t.name === name)!.partitions;
        return { partitions: partitions.length, replicationFactor: partitions[0].replicas.length };
      };
      const source = layout(topic);
      for (const name of failureTopics) expect(layout(name)).toEqual(source);

      // set on the topic itself (TOPIC_CONFIG), not inherited from the broker's default
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: failureTopics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
      });
      for (const name of failureTopics) {
        const entry = configs.resources.find((r) => r.resourceName === name)!.configEntries.find((e) => e.configName === 'min.insync.replicas');
        expect({ name, value: entry?.configValue, source: entry?.configSource }).toEqual({
          name,
          value: String(minInsyncReplicasFor(source.replicationFactor)),
          source: ConfigSource.TOPIC_CONFIG,
        });
      }
      // served: the leader answers ListOffsets for every partition
      for (const name of failureTopics) expect(await admin.fetchTopicOffsets(name)).toHaveLength(source.partitions);
    } finally {
      await admin.deleteTopics({ topics: [topic, ...failureTopics] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
