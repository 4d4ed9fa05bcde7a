import { AppendResult, createEventStore, createOutboxRelay, EventStore, migrateEventStore, silentLogger, StoredEvent } from '@lading/event-store';
import { createTopicsServed } from '@lading/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { BenchMeasurement, BenchSuite } from '../main';

const databaseUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading';
const brokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/** A realistic domain event: an order released to a warehouse, ~300 bytes of JSON. */
function orderReleased(orderId: string) {
  return {
    type: 'OrderReleased',
    orderId,
    site: 'DC-ATL-1',
    lines: [
      { sku: 'SKU-100234', quantity: 4, uom: 'EA' },
      { sku: 'SKU-100871', quantity: 1, uom: 'CS' },
    ],
    carrierCutoff: '2026-11-27T18:00:00Z',
  };
}
const metadata = (orderId: string) => ({ correlationId: orderId, causationId: randomUUID(), sourceSystem: 'erp', occurredAt: new Date().toISOString() });

interface Writer {
  streams: string[];
  versions: Map<string, number>;
  next: number;
}

/**
 * Appends/s through the event store (inbox row + version-checked append; the events table is
 * the outbox) against a plain multi-row INSERT of the same event rows into a table of the same
 * shape and indexes, at batch 1 and batch 100 messages per transaction; then the relay's
 * publish rate against kafkajs producing the same records to the same broker, acks=all.
 * Phases alternate round by round so drift on a shared machine hits every variant alike.
 */
export const eventStoreSuite: BenchSuite = {
  name: 'event-store',
  description: 'appends (version check + inbox + outbox) vs plain INSERT at batch 1/100; outbox relay vs raw kafkajs',
  async run(args, progress): Promise<BenchMeasurement> {
    const rounds = flag(args, 'rounds', 3);
    const phaseMs = flag(args, 'phase-ms', 3000);
    const concurrency = flag(args, 'concurrency', 4);
    const relayEvents = flag(args, 'relay-events', 20_000);
    const schema = `bench_es_${randomBytes(4).toString('hex')}`;
    const relaySchemaNames = Array.from({ length: flag(args, 'relay-rounds', 3) }, (_, i) => `${schema}_relay${i + 1}`);
    await migrateEventStore({ connectionString: databaseUrl(), schema });
    const pool = new Pool({ connectionString: databaseUrl(), max: concurrency + 2 });
    const store = createEventStore({ pool, schema });
    const plain = `"${schema}".plain_events`;
    await pool.query(`create table ${plain} (like "${schema}".events including all)`);
    const kafka = new Kafka({ clientId: 'bench-event-store', brokers: brokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `bench-event-store-${randomBytes(4).toString('hex')}`;
    try {
      await createTopicsServed(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
      // An event store is measured with a history behind it, as in production: 50k events on
      // 50k streams with their inbox rows, and planner statistics (autovacuum would take a
      // minute to gather them; prepared statements are planned from them).
      await pool.query(`
        with h as (select g, gen_random_uuid() as id from generate_series(1, 50000) g),
        s as (insert into "${schema}".streams (stream_id, stream_type, tenant_id, version, last_transaction_id)
              select 'history:' || g, 'history', 'bench', 1, pg_current_xact_id() from h),
        i as (insert into "${schema}".inbox (consumer, event_id) select 'bench', id::text from h)
        insert into "${schema}".events (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata)
        select 'history:' || g, 'history', 1, id, 'OrderReleased', 'bench', $1::jsonb, $2::jsonb from h`,
        [JSON.stringify(orderReleased('SO-0')), JSON.stringify(metadata('SO-0'))],
      );
      await pool.query(`insert into ${plain} (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata)
                        select stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata from "${schema}".events`);
      await pool.query(`analyze "${schema}".streams, "${schema}".events, "${schema}".inbox, ${plain}`);
      progress(`schema ${schema}, ${concurrency} concurrent writers, ${rounds} rounds of ${phaseMs} ms per variant`);
      const totals: Record<string, { events: number; ms: number }> = {};
      const writers = Array.from({ length: concurrency }, (_, w) => ({
        streams: Array.from({ length: 2000 }, (_, i) => `order-release:B${w}-${i}`),
        versions: new Map<string, number>(),
        next: 0,
      }));
      const variants: [string, (writer: Writer) => Promise<number>][] = [
        ['insert_batch1', () => plainInsert(pool, plain, 1)],
        ['append_batch1', (writer) => storeAppend(store, writer, 1)],
        ['insert_batch100', () => plainInsert(pool, plain, 100)],
        ['append_batch100', (writer) => storeAppend(store, writer, 100)],
        ['append_in_transaction_batch1', (writer) => storeAppendInTransaction(store, writer)],
      ];
      // Round 0 warms up (connections, prepared statements) and is not counted.
      for (let round = 0; round <= rounds; round++) {
        for (const [name, step] of variants) {
          if (round === 0) {
            const until = Date.now() + 300;
            await Promise.all(writers.map(async (writer) => {
              while (Date.now() < until) await step(writer);
            }));
            continue;
          }
          const deadline = Date.now() + phaseMs;
          const started = Date.now();
          const counts = await Promise.all(
            writers.map(async (writer) => {
              let n = 0;
              while (Date.now() < deadline) n += await step(writer);
              return n;
            }),
          );
          const ms = Date.now() - started;
          const events = counts.reduce((a, b) => a + b, 0);
          totals[name] = { events: (totals[name]?.events ?? 0) + events, ms: (totals[name]?.ms ?? 0) + ms };
          progress(`round ${round} ${name}: ${Math.round((events * 1000) / ms)} events/s`);
        }
      }
      const rate = (name: string) => (totals[name].events * 1000) / totals[name].ms;

      // Relay vs kafkajs: the same records, the same producer settings, the same batch size.
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      // Warm-up: metadata, producer id and connections to the partition leaders.
      await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3, 4, 5].map((k) => ({ key: `warm-${k}`, value: 'warm-up' })) });
      const toRecords = (events: StoredEvent[]) =>
        events.map((e) => ({ key: e.streamId, value: JSON.stringify({ eventId: e.eventId, type: e.eventType, payload: e.payload }), headers: { 'event-id': e.eventId } }));
      const relayBatch = 500;
      const relayRates: number[] = [];
      const kafkajsRates: number[] = [];
      const relayRounds = relaySchemaNames.length;
      for (let round = 1; round <= relayRounds; round++) {
        // Each round's relay reads a store of its own holding just its backlog, unfiltered, as
        // a service's relay does (the append phases above left 10^5+ rows in the first store).
        const relaySchema = relaySchemaNames[round - 1];
        await migrateEventStore({ connectionString: databaseUrl(), schema: relaySchema });
        const relayStore = createEventStore({ pool, schema: relaySchema });
        const streamType = `relay${round}`;
        // Backlog for this round's relay, appended before timing starts.
        for (let i = 0; i < relayEvents; i += 500) {
          await relayStore.transaction((tx) =>
            tx.appendMany(
              Array.from({ length: 500 }, (_, j) => ({
                streamId: `${streamType}:SO-${i + j}`,
                events: [orderReleased(`SO-${i + j}`)],
                expectedVersion: 'no_stream' as const,
                tenantId: 'bench',
                metadata: metadata(`SO-${i + j}`),
              })),
            ),
          );
        }
        await pool.query(`analyze "${relaySchema}".events`);
        // xmin is database-wide: wait until no older transaction anywhere hides the backlog,
        // so the relay is timed publishing, not waiting for someone else's transaction.
        const { rows: top } = await pool.query(`select max(transaction_id)::text as xid from "${relaySchema}".events`);
        const visibleSince = Date.now();
        for (;;) {
          const { rows } = await pool.query(`select pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 as visible`, [top[0].xid]);
          if (rows[0].visible) break;
          if (Date.now() - visibleSince > 60_000) throw new Error('a long transaction on the database holds xmin back for over a minute');
          await new Promise((r) => setTimeout(r, 20));
        }
        const backlog = (await relayStore.readAll({ limit: relayBatch })).events;
        if (backlog.length < relayBatch) throw new Error(`expected ${relayBatch} backlog events, read ${backlog.length}`);

        let started = Date.now();
        const sample = toRecords(backlog);
        for (let sent = 0; sent < relayEvents; sent += relayBatch) {
          await producer.send({ topic, acks: -1, messages: sample.map((m, k) => ({ ...m, key: `SO-${sent + k}` })) });
        }
        kafkajsRates.push((relayEvents * 1000) / (Date.now() - started));

        const relay = createOutboxRelay({
          store: relayStore,
          batchSize: relayBatch,
          pollIntervalMs: 5,
          logger: silentLogger,
          publish: async (events) => {
            await producer.send({ topic, acks: -1, messages: toRecords(events) });
          },
        });
        started = Date.now();
        await relay.start();
        while (relay.status().published < relayEvents) await new Promise((r) => setTimeout(r, 5));
        relayRates.push((relayEvents * 1000) / (Date.now() - started));
        await relay.stop();
        progress(`round ${round}: relay ${Math.round(relayRates[round - 1])} events/s, kafkajs ${Math.round(kafkajsRates[round - 1])} records/s`);
      }
      await producer.disconnect();
      // Load from other processes swings both rates; the ratio within a round is what is stable.
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const relayRate = median(relayRates);
      const kafkajsRate = median(kafkajsRates);
      const relayVsKafkajs = median(relayRates.map((r, i) => r / kafkajsRates[i]));

      const round2 = (x: number) => Math.round(x * 100) / 100;
      return {
        ratios: {
          append_vs_insert_batch1: round2(rate('append_batch1') / rate('insert_batch1')),
          append_vs_insert_batch100: round2(rate('append_batch100') / rate('insert_batch100')),
          batch100_vs_batch1: round2(rate('append_batch100') / rate('append_batch1')),
          relay_vs_kafkajs: round2(relayVsKafkajs),
        },
        appendsPerSecond: {
          batch1: Math.round(rate('append_batch1')),
          batch100: Math.round(rate('append_batch100')),
          batch1InTransaction: Math.round(rate('append_in_transaction_batch1')),
        },
        // Context for batch100_vs_batch1: the same ratio for the plain INSERT on this machine.
        plainInsertBatch100VsBatch1: round2(rate('insert_batch100') / rate('insert_batch1')),
        composableTransactionVsInsertBatch1: round2(rate('append_in_transaction_batch1') / rate('insert_batch1')),
        plainInsertRowsPerSecond: {
          batch1: Math.round(rate('insert_batch1')),
          batch100: Math.round(rate('insert_batch100')),
        },
        relayEventsPerSecond: Math.round(relayRate),
        kafkajsRecordsPerSecond: Math.round(kafkajsRate),
        relayRoundRates: relayRates.map((r, i) => ({ relay: Math.round(r), kafkajs: Math.round(kafkajsRates[i]) })),
        settings: { rounds, phaseMs, concurrency, relayEvents, relayBatch, relayRounds, partitions: 3, acks: 'all', idempotent: true },
        notes:
          'append = inbox row + version-checked append of one event per message (the events table is the outbox): ' +
          'batch 1 = store.append with inbox, batch 100 = store.appendMany with inbox (each one autocommit statement, all or nothing); ' +
          'batch1InTransaction = store.transaction(recordInbox + append), the composable form (4 round trips); ' +
          'insert = the same event rows into a table of identical shape and indexes, one autocommit statement per batch',
      };
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      for (const dropped of [schema, ...relaySchemaNames]) await pool.query(`drop schema if exists "${dropped}" cascade`).catch(() => undefined);
      await pool.end();
    }
  },
};

async function plainInsert(pool: Pool, table: string, batch: number): Promise<number> {
  const params: unknown[] = [];
  const rows: string[] = [];
  for (let i = 0; i < batch; i++) {
    const orderId = `P-${randomUUID()}`;
    const b = params.length;
    params.push(`order-release:${orderId}`, 'order-release', 1, randomUUID(), 'OrderReleased', 'bench', JSON.stringify(orderReleased(orderId)), JSON.stringify(metadata(orderId)));
    rows.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`);
  }
  await pool.query(
    `insert into ${table} (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata) values ${rows.join(', ')}`,
    params,
  );
  return batch;
}

function nextRequests(writer: Writer, batch: number) {
  return Array.from({ length: batch }, () => {
    const streamId = writer.streams[writer.next++ % writer.streams.length];
    const version = writer.versions.get(streamId) ?? 0;
    const orderId = streamId.slice(streamId.indexOf(':') + 1);
    return {
      streamId,
      events: [orderReleased(orderId)],
      expectedVersion: version === 0 ? ('no_stream' as const) : version,
      tenantId: 'bench',
      metadata: metadata(orderId),
      inbox: { consumer: 'bench', eventId: randomUUID() },
    };
  });
}

function settle(writer: Writer, results: AppendResult[]): number {
  for (const result of results) writer.versions.set(result.streamId, result.nextExpectedVersion);
  return results.reduce((n, r) => n + r.events.length, 0);
}

/**
 * `batch` messages, each: its inbox row + one event appended to its order stream with the
 * expected version. Batch 1 is the single-message path, batch n the batch path for n distinct
 * streams; each is one autocommit statement that refuses as a whole on any conflict.
 */
async function storeAppend(store: EventStore, writer: Writer, batch: number): Promise<number> {
  const requests = nextRequests(writer, batch);
  if (batch === 1) {
    const [{ streamId, events, ...options }] = requests;
    return settle(writer, [await store.append(streamId, events, options)]);
  }
  return settle(writer, await store.appendMany(requests));
}

/** The composable form a handler with more effects uses: BEGIN, inbox, append, COMMIT. */
async function storeAppendInTransaction(store: EventStore, writer: Writer): Promise<number> {
  const [{ inbox, streamId, events, ...options }] = nextRequests(writer, 1);
  const results = await store.transaction(async (tx) => {
    if (!(await tx.recordInbox(inbox.consumer, options.tenantId, inbox.eventId))) return [];
    return [await tx.append(streamId, events, options)];
  });
  return settle(writer, results);
}
