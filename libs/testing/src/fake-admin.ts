import { KafkaJSProtocolError, type Admin, type ITopicConfig } from 'kafkajs';

/**
 * An in-memory kafkajs Admin for the calls topic code makes (create, metadata, ListOffsets,
 * configs), where a topic can be "not served yet" for a number of calls: the window a real
 * broker shows only sometimes, right after it created a topic, reproduced every time.
 */
export interface FakeTopic {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** metadata calls still answered UNKNOWN_TOPIC_OR_PARTITION */
  unknownFor: number;
  /** metadata calls still answered with leader -1 */
  leaderlessFor: number;
  /** ListOffsets calls still answered UNKNOWN_TOPIC_OR_PARTITION (the leader does not host it yet) */
  offsetsUnknownFor: number;
  /** a ListOffsets call succeeded: the topic was seen served */
  served: boolean;
}

export interface FakeAdminOptions {
  brokers?: number;
  topics?: Record<string, Partial<FakeTopic> & { partitions: number }>;
  /** how long topics created through this admin stay unserved */
  lag?: Partial<Pick<FakeTopic, 'unknownFor' | 'leaderlessFor' | 'offsetsUnknownFor'>>;
}

export interface FakeAdmin {
  admin: Admin;
  topics: Map<string, FakeTopic>;
  /** what was asked, in order: `createTopics a,b`, `metadata a`, `offsets a`, ... */
  calls: string[];
  /** every topic config passed to createTopics */
  created: ITopicConfig[];
}

/** What a broker answers for a partition it does not host (yet). */
export function notServedError(type = 'UNKNOWN_TOPIC_OR_PARTITION', message = 'This server does not host this topic-partition'): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code: 3, retriable: true }));
}

export function fakeKafkaAdmin(options: FakeAdminOptions = {}): FakeAdmin {
  const brokers = options.brokers ?? 1;
  const topics = new Map<string, FakeTopic>();
  const add = (name: string, t: Partial<FakeTopic> & { partitions: number }) =>
    topics.set(name, { replicationFactor: Math.min(3, brokers), configs: {}, unknownFor: 0, leaderlessFor: 0, offsetsUnknownFor: 0, served: false, ...t });
  for (const [name, t] of Object.entries(options.topics ?? {})) add(name, t);
  const calls: string[] = [];
  const created: ITopicConfig[] = [];
  const lookup = (name: string) => {
    const t = topics.get(name);
    if (!t) throw notServedError();
    return t;
  };

  const admin: Partial<Admin> = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    describeCluster: async () => ({ brokers: Array.from({ length: brokers }, (_, nodeId) => ({ nodeId, host: '127.0.0.1', port: 9092 + nodeId })), controller: 0, clusterId: 'fake' }),
    listTopics: async () => [...topics.keys()],
    createTopics: async ({ topics: wanted }) => {
      calls.push(`createTopics ${wanted.map((t) => t.topic).join(',')}`);
      let any = false;
      for (const t of wanted) {
        created.push(t);
        if (topics.has(t.topic)) continue;
        any = true;
        add(t.topic, {
          partitions: t.numPartitions ?? 1,
          replicationFactor: t.replicationFactor === undefined || t.replicationFactor < 0 ? Math.min(3, brokers) : t.replicationFactor,
          configs: Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value])),
          ...options.lag,
        });
      }
      return any;
    },
    fetchTopicMetadata: async (request) => {
      const names = request?.topics ?? [...topics.keys()];
      calls.push(`metadata ${names.join(',')}`);
      return {
        topics: names.map((name) => {
          const t = lookup(name);
          if (t.unknownFor > 0) {
            t.unknownFor--;
            throw notServedError();
          }
          const leaderless = t.leaderlessFor > 0;
          if (leaderless) t.leaderlessFor--;
          const replicas = Array.from({ length: t.replicationFactor }, (_, i) => i);
          return {
            name,
            partitions: Array.from({ length: t.partitions }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: leaderless ? -1 : 0, replicas, isr: replicas })),
          };
        }),
      };
    },
    fetchTopicOffsets: async (name) => {
      calls.push(`offsets ${name}`);
      const t = lookup(name);
      if (t.offsetsUnknownFor > 0 || t.unknownFor > 0) {
        t.offsetsUnknownFor--;
        throw notServedError();
      }
      t.served = true;
      return Array.from({ length: t.partitions }, (_, partition) => ({ partition, offset: '0', high: '0', low: '0' }));
    },
    describeConfigs: async ({ resources }) => ({
      throttleTime: 0,
      resources: resources.map((r) => ({
        errorCode: 0,
        errorMessage: '',
        resourceType: r.type,
        resourceName: r.name,
        configEntries: Object.entries(lookup(r.name).configs)
          .filter(([configName]) => !r.configNames || r.configNames.includes(configName))
          .map(([configName, configValue]) => ({ configName, configValue, isDefault: false, configSource: 1, isSensitive: false, readOnly: false, configSynonyms: [] })),
      })),
    }),
    alterConfigs: async ({ resources }) => {
      for (const r of resources) lookup(r.name).configs = Object.fromEntries(r.configEntries.map((e) => [e.name, e.value]));
      return { throttleTime: 0, resources: [] };
    },
  };
  return { admin: admin as Admin, topics, calls, created };
}
