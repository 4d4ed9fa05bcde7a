import type { Admin, IResourceConfigEntry } from 'kafkajs';
import { uniqueName } from '@lading/testing';
import { createTopicsServed } from '../topic-admin';

/**
 * Creates a topic no other test touches and waits until all its partitions are served, with
 * the same wait as the catalog and failure topics. It lives here, not in @lading/testing:
 * every lib's tests depend on @lading/testing, so it cannot depend on this lib.
 */
export async function createTestTopic(
  admin: Admin,
  options: { prefix?: string; partitions?: number; replicationFactor?: number; configEntries?: IResourceConfigEntry[] } = {},
): Promise<string> {
  const topic = uniqueName(options.prefix ?? 'test');
  const partitions = options.partitions ?? 1;
  await createTopicsServed(
    admin,
    [{ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? 1, configEntries: options.configEntries }],
    { partitions: { [topic]: partitions } },
  );
  return topic;
}
