import type { Admin, ITopicConfig } from 'kafkajs';

/*
 * Creating topics and knowing they can be used. The catalog topics (`npm run topics:create`),
 * the transport's failure topics, the benchmarks and the tests all create topics this way, so
 * the durability rule and the readiness wait live in one place.
 */

/** Replicas for a new topic when nothing else says: 3 where there are 3 brokers, else all of them. */
export function replicationFactorFor(brokerCount: number): number {
  return Math.max(1, Math.min(3, brokerCount));
}

/**
 * With 3 replicas an acks=all write then survives one broker down; with fewer, 1 is all there
 * is (2 would refuse every write while one of two brokers is away).
 */
export function minInsyncReplicasFor(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

/**
 * What a broker answers for a partition it does not serve yet: a topic created a moment ago
 * (the controller has it, the broker has not loaded it), or a leader being elected or moved.
 */
const NOT_SERVED_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);
/** kafkajs' own cache lagging behind the brokers (a partition it saw without a leader). */
const STALE_CLIENT_METADATA = new Set(['KafkaJSTopicMetadataNotLoaded', 'KafkaJSBrokerNotFound']);

/** True when `error` only says "not served yet": worth waiting for, not a reason to fail. */
export function isNotServedYet(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { type, name, errors, cause } = error as { type?: unknown; name?: unknown; errors?: unknown; cause?: unknown };
  if (typeof type === 'string' && NOT_SERVED_YET.has(type)) return true;
  if (typeof name === 'string' && STALE_CLIENT_METADATA.has(name)) return true;
  // kafkajs' fetchTopicOffsets on a topic its cluster metadata does not list yet (seen on a
  // 3-broker cluster right after CreateTopics) destructures an empty answer: a TypeError
  if (error instanceof TypeError && /Cannot destructure property 'partitions'/.test(error.message)) return true;
  // kafkajs wraps protocol errors: retries exhausted (cause), several partitions at once (errors)
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isNotServedYet(e, depth + 1))) return true;
  return isNotServedYet(cause, depth + 1);
}

export interface TopicsServedOptions {
  /** total wait before giving up (default 60 s) */
  timeoutMs?: number;
  /** first pause between checks, doubled each round up to maxBackoffMs (defaults 100 ms, 2 s) */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** partitions a topic must list, by name (a topic created here, never an existing one) */
  partitions?: Readonly<Record<string, number>>;
  /** told after each round that left topics unserved (topic → why): a minute of silence looks like a hang */
  onWaiting?: (notServed: Readonly<Record<string, string>>) => void;
}

/** Some topics were still not served when the wait ran out; `topics` names them with why. */
export class TopicsNotServedError extends Error {
  constructor(
    readonly topics: Readonly<Record<string, string>>,
    timeoutMs: number,
  ) {
    super(
      `topics not served by the brokers after ${timeoutMs} ms: ${Object.entries(topics)
        .map(([topic, why]) => `${topic} (${why})`)
        .join(', ')}`,
    );
    this.name = 'TopicsNotServedError';
  }
}

const describe = (error: unknown) => {
  const { type, message } = error as { type?: string; message?: string };
  return type ? `${type}: ${message}` : String(message ?? error);
};

/** Why `topic` cannot be used yet, or undefined when it can. */
async function notServedBecause(admin: Admin, topic: string, partitions: number | undefined): Promise<string | undefined> {
  try {
    const found = (await admin.fetchTopicMetadata({ topics: [topic] })).topics.find((t) => t.name === topic)?.partitions ?? [];
    if (found.length === 0 || (partitions !== undefined && found.length < partitions)) return `metadata lists ${found.length} partitions`;
    const leaderless = found.filter((p) => p.leader < 0).map((p) => p.partitionId);
    if (leaderless.length > 0) return `no leader for partition ${leaderless.join(', ')}`;
    // A leader in the metadata does not mean that broker hosts the partition yet: only a
    // request the leader must answer itself (ListOffsets, as a producer or consumer would
    // send) proves it.
    await admin.fetchTopicOffsets(topic);
    return undefined;
  } catch (error) {
    if (!isNotServedYet(error)) throw error;
    return describe(error);
  }
}

/**
 * Waits until every partition of every named topic is served: the metadata names a leader for
 * each and ListOffsets on each topic succeeds. kafkajs' `createTopics({ waitForLeaders })`
 * returns on the first part only, and brokers answer UNKNOWN_TOPIC_OR_PARTITION ("This server
 * does not host this topic-partition") for a while after it. Retries only such "not yet"
 * answers, with backoff, for at most `timeoutMs`; anything else is thrown at once.
 */
export async function waitForTopicsServed(admin: Admin, topics: readonly string[], options: TopicsServedOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  let backoff = options.backoffMs ?? 100;
  let pending = [...new Set(topics)];
  for (;;) {
    const why = await Promise.all(pending.map((topic) => notServedBecause(admin, topic, options.partitions?.[topic])));
    const waiting = Object.fromEntries(pending.flatMap((topic, i) => (why[i] === undefined ? [] : [[topic, why[i]!]])));
    pending = Object.keys(waiting);
    if (pending.length === 0) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new TopicsNotServedError(waiting, timeoutMs);
    options.onWaiting?.(waiting);
    await new Promise((resolve) => setTimeout(resolve, Math.min(backoff, left)));
    backoff = Math.min(backoff * 2, maxBackoffMs);
  }
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are, whoever
 * created them) and waits until all of them are served.
 */
export async function createTopicsServed(admin: Admin, topics: readonly ITopicConfig[], options: TopicsServedOptions = {}): Promise<void> {
  if (topics.length === 0) return;
  // kafkajs' waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION and stops short of "served"
  await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
  await waitForTopicsServed(
    admin,
    topics.map((t) => t.topic),
    options,
  );
}
