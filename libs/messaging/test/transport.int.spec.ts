import { RetriableError, NonRetriableError } from '@lading/errors';
import { deadLetterTopicOf, Headers, headerText, messagingTesting, readDeadLetters } from '../src';
import { collectMessages, waitForMessages, waitUntil } from '@lading/testing';
import { startScanService, type ScanService } from './scan-service';
import { topicFixture, type TopicFixture } from './harness';

// Project configs do not inherit the preset's testTimeout (a global option).
jest.setTimeout(60_000);

const fastRetries = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20, parkForMs: 600 };

describe('Kafka transport against the real broker', () => {
  let fixture: TopicFixture;
  const services: ScanService[] = [];
  const collectors: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
    await Promise.all(collectors.splice(0).map((stop) => stop()));
    await fixture?.close();
  });

  async function committedOffset(groupId: string, topic: string, partition = 0): Promise<number> {
    const [entry] = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(entry.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }

  it('dead-letters a poison message with its cause in headers while the partition moves on', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const before = await fixture.publishScans(1);
    // Not Confluent-framed Avro: the serde rejects it as non-retriable.
    const poison = { key: 'SHP-poison', value: Buffer.from('{"not":"avro"}'), headers: { [Headers.eventId]: 'evt-poison', [Headers.tenantId]: 'tenant-acme' } };
    const raw = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await raw.connect();
    await raw.send({ topic, acks: -1, messages: [poison] });
    await raw.disconnect();
    const after = await fixture.publishScans(1);

    const handled: string[] = [];
    services.push(await startScanService({ kafka, serde: fixture.serde, groupId, topics: [topic], retry: fastRetries, handle: (scan) => void handled.push(scan.meta.eventId) }));
    const dlq = await collectMessages(kafka, deadLetterTopicOf(topic));
    collectors.push(dlq.stop);

    await waitUntil('both good scans handled', () => handled.length === 2);
    expect(handled).toEqual([before[0].meta.eventId, after[0].meta.eventId]);
    await waitForMessages(dlq.messages, 1);
    const [letter] = dlq.messages;
    expect(letter.key?.toString()).toBe('SHP-poison');
    expect(letter.value?.equals(poison.value)).toBe(true);
    const h = (name: string) => headerText(letter.headers, name);
    expect(h(Headers.eventId)).toBe('evt-poison');
    expect(h(Headers.errorClass)).toBe('WrongMagicByteError');
    expect(h(Headers.errorCode)).toBe('WRONG_MAGIC_BYTE');
    expect(h(Headers.errorMessage)).toContain('not Confluent-framed Avro');
    expect(h(Headers.consumerGroup)).toBe(groupId);
    expect(h(Headers.originalTopic)).toBe(topic);
    expect(h(Headers.originalOffset)).toBe('1');
    expect(h(Headers.attempts)).toBe('1');
    expect(Date.parse(h(Headers.firstFailedAt) ?? '')).not.toBeNaN();
    await waitUntil('offsets committed past all three', async () => (await committedOffset(groupId, topic)) === 3);

    const metrics = await services[0].metrics.registry.getSingleMetricAsString('lading_messages_dead_lettered_total');
    expect(metrics).toContain('reason="WRONG_MAGIC_BYTE"');
    const listed = await readDeadLetters(kafka, deadLetterTopicOf(topic), { tenantId: 'tenant-acme' });
    expect(listed.map((l) => l.eventId)).toEqual(['evt-poison']);
  });

  it('retries a transient failure in process and handles the message once', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const [scan] = await fixture.publishScans(1);
    let attempts = 0;
    const effects: string[] = [];
    services.push(
      await startScanService({
        kafka,
        serde: fixture.serde,
        groupId,
        topics: [topic],
        retry: fastRetries,
        handle: (s, ctx) => {
          attempts++;
          if (ctx.attempt < 3) throw new RetriableError('warehouse database briefly unavailable', 'DB_UNAVAILABLE');
          effects.push(s.meta.eventId);
        },
      }),
    );
    await waitUntil('handled', () => effects.length === 1);
    await waitUntil('offset committed', async () => (await committedOffset(groupId, topic)) === 1);
    expect(effects).toEqual([scan.meta.eventId]);
    expect(attempts).toBe(3);
    const retried = await services[0].metrics.registry.getSingleMetricAsString('lading_messages_retried_total');
    expect(retried).toContain('where="in_process"} 2');
    const dead = await fixture.admin.fetchTopicOffsets(deadLetterTopicOf(topic));
    expect(dead.every((p) => p.high === '0')).toBe(true);
  });

  it('parks a message that keeps failing (other keys flow past it), retries it with backoff, then dead-letters it when its parking time is up', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const scans = await fixture.publishScans(3);
    const stuck = scans[0].meta.eventId;
    const handled: string[] = [];
    const attemptsSeen: number[] = [];
    services.push(
      await startScanService({
        kafka,
        serde: fixture.serde,
        groupId,
        topics: [topic],
        retry: fastRetries,
        handle: (s, ctx) => {
          if (s.meta.eventId === stuck) {
            attemptsSeen.push(ctx.attempt);
            throw new RetriableError('carrier API keeps timing out', 'CARRIER_TIMEOUT');
          }
          handled.push(s.meta.eventId);
        },
      }),
    );
    const dlq = await collectMessages(kafka, deadLetterTopicOf(topic));
    collectors.push(dlq.stop);
    // The two later scans (other shipments) are handled while the first one is parked.
    await waitUntil('later scans handled', () => handled.length === 2);
    await waitForMessages(dlq.messages, 1);
    expect(handled).toEqual([scans[1].meta.eventId, scans[2].meta.eventId]);
    // 3 in-process attempts, then retries while parked (600 ms, backoff from 10 ms), each numbered on
    expect(attemptsSeen.length).toBeGreaterThan(3);
    expect(attemptsSeen).toEqual(Array.from({ length: attemptsSeen.length }, (_, i) => i + 1));
    const h = (name: string) => headerText(dlq.messages[0].headers, name);
    expect(h(Headers.eventId)).toBe(stuck);
    expect(h(Headers.originalTopic)).toBe(topic);
    expect(h(Headers.originalOffset)).toBe('0');
    expect(h(Headers.errorCode)).toBe('CARRIER_TIMEOUT');
    expect(h(Headers.attempts)).toBe(String(attemptsSeen.length));
  });

  it('dead-letters a non-retriable handler error at once with the original bytes', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const [scan] = await fixture.publishScans(1);
    let calls = 0;
    services.push(
      await startScanService({
        kafka,
        serde: fixture.serde,
        groupId,
        topics: [topic],
        retry: fastRetries,
        handle: () => {
          calls++;
          throw new NonRetriableError('tenant of the scan does not own the shipment', 'TENANT_MISMATCH');
        },
      }),
    );
    const dlq = await collectMessages(kafka, deadLetterTopicOf(topic));
    collectors.push(dlq.stop);
    await waitForMessages(dlq.messages, 1);
    expect(calls).toBe(1);
    const letter = dlq.messages[0];
    expect(headerText(letter.headers, Headers.errorCode)).toBe('TENANT_MISMATCH');
    expect(headerText(letter.headers, Headers.errorClass)).toBe('NonRetriableError');
    const decoded = await fixture.serde.decode(topic, letter.value!);
    expect((decoded.value as messagingTesting.ShipmentScanned).meta.eventId).toBe(scan.meta.eventId);
    expect(letter.key?.toString()).toBe(scan.shipmentId);
  });

  it('shares partitions between two instances and rebalances onto a third without losing a message', async () => {
    fixture = await topicFixture(6);
    const { kafka, topic, groupId } = fixture;
    const handledBy = new Map<string, string[]>();
    const start = async (name: string) => {
      handledBy.set(name, []);
      const service = await startScanService({ kafka, serde: fixture.serde, groupId, topics: [topic], retry: fastRetries, handle: (s) => void handledBy.get(name)!.push(s.meta.eventId) });
      services.push(service);
      return service;
    };
    const a = await start('a');
    const b = await start('b');
    const all = () => [...handledBy.values()].flat();
    await waitUntil('a and b share the six partitions', () => {
      const owned = [a, b].map((s) => (s.transport.status$().assignment[topic] ?? []).length);
      return owned[0] > 0 && owned[1] > 0 && owned[0] + owned[1] === 6;
    });
    const first = await fixture.publishScans(300, 60);
    await waitUntil('some handled', () => all().length >= 100);
    const c = await start('c');
    const second = await fixture.publishScans(300, 60);
    await waitUntil('c got partitions', () => (c.transport.status$().assignment[topic] ?? []).length > 0);
    const third = await fixture.publishScans(150, 60);
    const produced = [...first, ...second, ...third].map((s) => s.meta.eventId);
    await waitUntil('every scan handled', () => new Set(all()).size === produced.length, { timeoutMs: 45_000 });
    expect(new Set(all())).toEqual(new Set(produced));
    expect(handledBy.get('c')!.length).toBeGreaterThan(0);
  });
});

describe('long batches', () => {
  it('keeps its group membership while handlers run longer than the session timeout', async () => {
    const fixture = await topicFixture(1);
    try {
      const scans = await fixture.publishScans(30);
      const handled: string[] = [];
      const service = await startScanService({
        kafka: fixture.kafka,
        serde: fixture.serde,
        groupId: fixture.groupId,
        topics: [fixture.topic],
        consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
        handle: async (scan) => {
          // 30 × 300 ms = 9 s of handling in one fetched batch, beyond the 6 s session timeout.
          await new Promise((r) => setTimeout(r, 300));
          handled.push(scan.meta.eventId);
        },
      });
      try {
        await waitUntil('all handled', () => handled.length === 30, { timeoutMs: 30_000 });
        expect(handled).toEqual(scans.map((s) => s.meta.eventId));
        // One join only: the member was never evicted for missing heartbeats.
        expect(await service.metrics.registry.getSingleMetricAsString('lading_consumer_rebalances_total')).toMatch(/} 1$/m);
      } finally {
        await service.close();
      }
    } finally {
      await fixture.close();
    }
  });
});
