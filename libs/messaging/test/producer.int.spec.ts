import { Registry } from 'prom-client';
import { createEventProducer, createJsonLogger, createKafkaClient, createMessagingMetrics, Headers, headerText, messagingTesting, parseTraceparent } from '../src';
import { collectMessages, testKafka, testKafkaBrokers, uniqueName, waitForMessages } from '@lading/testing';
import { topicFixture, type TopicFixture } from './harness';

jest.setTimeout(60_000);

describe('event producer against the real broker', () => {
  let fixture: TopicFixture;
  afterEach(() => fixture?.close());

  it('publishes Avro keyed by the catalog key with meta and a child traceparent in headers', async () => {
    fixture = await topicFixture(3);
    const metrics = createMessagingMetrics(new Registry());
    const producer = createEventProducer({ kafka: fixture.kafka, serde: fixture.serde, keyOf: messagingTesting.testKeyOf, metrics, lingerMs: 20 });
    await producer.connect();
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const scans = Array.from({ length: 20 }, (_, i) => messagingTesting.shipmentScanned({ shipmentId: `SHP-${i % 4}`, sequence: i }));
    // Concurrent publishes within the linger window share batches; each resolves once acked.
    await Promise.all(scans.map((s) => producer.publish(fixture.topic, messagingTesting.shipmentScannedType, s, { traceparent: parent })));
    await producer.disconnect();

    const seen = await collectMessages(testKafka(), fixture.topic);
    await waitForMessages(seen.messages, 20);
    await seen.stop();
    const byEvent = new Map(seen.messages.map((m) => [headerText(m.headers, Headers.eventId), m]));
    for (const scan of scans) {
      const m = byEvent.get(scan.meta.eventId)!;
      expect(m.key?.toString()).toBe(scan.shipmentId);
      expect(headerText(m.headers, Headers.recordType)).toBe(messagingTesting.shipmentScannedType);
      expect(headerText(m.headers, Headers.tenantId)).toBe('tenant-acme');
      expect(headerText(m.headers, Headers.correlationId)).toBe(scan.meta.correlationId);
      expect(headerText(m.headers, Headers.occurredAt)).toBe(String(scan.meta.occurredAt));
      expect(parseTraceparent(headerText(m.headers, Headers.traceparent))?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      const decoded = await fixture.serde.decode(fixture.topic, m.value!);
      expect(decoded.value).toEqual(scan);
    }
    // Per-shipment order survives batching.
    const sequencesPerKey = new Map<string, number[]>();
    for (const m of seen.messages) {
      const key = m.key!.toString();
      const decoded = (await fixture.serde.decode(fixture.topic, m.value!)).value as messagingTesting.ShipmentScanned;
      sequencesPerKey.set(key, [...(sequencesPerKey.get(key) ?? []), decoded.sequence]);
    }
    for (const seqs of sequencesPerKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await metrics.registry.getSingleMetricAsString('lading_messages_produced_total')).toContain('} 20');
  });

  it('never creates a topic: publishing to a missing one fails', async () => {
    fixture = await topicFixture(1);
    const missing = uniqueName('msg-missing');
    await fixture.serde.register(missing, messagingTesting.shipmentScannedSchema);
    const producer = createEventProducer({
      // Few metadata retries: the point is that it fails, not how patiently.
      kafka: createKafkaClient({ clientId: uniqueName('msg-missing'), brokers: testKafkaBrokers(), logger: createJsonLogger({ write: () => undefined }), config: { retry: { retries: 1, initialRetryTime: 100 } } }),
      serde: fixture.serde,
      keyOf: messagingTesting.testKeyOf,
    });
    await producer.connect();
    await expect(producer.publish(missing, messagingTesting.shipmentScannedType, messagingTesting.shipmentScanned())).rejects.toThrow();
    await producer.disconnect();
    expect(await fixture.admin.listTopics()).not.toContain(missing);
  });
});
