import { Kafka, logLevel } from 'kafkajs';

/*
 * The Kafka work of the order-release pipeline and nothing else, as its own process: consume
 * each record of FORWARD_FROM and produce FORWARD_COPIES records of the same size to FORWARD_TO
 * (order-release consumes one OrderPlaced and publishes OrderReleased and
 * ReleaseOrderToWarehouse), with the producer settings of the Lading relay (idempotent, one
 * request in flight, acks=all). No decoding, no database: the floor under the pipeline.
 * Prints "ready" once its group has joined; stops on SIGTERM.
 */
async function main() {
  const from = process.env.FORWARD_FROM!;
  const to = process.env.FORWARD_TO!;
  const copies = Number(process.env.FORWARD_COPIES ?? '2');
  const kafka = new Kafka({ clientId: 'bench-forwarder', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: process.env.FORWARD_GROUP!, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: from, fromBeginning: true });
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  await consumer.run({
    partitionsConsumedConcurrently: 12,
    eachBatch: async ({ batch }) => {
      const messages = batch.messages.flatMap((m) => Array.from({ length: copies }, (_, i) => ({ key: m.key, value: m.value, headers: { copy: String(i) } })));
      if (messages.length > 0) await producer.send({ topic: to, acks: -1, messages });
    },
  });
  process.once('SIGTERM', () => {
    void consumer
      .disconnect()
      .then(() => producer.disconnect())
      .finally(() => process.exit(0));
  });
}

main().catch((error) => {
  process.stderr.write(`forwarder failed: ${String(error?.stack ?? error)}\n`);
  process.exit(1);
});
