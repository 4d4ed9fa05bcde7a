import { Client } from 'pg';
import { testDatabaseUrl, waitUntil } from '@lading/testing';
import { eventStoreFixture, gate, placed } from './test/fixture';
import { START_OF_LOG } from './types';

// The gap-free cut-off reads below the oldest transaction still in flight — of the event store
// only. A transaction anywhere else on the server (another database, a report on other tables, a
// schema registry, a forgotten psql session) must not hold the event store's readers back.

jest.setTimeout(60_000);

describe('gap-free reading, cut off by the event store’s own transactions only', () => {
  let fx: Awaited<ReturnType<typeof eventStoreFixture>>;
  const others: Client[] = [];
  beforeAll(async () => {
    fx = await eventStoreFixture();
  });
  afterEach(async () => {
    for (const client of others.splice(0)) await client.end().catch(() => undefined);
  });
  afterAll(() => fx.close());

  /** A session holding a write transaction open, as an analyst's forgotten psql session would. */
  async function openWriteTransaction(database?: string): Promise<Client> {
    const url = new URL(testDatabaseUrl());
    if (database) url.pathname = `/${database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    others.push(client);
    await client.query('begin');
    await client.query('select pg_current_xact_id()'); // a write transaction: it has an id
    return client;
  }

  const stream = (id: string) => `gapfree_${id}:${id}`;
  const readAllOf = async (streamType: string) => (await fx.store.readAll({ after: START_OF_LOG, streamTypes: [streamType] })).events.map((e) => e.streamId);

  it('given a write transaction held open in another database of the same server, when events are appended, then they are read at once', async () => {
    await openWriteTransaction('postgres');
    await fx.store.append(stream('A1'), [placed('A1')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    expect(await readAllOf('gapfree_A1')).toEqual([stream('A1')]);
  });

  it('given a transaction on other tables of the same database held open, then events still flow', async () => {
    const report = await openWriteTransaction();
    await report.query(`create temp table report_scratch (n int)`);
    await fx.store.append(stream('A2'), [placed('A2')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    expect(await readAllOf('gapfree_A2')).toEqual([stream('A2')]);
  });

  it('given an append of the event store still in flight, then readers stop before it, until it commits — and nothing behind it is skipped', async () => {
    const slowInFlight = gate();
    const release = gate();
    const slow = fx.store.transaction(async (tx) => {
      await tx.append(stream('A3'), [placed('A3')], { expectedVersion: 'no_stream', tenantId: 'acme' });
      slowInFlight.open();
      await release.opened;
    });
    try {
      await slowInFlight.opened;
      // a younger transaction commits first: it must not be read before the older one
      await fx.store.append(stream('A4'), [placed('A4')], { expectedVersion: 'no_stream', tenantId: 'acme' });
      const { events } = await fx.store.readAll({ after: START_OF_LOG, streamTypes: ['gapfree_A3', 'gapfree_A4'] });
      expect(events.map((e) => e.streamId)).toEqual([]);
      expect((await fx.store.oldestWriteInFlight())?.ageSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      release.open();
      await slow;
    }
    const after = await waitUntil('both read', async () => {
      const read = await fx.store.readAll({ after: START_OF_LOG, streamTypes: ['gapfree_A3', 'gapfree_A4'] });
      return read.events.length === 2 && read.events;
    });
    expect(after.map((e) => e.streamId)).toEqual([stream('A3'), stream('A4')]);
    expect(await fx.store.oldestWriteInFlight()).toBeUndefined();
  });
});
