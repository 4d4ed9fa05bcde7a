import { NonRetriableError, RetriableError } from '@lading/errors';
import { createTopicsServed, deadLetterTopicOf, Headers, headerText, messagingTesting, readDeadLetters, redriveDeadLetters } from '../src';
import { Kafka, logLevel } from 'kafkajs';
import { collectMessages, testKafkaBrokers, uniqueName, waitForMessages, waitUntil } from '@lading/testing';
import { startScanService, type ScanService } from './scan-service';
import { topicFixture, type TopicFixture } from './harness';

// The failure paths that must never lose, duplicate or reorder (the failure-paths issue): an
// unavailable dead-letter topic, an outage of what a handler depends on, a message waiting for
// a retry while later messages of its key — and of other keys — keep arriving.

jest.setTimeout(120_000);

const policy = { attempts: 3, initialDelayMs: 5, maxDelayMs: 50, parkForMs: 1_500, outageBackoffMs: 200 };

describe('failure paths of the Kafka transport (real broker)', () => {
  let fixture: TopicFixture;
  const services: ScanService[] = [];
  const stops: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
    await Promise.all(stops.splice(0).map((stop) => stop()));
    await fixture?.close();
  });

  /** A scan service on the fixture's topic and group, with the failure policy under test. */
  const scanning = (handle: Parameters<typeof startScanService>[0]['handle'], retry: Parameters<typeof startScanService>[0]['retry'] = policy) =>
    startScanService({ kafka: fixture.kafka, serde: fixture.serde, groupId: fixture.groupId, topics: [fixture.topic], retry, handle });
  const committed = async (groupId: string, topic: string) => {
    const [entry] = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(entry.partitions.find((p) => p.partition === 0)?.offset ?? -1);
  };
  const publishOnKey = async (key: string, count: number, from = 0) => {
    const scans = Array.from({ length: count }, (_, i) => messagingTesting.shipmentScanned({ shipmentId: key, sequence: from + i }));
    await fixture.producer.publishAll(scans.map((value) => ({ topic: fixture.topic, recordType: messagingTesting.shipmentScannedType, value })));
    return scans;
  };
  const poisonOnKey = async (key: string, eventId: string) => {
    const raw = fixture.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await raw.connect();
    await raw.send({ topic: fixture.topic, acks: -1, messages: [{ key, value: Buffer.from('{"not":"avro"}'), headers: { [Headers.eventId]: eventId } }] });
    await raw.disconnect();
  };

  it('given the dead-letter topic unavailable, when poison on key K is followed by more of K, then nothing after the poison is lost or committed past: once the topic is back, the poison is dead-lettered and every later message handled once', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId, admin } = fixture;
    const handled: number[] = [];
    // a client that gives a refused write up within a second, so the outage outlasts its retries (60 s did in production)
    const impatient = new Kafka({ clientId: uniqueName('impatient'), brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 } });
    services.push(await startScanService({ kafka: impatient, serde: fixture.serde, groupId, topics: [topic], retry: policy, handle: (scan) => void handled.push(scan.sequence) }));
    await admin.deleteTopics({ topics: [deadLetterTopicOf(topic)] });
    await waitUntil('the dead-letter topic gone', async () => !(await admin.listTopics()).includes(deadLetterTopicOf(topic)));

    await publishOnKey('K', 2, 0);
    await poisonOnKey('K', 'evt-poison');
    await waitUntil('the two before the poison handled', () => handled.length === 2);
    // traffic keeps arriving on the partition while the failure path is down (as in production)
    for (let batch = 0; batch < 8; batch++) {
      await publishOnKey('K', 5, 2 + batch * 5);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    // the partition waits at the poison: nothing after it is handled or committed
    expect(handled).toEqual([0, 1]);
    expect(await committed(groupId, topic)).toBeLessThanOrEqual(2);

    await createTopicsServed(admin, [{ topic: deadLetterTopicOf(topic), numPartitions: 1, replicationFactor: 1 }]);
    const dlq = await collectMessages(kafka, deadLetterTopicOf(topic));
    stops.push(dlq.stop);
    await waitUntil('every later message handled', () => handled.length >= 42, { timeoutMs: 60_000 }).catch(() => undefined);
    await waitForMessages(dlq.messages, 1, 30_000).catch(() => undefined);
    expect(handled).toEqual(Array.from({ length: 42 }, (_, i) => i));
    expect(dlq.messages.map((m) => headerText(m.headers, Headers.eventId))).toEqual(['evt-poison']);
    await waitUntil('offsets committed past all 43', async () => (await committed(groupId, topic)) === 43);
  });

  it('given an outage of what handlers depend on (a database refusing connections) for 8 s with traffic arriving, then nothing is dead-lettered, /ready is red meanwhile, and every message is handled after', async () => {
    fixture = await topicFixture(3);
    const { topic } = fixture;
    let down = true;
    const handled = new Set<string>();
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    services.push(
      await scanning((scan) => {
        if (down) throw refused();
        handled.add(scan.meta.eventId);
      }),
    );
    const first = await fixture.publishScans(30, 10);
    await waitUntil('/ready red: partitions paused for the outage', () => !services[0].transport.isReady(), { timeoutMs: 20_000 });
    const during = await fixture.publishScans(30, 10);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(services[0].transport.isReady()).toBe(false);
    expect(services[0].transport.status$().outage).toMatchObject({ cause: expect.stringMatching(/ECONNREFUSED/) });
    down = false;

    await waitUntil('every message handled', () => [...first, ...during].every((s) => handled.has(s.meta.eventId)), { timeoutMs: 60_000 });
    await waitUntil('/ready green again', () => services[0].transport.isReady(), { timeoutMs: 20_000 });
    const dead = await fixture.admin.fetchTopicOffsets(deadLetterTopicOf(topic));
    expect(dead.every((p) => p.high === '0')).toBe(true);
  });

  it('given a message of key K that fails for a while (a bug, fixed meanwhile), then later messages of other keys flow while the later messages of K wait behind it, in order', async () => {
    fixture = await topicFixture(1);
    const { topic, groupId } = fixture;
    const order: string[] = [];
    const failUntil = Date.now() + 1_000;
    services.push(
      await scanning((scan) => {
        if (scan.shipmentId === 'K' && scan.sequence === 0 && Date.now() < failUntil) throw new RetriableError('carrier lookup failed', 'CARRIER_LOOKUP');
        order.push(`${scan.shipmentId}${scan.sequence}`);
      }, { ...policy, parkForMs: 30_000 }),
    );
    await publishOnKey('K', 1, 0);
    await publishOnKey('L', 2, 0);
    await publishOnKey('K', 2, 1);
    await publishOnKey('M', 1, 0);

    await waitUntil('all six handled', () => order.length === 6, { timeoutMs: 30_000 });
    // K's messages in their order; the other keys did not wait for K
    expect(order.filter((x) => x.startsWith('K'))).toEqual(['K0', 'K1', 'K2']);
    expect(order.indexOf('L0')).toBeLessThan(order.indexOf('K0'));
    expect(order.indexOf('M0')).toBeLessThan(order.indexOf('K0'));
    await waitUntil('offsets committed past all six', async () => (await committed(groupId, topic)) === 6);
  });

  it('given a message of key K that keeps failing until its parking time is up, then it is dead-lettered with the later messages of K parked behind it, in order, and the key flows again after', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const order: string[] = [];
    let fixed = false;
    services.push(
      await scanning((scan) => {
        if (scan.shipmentId === 'K' && scan.sequence === 0 && !fixed) throw new RetriableError('this scan always fails', 'ALWAYS_FAILS');
        order.push(`${scan.shipmentId}${scan.sequence}`);
      }),
    );
    const dlq = await collectMessages(kafka, deadLetterTopicOf(topic));
    stops.push(dlq.stop);
    await publishOnKey('K', 3, 0);
    await publishOnKey('L', 1, 0);
    await waitForMessages(dlq.messages, 3, 30_000);
    const letters = dlq.messages.map((m) => ({ code: headerText(m.headers, Headers.errorCode), offset: headerText(m.headers, Headers.originalOffset) }));
    expect(letters.map((l) => [l.offset, l.code])).toEqual([
      ['0', 'ALWAYS_FAILS'],
      ['1', 'PARKED_BEHIND_DEAD_LETTER'],
      ['2', 'PARKED_BEHIND_DEAD_LETTER'],
    ]);
    expect(headerText(dlq.messages[1].headers, 'lading-parked-behind')).toBe(headerText(dlq.messages[0].headers, Headers.eventId));
    expect(order).toEqual(['L0']);
    // after the dead letters, K is no longer held: a new message of K is handled
    await publishOnKey('K', 1, 3);
    await waitUntil('K3 handled', () => order.includes('K3'));
    await waitUntil('offsets committed past all five', async () => (await committed(groupId, topic)) === 5);

    // the bug is fixed; re-driving the head by its event id brings the two parked behind it, in order
    fixed = true;
    const selected = await readDeadLetters(kafka, deadLetterTopicOf(topic), { eventId: headerText(dlq.messages[0].headers, Headers.eventId) });
    expect(selected.map((l) => l.originalOffset)).toEqual(['0', '1', '2']);
    expect((await readDeadLetters(kafka, deadLetterTopicOf(topic), { eventId: selected[0].eventId, withParkedBehind: false })).map((l) => l.originalOffset)).toEqual(['0']);
    await redriveDeadLetters(kafka, selected);
    await waitUntil('the re-driven three handled', () => order.length === 5);
    expect(order).toEqual(['L0', 'K3', 'K0', 'K1', 'K2']);
  });

  it('given a non-retriable error (bad data), then it is dead-lettered at once and the later messages of its key are not held', async () => {
    fixture = await topicFixture(1);
    const { topic, groupId } = fixture;
    const order: string[] = [];
    services.push(
      await scanning((scan) => {
        if (scan.shipmentId === 'K' && scan.sequence === 0) throw new NonRetriableError('scan for an unknown shipment', 'UNKNOWN_SHIPMENT');
        order.push(`${scan.shipmentId}${scan.sequence}`);
      }),
    );
    await publishOnKey('K', 2, 0);
    await waitUntil('K1 handled', () => order.includes('K1'));
    await waitUntil('offsets committed past both', async () => (await committed(groupId, topic)) === 2);
  });
});
