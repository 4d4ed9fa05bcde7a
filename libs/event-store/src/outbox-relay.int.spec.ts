import { messagingTesting } from '@lading/messaging';
import { collectMessages, testKafka, uniqueName, waitUntil } from '@lading/testing';
import type { Admin, Kafka } from 'kafkajs';
import { randomInt, randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { StreamConflictError } from './errors';
import { EventStore } from './event-store';
import { createOutboxRelay, OutboxRelay, PublishEvents } from './outbox-relay';
import { eventStoreFixture, gate, placed, released } from './test/fixture';
import { decode, kafkaPublisher, Published } from './test/kafka-publisher';
import { silentLogger, type StoredEvent } from './types';

// The preset's testTimeout does not reach projects run from the root config.
jest.setTimeout(60_000);

describe('outbox relay (PostgreSQL + Kafka)', () => {
  let fx: Awaited<ReturnType<typeof eventStoreFixture>>;
  let kafka: Kafka;
  let admin: Admin;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    fx = await eventStoreFixture({}, 40);
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  afterAll(async () => {
    await admin.disconnect();
    await fx.close();
  });

  /** A topic, a producer-backed publish port, a collector, and relays that only see `streamType`. */
  async function setup(partitions = 1) {
    const streamType = uniqueName('order').replace(/-/g, '_');
    const topic = await messagingTesting.createTestTopic(admin, { prefix: 'es-relay', partitions });
    const publisher = await kafkaPublisher(kafka, topic);
    const collector = await collectMessages(kafka, topic);
    cleanups.push(publisher.disconnect, collector.stop);
    const relay = (publish: PublishEvents = publisher.publish, registry?: Registry): OutboxRelay => {
      const r = createOutboxRelay({
        store: fx.store,
        publish,
        name: streamType,
        streamTypes: [streamType],
        pollIntervalMs: 20,
        leadershipRetryMs: 100,
        publishRetryMs: 100,
        batchSize: 50,
        registry,
        logger: silentLogger,
      });
      cleanups.push(() => r.stop());
      return r;
    };
    const published = () => collector.messages.map(decode);
    return { streamType, topic, publisher, relay, published, stream: (id: string) => `${streamType}:${id}` };
  }

  const append = (store: EventStore, streamId: string, events = [placed(streamId)]) =>
    store.append(streamId, events, { expectedVersion: 'any', tenantId: 'acme' });

  it('publishes an event whose transaction commits late before the later position, skipping nothing', async () => {
    const { relay, published, stream } = await setup();
    const r = relay();
    await r.start();
    await waitUntil('relay leads', () => r.status().leader);

    const aAppended = gate();
    const aMayCommit = gate();
    let positionA = 0;
    const txA = fx.store.transaction(async (tx) => {
      const result = await tx.append(stream('SO-A'), [placed('SO-A')], { expectedVersion: 'no_stream', tenantId: 'acme' });
      positionA = result.events[0].position;
      aAppended.open();
      await aMayCommit.opened;
    });
    await aAppended.opened;
    const b = await append(fx.store, stream('SO-B'));
    expect(b.events[0].position).toBe(positionA + 1);

    // The relay polls while A is in flight and B is committed: it must not move past A.
    const polls = r.status().polls;
    await waitUntil('relay polled twice after B committed', () => r.status().polls >= polls + 2);
    expect(published()).toEqual([]);

    aMayCommit.open();
    await txA;
    await waitUntil('both published', () => published().length >= 2);
    expect(published().map((p) => p.position)).toEqual([positionA, positionA + 1]);
  });

  it('hands publish the bodies this process appended from memory and reads the others back: the same events either way', async () => {
    const { relay, publisher, stream, streamType } = await setup();
    const handed: StoredEvent[] = [];
    const first = gate();
    const held = gate();
    const registry = new Registry();
    const r = relay(async (events) => {
      handed.push(...events);
      first.open();
      await held.opened;
      await publisher.publish(events);
    }, registry);
    await r.start();
    await waitUntil('relay leads', () => r.status().leader);
    // another process appends on the same schema: this relay never hears of its commits
    const elsewhere = fx.storeWith({});
    await append(elsewhere, stream('SO-X0'));
    await first.opened; // the relay holds SO-X0 in publish; what follows is committed meanwhile
    for (let i = 1; i <= 6; i++) {
      const store = i % 2 === 1 ? fx.store : elsewhere;
      await store.transaction((tx) =>
        tx.append(stream(`SO-X${i}`), [placed(`SO-X${i}`, i), released(`SO-X${i}`)], { expectedVersion: 'no_stream', tenantId: 'acme', metadata: { correlationId: `journey-${i}` } }),
      );
    }
    held.open();
    await waitUntil('every event handed to publish', () => handed.length >= 13);

    const { events: fromTable } = await fx.store.readAll({ limit: 100, streamTypes: [streamType] });
    const seen = (e: StoredEvent) => ({ ...e, recordedAt: e.recordedAt.toISOString() });
    expect(handed.map(seen)).toEqual(fromTable.map(seen));
    // our three transactions' six events (one of them may have raced the relay's read-ahead)
    expect(r.status().bodiesFromMemory).toBeGreaterThanOrEqual(4);
    const bodies = (await registry.getSingleMetric('lading_outbox_event_bodies_total')!.get()).values;
    const from = (source: string) => bodies.find((v) => v.labels.source === source)?.value ?? 0;
    expect(from('memory')).toBe(r.status().bodiesFromMemory);
    expect(from('memory') + from('table')).toBe(13);
  });

  it('reads every body back from the table when told to (bodiesFromMemory: false)', async () => {
    const { publisher, stream, streamType, published } = await setup();
    const r = createOutboxRelay({ store: fx.store, publish: publisher.publish, name: streamType, streamTypes: [streamType], pollIntervalMs: 20, bodiesFromMemory: false, logger: silentLogger });
    cleanups.push(() => r.stop());
    await r.start();
    await waitUntil('relay leads', () => r.status().leader);
    await append(fx.store, stream('SO-T1'));
    await waitUntil('published', () => published().length === 1);
    expect(r.status().bodiesFromMemory).toBe(0);
  });

  it('steps over the hole a rolled-back transaction leaves, without stalling', async () => {
    const { relay, published, stream, streamType } = await setup();
    const registry = new Registry();
    const r = relay(undefined, registry);
    await expect(
      fx.store.transaction(async (tx) => {
        await tx.append(stream('SO-R'), [placed('SO-R')], { expectedVersion: 'no_stream', tenantId: 'acme' });
        throw new Error('credit check failed');
      }),
    ).rejects.toThrow('credit check failed');
    const committed = await append(fx.store, stream('SO-C'));
    await r.start();
    await waitUntil('the committed event is published', () => published().length === 1);
    expect(published()[0].eventId).toBe(committed.events[0].eventId);
    await waitUntil('checkpoint moved past the hole', () => r.status().cursor?.position === committed.events[0].position);
    await waitUntil('checkpoint saved', async () => {
      const { rows } = await fx.pool.query(`select position from "${fx.schema}".checkpoints where name = $1`, [streamType]);
      return Number(rows[0]?.position) === committed.events[0].position;
    });

    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((m) => m.name === name)?.values.find((v) => v.labels.relay === streamType)?.value;
    expect(value('lading_outbox_published_total')).toBe(1);
    await waitUntil('lag gauge reads 0', async () => (await registry.getSingleMetric('lading_outbox_relay_lag_events')!.get()).values[0].value === 0);
  });

  it('has exactly one active relay, and fails over when the leader session dies', async () => {
    const { relay, published, stream, streamType } = await setup();
    const first = relay();
    const second = relay();
    await first.start();
    await second.start();
    await waitUntil('one leader', () => first.status().leader || second.status().leader);
    const l1 = await append(fx.store, stream('SO-L1'));
    await waitUntil('published', () => published().length === 1);
    expect([first, second].filter((r) => r.status().leader)).toHaveLength(1);
    // (A fail-over before the checkpoint is written re-publishes; that is the crash test's case.)
    await waitUntil('checkpoint saved', async () => {
      const { rows } = await fx.pool.query(`select position from "${fx.schema}".checkpoints where name = $1`, [streamType]);
      return Number(rows[0]?.position) === l1.events[0].position;
    });

    const leader = first.status().leader ? first : second;
    const follower = leader === first ? second : first;
    await fx.pool.query('select pg_terminate_backend($1)', [leader.status().backendPid]);
    await waitUntil('follower takes over', () => follower.status().leader, { timeoutMs: 15_000 });
    await append(fx.store, stream('SO-L2'));
    await waitUntil('published after fail-over', () => published().length === 2);
    expect(published().map((p) => p.streamId)).toEqual([stream('SO-L1'), stream('SO-L2')]);
  });

  it('re-publishes after a crash between Kafka ack and checkpoint; the consumer inbox absorbs the duplicate', async () => {
    const { relay, published, stream, publisher, topic, streamType } = await setup();
    let last = 0;
    for (let i = 1; i <= 3; i++) last = (await append(fx.store, stream(`SO-X${i}`))).events[0].position;

    // The first batch is acknowledged by Kafka, then the relay's session dies before it can checkpoint.
    let crashed = false;
    const r = relay(async (events) => {
      await publisher.publish(events);
      if (!crashed) {
        crashed = true;
        await fx.pool.query('select pg_terminate_backend($1)', [r.status().backendPid]);
      }
    });
    await r.start();
    await waitUntil('the batch is published twice', () => published().length >= 6, { timeoutMs: 20_000 });
    await waitUntil('checkpoint written after the re-publish', async () => {
      const { rows } = await fx.pool.query(`select position from "${fx.schema}".checkpoints where name = $1`, [streamType]);
      return Number(rows[0]?.position) === last;
    });
    // 3 acknowledged before the crash (never checkpointed), the same 3 again by the new session.
    expect(r.status().published).toBe(6);

    // A downstream consumer: inbox + effect in one transaction per message.
    const consumerName = uniqueName('shipment-planning');
    const consumer = kafka.consumer({ groupId: uniqueName('inbox') });
    cleanups.push(() => consumer.disconnect());
    const outcomes: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const input = decode(message);
        outcomes.push(
          await fx.store.transaction(async (tx) => {
            if (!(await tx.recordInbox(consumerName, 'acme', input.eventId))) return 'duplicate';
            await tx.append(`planning:${input.streamId}`, [{ type: 'ShipmentPlanRequested', for: input.eventId }], {
              expectedVersion: 'any',
              tenantId: 'acme',
            });
            return 'handled';
          }),
        );
      },
    });
    await waitUntil('consumer saw every record', () => outcomes.length === published().length, { timeoutMs: 20_000 });
    expect(outcomes.filter((o) => o === 'handled')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(published().length - 3);
    for (let i = 1; i <= 3; i++) expect(await fx.store.readStream(`planning:${stream(`SO-X${i}`)}`)).toHaveLength(1);
  });

  it('publishes exactly the committed set, in per-stream order, under many concurrent writers', async () => {
    const { relay, published, stream, streamType } = await setup(3);
    const r = relay();
    await r.start();

    const streams = Array.from({ length: 12 }, (_, i) => stream(`SO-${i}`));
    const writers = 16;
    const txPerWriter = 25;
    const pick = () => streams[randomInt(streams.length)];
    const writer = async () => {
      for (let i = 0; i < txPerWriter; i++) {
        const rollback = randomInt(6) === 0;
        try {
          await fx.store.transaction(async (tx) => {
            await tx.recordInbox('random-writer', 'acme', randomUUID());
            const first = pick();
            const second = pick();
            const requests = [{ streamId: first, events: [placed(first), released(first)].slice(0, 1 + randomInt(2)), expectedVersion: 'any' as const, tenantId: 'acme' }];
            if (second !== first && randomInt(2) === 0) requests.push({ streamId: second, events: [released(second)], expectedVersion: 'any', tenantId: 'acme' });
            await tx.appendMany(requests);
            if (rollback) throw new Error('rolled back on purpose');
          });
        } catch (error) {
          // Conflicts and deadlocks (PostgreSQL aborts one of two multi-stream appends that
          // wait on each other) roll the transaction back like the deliberate rollbacks do.
          const deadlock = (error as { code?: string }).code === '40P01';
          if (!(error instanceof StreamConflictError) && !deadlock && String(error).indexOf('on purpose') < 0) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));

    const { rows } = await fx.pool.query(`select event_id::text, stream_id, stream_version from "${fx.schema}".events where stream_type = $1`, [streamType]);
    expect(rows.length).toBeGreaterThan(100);
    await waitUntil(`${rows.length} records`, () => published().length >= rows.length, { timeoutMs: 40_000 });
    await waitUntil('relay idle', () => r.status().published === rows.length);

    const out = published();
    expect(out).toHaveLength(rows.length);
    expect(new Set(out.map((p) => p.eventId))).toEqual(new Set(rows.map((row) => row.event_id)));
    const byStream = new Map<string, Published[]>();
    for (const p of out) byStream.set(p.streamId, [...(byStream.get(p.streamId) ?? []), p]);
    for (const [streamId, events] of byStream) {
      const versions = events.map((e) => e.version);
      expect({ streamId, versions }).toEqual({ streamId, versions: Array.from({ length: versions.length }, (_, i) => i + 1) });
    }
  });
});
