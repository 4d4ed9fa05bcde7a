import { waitUntil } from '@lading/testing';
import { randomUUID } from 'node:crypto';
import { DuplicateEventError, StreamConflictError, TenantMismatchError } from './errors';
import { inboxKey } from './event-store';
import { eventStoreFixture, gate, OrderEvent, placed, released } from './test/fixture';
import { START_OF_LOG } from './types';

// The preset's testTimeout does not reach projects run from the root config.
jest.setTimeout(60_000);

describe('event store appends (PostgreSQL)', () => {
  let fx: Awaited<ReturnType<typeof eventStoreFixture>>;
  beforeAll(async () => {
    fx = await eventStoreFixture();
  });
  afterAll(() => fx.close());

  it('appends with no_stream, exact and any expected versions and reads the stream forward', async () => {
    const { store } = fx;
    const first = await store.append('order-release:SO-1', [placed('SO-1', 2)], { expectedVersion: 'no_stream', tenantId: 'acme' });
    expect(first.nextExpectedVersion).toBe(1);
    const second = await store.append('order-release:SO-1', [released('SO-1')], {
      expectedVersion: 1,
      tenantId: 'acme',
      metadata: { correlationId: 'SO-1', causationId: 'evt-1', sourceSystem: 'erp' },
    });
    expect(second.nextExpectedVersion).toBe(2);
    const third = await store.append('order-release:SO-1', [{ type: 'OrderHeld', orderId: 'SO-1', reasons: ['credit'] }], {
      expectedVersion: 'any',
      tenantId: 'acme',
    });
    expect(third.nextExpectedVersion).toBe(3);

    const stream = await store.readStream<OrderEvent>('order-release:SO-1');
    expect(stream.map((e) => [e.streamVersion, e.eventType, e.streamType, e.tenantId])).toEqual([
      [1, 'OrderPlaced', 'order-release', 'acme'],
      [2, 'OrderReleased', 'order-release', 'acme'],
      [3, 'OrderHeld', 'order-release', 'acme'],
    ]);
    expect(stream[1].metadata).toMatchObject({ correlationId: 'SO-1', causationId: 'evt-1', sourceSystem: 'erp' });
    expect(stream[0].payload).toEqual(placed('SO-1', 2));
    expect((await store.readStream('order-release:SO-1', { fromVersion: 2 })).map((e) => e.streamVersion)).toEqual([2, 3]);
  });

  it('reports a wrong expected version as a typed, retriable conflict', async () => {
    const { store } = fx;
    await store.append('order-release:SO-2', [placed('SO-2')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    const stale = store.append('order-release:SO-2', [released('SO-2')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    await expect(stale).rejects.toBeInstanceOf(StreamConflictError);
    await expect(store.append('order-release:SO-2', [released('SO-2')], { expectedVersion: 5, tenantId: 'acme' })).rejects.toMatchObject({
      code: 'STREAM_CONFLICT',
      retriable: true,
      reason: 'version',
    });
    await expect(store.append('order-release:SO-404', [released('SO-404')], { expectedVersion: 1, tenantId: 'acme' })).rejects.toBeInstanceOf(
      StreamConflictError,
    );
    expect(await store.readStream('order-release:SO-2')).toHaveLength(1);
  });

  it('appends to several streams in one transaction, all or nothing', async () => {
    const { store } = fx;
    await store.transaction(async (tx) => {
      await tx.append('order-release:SO-3', [placed('SO-3')], { expectedVersion: 'no_stream', tenantId: 'acme' });
      await tx.appendMany([
        { streamId: 'shipment:SH-3', events: [{ type: 'ShipmentPlanned' }], expectedVersion: 'no_stream', tenantId: 'acme' },
        { streamId: 'order-release:SO-3b', events: [placed('SO-3b'), released('SO-3b')], expectedVersion: 'no_stream', tenantId: 'acme' },
      ]);
    });
    expect(await store.readStream('shipment:SH-3')).toHaveLength(1);
    expect((await store.readStream('order-release:SO-3b')).map((e) => e.streamVersion)).toEqual([1, 2]);

    // One stream of the batch conflicts: nothing of the transaction survives, even if the caller swallows the error.
    await expect(
      store.transaction(async (tx) => {
        await tx.appendMany([
          { streamId: 'shipment:SH-4', events: [{ type: 'ShipmentPlanned' }], expectedVersion: 'no_stream', tenantId: 'acme' },
          { streamId: 'order-release:SO-3', events: [released('SO-3')], expectedVersion: 7, tenantId: 'acme' },
        ]).catch(() => undefined);
      }),
    ).rejects.toMatchObject({ code: 'TRANSACTION_ABORTED' });
    expect(await store.readStream('shipment:SH-4')).toHaveLength(0);

    // Outside a transaction the batch is one statement that refuses as a whole, inbox rows included.
    const input = randomUUID();
    await expect(
      store.appendMany([
        { streamId: 'shipment:SH-5', events: [{ type: 'ShipmentPlanned' }], expectedVersion: 'no_stream', tenantId: 'acme', inbox: { consumer: 'planning', eventId: input } },
        { streamId: 'order-release:SO-3', events: [released('SO-3')], expectedVersion: 7, tenantId: 'acme' },
      ]),
    ).rejects.toMatchObject({ reason: 'version', partial: false, streamIds: ['order-release:SO-3'] });
    expect(await store.readStream('shipment:SH-5')).toHaveLength(0);
    expect(await store.transaction((tx) => tx.recordInbox('planning', 'acme', input))).toBe(true);
  });

  it('treats a retried append with the same event ids as a no-op', async () => {
    const { store } = fx;
    const ids = [randomUUID(), randomUUID()];
    const options = { expectedVersion: 'no_stream' as const, tenantId: 'acme', eventIds: ids };
    const first = await store.append('order-release:SO-5', [placed('SO-5'), released('SO-5')], options);
    const retry = await store.append('order-release:SO-5', [placed('SO-5'), released('SO-5')], options);
    expect(retry.duplicate).toBe(true);
    expect(retry.nextExpectedVersion).toBe(2);
    expect(retry.events.map((e) => e.position)).toEqual(first.events.map((e) => e.position));
    expect(await store.readStream('order-release:SO-5')).toHaveLength(2);
    // The retry even works with 'any', which has no version check to fail on.
    expect((await store.append('order-release:SO-5', [placed('SO-5'), released('SO-5')], { ...options, expectedVersion: 'any' })).duplicate).toBe(true);
    await expect(
      store.append('order-release:SO-5', [placed('SO-5'), released('SO-5')], { ...options, eventIds: [ids[0], randomUUID()], expectedVersion: 2 }),
    ).rejects.toBeInstanceOf(DuplicateEventError);
  });

  it('of concurrent appenders with the same expected version exactly one wins', async () => {
    const { store } = fx;
    await store.append('order-release:SO-6', [placed('SO-6')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    const contenders = Array.from({ length: 8 }, (_, i) =>
      store.append('order-release:SO-6', [released('SO-6', `DC-${i}`)], { expectedVersion: 1, tenantId: 'acme' }),
    );
    const outcomes = await Promise.allSettled(contenders);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(losers).toHaveLength(7);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(StreamConflictError);
    expect(await store.readStream('order-release:SO-6')).toHaveLength(2);

    const creators = await Promise.allSettled(
      Array.from({ length: 5 }, () => store.append('order-release:SO-7', [placed('SO-7')], { expectedVersion: 'no_stream', tenantId: 'acme' })),
    );
    expect(creators.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('refuses to put a stream version behind an older transaction, so commit-cursor order stays per-stream order', async () => {
    const { store } = fx;
    const older = gate();
    const youngerDone = gate();
    // The older transaction takes its xid first (inbox row), then waits for a younger one to write the stream.
    const olderTx = store.transaction(async (tx) => {
      await tx.recordInbox('test', 'acme', randomUUID());
      older.open();
      await youngerDone.opened;
      return tx.append('order-release:SO-8', [released('SO-8')], { expectedVersion: 'any', tenantId: 'acme' });
    });
    await older.opened;
    await store.append('order-release:SO-8', [placed('SO-8')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    youngerDone.open();
    await expect(olderTx).rejects.toMatchObject({ reason: 'commit_order', retryInTransaction: false });
    // In a fresh transaction (a fresh xid) the same append goes through.
    await store.append('order-release:SO-8', [released('SO-8')], { expectedVersion: 'any', tenantId: 'acme' });
    expect((await store.readStream('order-release:SO-8')).map((e) => e.eventType)).toEqual(['OrderPlaced', 'OrderReleased']);
  });

  it('records the inbox in the same transaction as the effect and reports duplicates', async () => {
    const { store } = fx;
    const input = randomUUID();
    const handleMessage = () =>
      store.transaction(async (tx) => {
        if (!(await tx.recordInbox('order-release', 'acme', input))) return 'duplicate';
        await tx.append('order-release:SO-9', [placed('SO-9')], { expectedVersion: 'any', tenantId: 'acme' });
        return 'handled';
      });
    expect(await handleMessage()).toBe('handled');
    expect(await handleMessage()).toBe('duplicate');
    expect(await store.readStream('order-release:SO-9')).toHaveLength(1);

    // A failed effect rolls the inbox row back too, so the redelivery is handled.
    const other = randomUUID();
    await expect(
      store.transaction(async (tx) => {
        await tx.recordInbox('order-release', 'acme', other);
        throw new Error('warehouse lookup failed');
      }),
    ).rejects.toThrow('warehouse lookup failed');
    const fresh = await store.transaction((tx) =>
      tx.recordInboxMany('order-release', [
        { tenantId: 'acme', eventId: other },
        { tenantId: 'acme', eventId: input },
      ]),
    );
    expect([...fresh]).toEqual([inboxKey('acme', other)]);
  });

  it('keys the inbox by tenant: the same event id of two tenants is two inputs, each handled once', async () => {
    const { store } = fx;
    const shared = randomUUID();
    const fresh = await store.transaction((tx) =>
      tx.recordInboxMany('order-release', [
        { tenantId: 'acme', eventId: shared },
        { tenantId: 'globex', eventId: shared },
      ]),
    );
    expect([...fresh].sort()).toEqual([inboxKey('acme', shared), inboxKey('globex', shared)].sort());
    expect(await store.transaction((tx) => tx.recordInbox('order-release', 'globex', shared))).toBe(false);
    // ... and in the append statement's own inbox row
    const inbox = { consumer: 'visibility', eventId: shared };
    await store.append('acme/shipment:SH-T1', [{ type: 'MilestoneRecorded' }], { expectedVersion: 'no_stream', tenantId: 'acme', inbox });
    const other = await store.append('globex/shipment:SH-T1', [{ type: 'MilestoneRecorded' }], { expectedVersion: 'no_stream', tenantId: 'globex', inbox });
    expect(other.inboxDuplicate).toBeUndefined();
    expect(other.events).toHaveLength(1);
  });

  it("refuses to append to another tenant's stream, whatever the expected version, and writes nothing of the statement", async () => {
    const { store } = fx;
    await store.append('shipment:SH-OWN', [{ type: 'ShipmentPlanned' }], { expectedVersion: 'no_stream', tenantId: 'acme' });
    await expect(store.append('shipment:SH-OWN', [{ type: 'ShipmentBooked' }], { expectedVersion: 1, tenantId: 'globex' })).rejects.toMatchObject({
      code: 'TENANT_MISMATCH',
      retriable: false,
    });
    await expect(store.append('shipment:SH-OWN', [{ type: 'ShipmentBooked' }], { expectedVersion: 'any', tenantId: 'globex' })).rejects.toBeInstanceOf(TenantMismatchError);
    // in a transaction with another stream: the transaction is rolled back even if the error is swallowed
    await expect(
      store.transaction(async (tx) => {
        await tx
          .appendMany([
            { streamId: 'shipment:SH-OTHER', events: [{ type: 'ShipmentPlanned' }], expectedVersion: 'no_stream', tenantId: 'globex' },
            { streamId: 'shipment:SH-OWN', events: [{ type: 'ShipmentBooked' }], expectedVersion: 1, tenantId: 'globex' },
          ])
          .catch(() => undefined);
      }),
    ).rejects.toMatchObject({ code: 'TRANSACTION_ABORTED' });
    expect(await store.readStream('shipment:SH-OTHER')).toEqual([]);
    expect((await store.readStream('shipment:SH-OWN')).map((e) => [e.eventType, e.tenantId])).toEqual([['ShipmentPlanned', 'acme']]);
  });

  it('records the inbox row in the append statement itself, skipping streams whose input was already handled', async () => {
    const { store } = fx;
    const input = randomUUID();
    const inbox = { consumer: 'visibility', eventId: input };
    const first = await store.append('shipment:SH-10', [{ type: 'MilestoneRecorded' }], { expectedVersion: 'no_stream', tenantId: 'acme', inbox });
    const again = await store.append('shipment:SH-10', [{ type: 'MilestoneRecorded' }], { expectedVersion: 'no_stream', tenantId: 'acme', inbox });
    expect(first.inboxDuplicate).toBeUndefined();
    expect(again).toMatchObject({ duplicate: true, inboxDuplicate: true, nextExpectedVersion: 1, events: [] });

    const other = randomUUID();
    const batch = await store.appendMany([
      { streamId: 'shipment:SH-10', events: [{ type: 'MilestoneRecorded' }], expectedVersion: 1, tenantId: 'acme', inbox },
      { streamId: 'shipment:SH-11', events: [{ type: 'MilestoneRecorded' }], expectedVersion: 'no_stream', tenantId: 'acme', inbox: { consumer: 'visibility', eventId: other } },
    ]);
    expect(batch.map((r) => [r.streamId, r.duplicate, r.events.length])).toEqual([
      ['shipment:SH-10', true, 0],
      ['shipment:SH-11', false, 1],
    ]);
    expect(await store.readStream('shipment:SH-10')).toHaveLength(1);
    // A version conflict rolls the inbox row back with the statement: the redelivery is handled.
    const third = randomUUID();
    await expect(
      store.append('shipment:SH-11', [{ type: 'MilestoneRecorded' }], { expectedVersion: 9, tenantId: 'acme', inbox: { consumer: 'visibility', eventId: third } }),
    ).rejects.toBeInstanceOf(StreamConflictError);
    expect(await store.transaction((tx) => tx.recordInbox('visibility', 'acme', third))).toBe(true);
  });

  it('tells onCommitted listeners what this store appended, only once it committed', async () => {
    const seen: string[][] = [];
    const stop = fx.store.onCommitted((events) => seen.push(events.map((e) => `${e.streamId}@${e.streamVersion}:${e.eventType}`)));
    try {
      await fx.store.transaction(async (tx) => {
        await tx.appendMany([
          { streamId: 'order-release:SO-N1', events: [placed('SO-N1'), released('SO-N1')], expectedVersion: 'no_stream', tenantId: 'acme' },
          { streamId: 'order-release:SO-N2', events: [placed('SO-N2')], expectedVersion: 'no_stream', tenantId: 'acme' },
        ]);
        expect(seen).toEqual([]); // not before the commit
      });
      await expect(
        fx.store.transaction(async (tx) => {
          await tx.append('order-release:SO-N3', [placed('SO-N3')], { expectedVersion: 'no_stream', tenantId: 'acme' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // a savepoint rolled back inside a committed transaction: its append is not reported
      await fx.store.transaction(async (tx) => {
        await expect(
          tx.savepoint('try_hold', async () => {
            await tx.append('order-release:SO-N6', [placed('SO-N6')], { expectedVersion: 'no_stream', tenantId: 'acme' });
            throw new Error('undone');
          }),
        ).rejects.toThrow('undone');
        await tx.savepoint('kept', () => tx.append('order-release:SO-N7', [placed('SO-N7')], { expectedVersion: 'no_stream', tenantId: 'acme' }));
      });
      expect(await fx.store.readStream('order-release:SO-N6')).toEqual([]);
      await fx.store.append('order-release:SO-N2', [released('SO-N2')], { expectedVersion: 1, tenantId: 'acme' });
      // a retried append of stored event ids is a duplicate: nothing new committed
      const ids = [randomUUID()];
      await fx.store.append('order-release:SO-N4', [placed('SO-N4')], { expectedVersion: 'no_stream', tenantId: 'acme', eventIds: ids });
      await fx.store.append('order-release:SO-N4', [placed('SO-N4')], { expectedVersion: 'no_stream', tenantId: 'acme', eventIds: ids });
    } finally {
      stop();
    }
    await fx.store.append('order-release:SO-N5', [placed('SO-N5')], { expectedVersion: 'no_stream', tenantId: 'acme' });
    expect(seen).toEqual([
      ['order-release:SO-N1@1:OrderPlaced', 'order-release:SO-N1@2:OrderReleased', 'order-release:SO-N2@1:OrderPlaced'],
      ['order-release:SO-N7@1:OrderPlaced'],
      ['order-release:SO-N2@2:OrderReleased'],
      ['order-release:SO-N4@1:OrderPlaced'],
    ]);
  });

  it('given a transaction whose statement failed and the error was swallowed, when it ends, then it rejects: PostgreSQL answered COMMIT with ROLLBACK and nothing is kept', async () => {
    const { store } = fx;
    const eventId = randomUUID();
    await expect(
      store.transaction(async (tx) => {
        await tx.recordInbox('swallowed', 'acme', eventId);
        // a statement error inside the transaction (no savepoint): PostgreSQL aborts the transaction
        await tx.client.query('select 1/0').catch(() => undefined);
        return 'handled';
      }),
    ).rejects.toMatchObject({ code: 'TRANSACTION_ABORTED' });
    // the inbox row was not kept: the message is handled again on redelivery
    expect(await store.transaction((tx) => tx.recordInbox('swallowed', 'acme', eventId))).toBe(true);
  });

  it('reads everything in global order, gap-free', async () => {
    const { store } = fx;
    const { rows } = await fx.pool.query(`select count(*)::int as n from "${fx.schema}".events`);
    // Other sessions on the server may hold xmin back for a moment: poll until visible.
    const all = await waitUntil('every event visible', async () => {
      const read = await store.readAll({ after: START_OF_LOG, limit: 10_000 });
      return read.events.length === rows[0].n && read;
    });
    const positions = all.events.map((e) => e.position);
    expect(positions.length).toBeGreaterThan(5);
    expect(new Set(positions).size).toBe(positions.length);
    expect(all.events.every((e) => e.tenantId === 'acme' || e.tenantId === 'globex')).toBe(true);
    const next = await store.readAll({ after: all.cursor });
    expect(next.events).toEqual([]);
  });

  it('orders the log by transaction id as a number, not as text (xid 999 before xid 1000)', async () => {
    const { pool, schema, store } = fx;
    // Two old transactions whose ids differ in length (…999 and …1000) and are below the oldest
    // transaction in flight: on a young cluster (CI's) xids may still be near 1000, so the pair
    // is chosen below the current xmin, and the read waits for any other session holding it back.
    const { rows } = await pool.query(`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin`);
    const ten = 10 ** Math.floor(Math.log10(Math.max(Number(rows[0].xmin) - 1, 10)));
    const [low, high] = [String(ten - 1), String(ten)];
    // Rows as two old transactions left them: the higher xid took the lower position.
    await pool.query(
      `insert into "${schema}".events (transaction_id, stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload)
       values ($1::xid8, 'xid:A', 'xid', 1, gen_random_uuid(), 'OrderPlaced', 'acme', '{}'),
              ($2::xid8, 'xid:B', 'xid', 1, gen_random_uuid(), 'OrderPlaced', 'acme', '{}')`,
      [high, low],
    );
    const read = await waitUntil('both old transactions readable', async () => {
      const first = await store.readAll({ limit: 1, streamTypes: ['xid'] });
      const second = await store.readAll({ after: first.cursor, limit: 1, streamTypes: ['xid'] });
      const both = [...first.events, ...second.events];
      return both.length === 2 && both;
    });
    expect(read.map((e) => [e.transactionId, e.streamId])).toEqual([
      [low, 'xid:B'],
      [high, 'xid:A'],
    ]);
  });
});
