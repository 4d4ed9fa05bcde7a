import { OutageError } from '@lading/errors';
import type { ICustomPartitioner, Message, PartitionerArgs, RecordMetadata, TopicMessages } from 'kafkajs';

/*
 * kafkajs 2.2.4 can resolve a `send`/`sendBatch` without having written some of its records:
 * its sendMessages keeps the answers of every broker across retries, so when one broker answers
 * NOT_LEADER_FOR_PARTITION and that partition's new leader is a broker that already answered
 * for its own partitions, the retry sends nothing there and the call resolves — the records of
 * the moved partition are silently dropped (tulios/kafkajs PR #1798, open). Found by
 * `npm run chaos` (kafka-min-isr-not-met: decided orders never published). Guard: every message
 * records the partition kafkajs picked for it, and a send that comes back without an
 * acknowledgement for one of those partitions is an error — the caller sends the batch again
 * (consumers' inboxes absorb the records that did arrive twice).
 */

const PARTITION = Symbol('lading.partition');

type Recorded = Message & { [PARTITION]?: number };

/** Wraps a kafkajs partitioner so that each message remembers the partition it was sent to. */
export function partitionRecordingPartitioner(create: ICustomPartitioner): ICustomPartitioner {
  return () => {
    const inner = create();
    return (args: PartitionerArgs) => {
      const partition = inner(args);
      (args.message as Recorded)[PARTITION] = partition;
      return partition;
    };
  };
}

/** The partitions of `topicMessages` that `results` holds no error-free acknowledgement for. */
export function missingAcknowledgements(topicMessages: readonly TopicMessages[], results: readonly RecordMetadata[]): string[] {
  const acknowledged = new Set(results.filter((r) => r.errorCode === 0).map((r) => `${r.topicName}/${r.partition}`));
  const missing = new Set<string>();
  for (const { topic, messages } of topicMessages) {
    for (const message of messages as Recorded[]) {
      const partition = message.partition ?? message[PARTITION];
      // a message no partitioner saw (kafkajs sent nothing) is missing too
      const at = `${topic}/${partition ?? '?'}`;
      if (!acknowledged.has(at)) missing.add(at);
    }
  }
  return [...missing];
}

export const unacknowledged = {
  /** `results`, or an OutageError naming the partitions nothing acknowledged (send the batch again). */
  check(topicMessages: readonly TopicMessages[], results: RecordMetadata[]): RecordMetadata[] {
    const missing = missingAcknowledgements(topicMessages, results);
    if (missing.length > 0) {
      throw new OutageError(`Kafka acknowledged the batch without ${missing.join(', ')} (a partition moved leader during the send); the batch must be sent again`, 'KAFKA_PARTIAL_ACKNOWLEDGEMENT');
    }
    return results;
  },
};
