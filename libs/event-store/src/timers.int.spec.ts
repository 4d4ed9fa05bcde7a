import { Pool } from 'pg';
import { testDatabaseUrl, waitUntil } from '@lading/testing';
import { createEventStore, type EventStoreTransaction } from './event-store';
import { eventStoreFixture, placed } from './test/fixture';
import { createTimerPoller } from './timer-poller';
import { silentLogger } from './types';

// The preset's testTimeout does not reach projects run from the root config.
jest.setTimeout(60_000);

type CheckScan = { type: 'CheckForScan'; shipmentId: string };

describe('durable timers (PostgreSQL)', () => {
  let fx: Awaited<ReturnType<typeof eventStoreFixture>>;
  beforeAll(async () => {
    fx = await eventStoreFixture();
  });
  afterAll(() => fx.close());

  const timersLeft = async (prefix: string) =>
    Number((await fx.pool.query(`select count(*) from "${fx.schema}".timers where timer_id like $1`, [`${prefix}%`])).rows[0].count);

  it('schedules and cancels in the same transaction as the events', async () => {
    const { store } = fx;
    const dueAt = new Date(Date.now() + 3_600_000);
    await expect(
      store.transaction(async (tx) => {
        await tx.append('shipment:SH-R', [placed('SH-R')], { expectedVersion: 'no_stream', tenantId: 'acme' });
        await tx.scheduleTimer({ timerId: 'sched-SH-R', tenantId: 'acme', dueAt, command: { type: 'CheckForScan', shipmentId: 'SH-R' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await timersLeft('sched-')).toBe(0);

    await store.transaction(async (tx) => {
      await tx.append('shipment:SH-1', [placed('SH-1')], { expectedVersion: 'no_stream', tenantId: 'acme' });
      await tx.scheduleTimer({ timerId: 'sched-SH-1', tenantId: 'acme', dueAt, command: { type: 'CheckForScan', shipmentId: 'SH-1' } });
    });
    expect(await timersLeft('sched-')).toBe(1);
    expect(await store.transaction((tx) => tx.cancelTimer('sched-SH-1'))).toBe(true);
    expect(await store.transaction((tx) => tx.cancelTimer('sched-SH-1'))).toBe(false);
    expect(await timersLeft('sched-')).toBe(0);
  });

  it('fires each due timer exactly once as a command under two polling instances', async () => {
    // Two instances: separate pools, pollers started together.
    const otherPool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    const instances = [fx.store, createEventStore({ pool: otherPool, schema: fx.schema })];
    const fired: string[] = [];
    const past = new Date(Date.now() - 1000);
    await fx.store.transaction(async (tx) => {
      for (let i = 0; i < 60; i++) {
        await tx.scheduleTimer<CheckScan>({ timerId: `once-${i}`, tenantId: 'acme', dueAt: past, command: { type: 'CheckForScan', shipmentId: `SH-${i}` } });
      }
      await tx.scheduleTimer<CheckScan>({ timerId: 'once-later', tenantId: 'acme', dueAt: new Date(Date.now() + 3_600_000), command: { type: 'CheckForScan', shipmentId: 'SH-L' } });
    });
    const pollers = instances.map((store) =>
      createTimerPoller<CheckScan>({
        store,
        batchSize: 7,
        pollIntervalMs: 10,
        logger: silentLogger,
        fire: async (timer, tx) => {
          // The command's effect: a stream that may only be created once.
          await tx.append(`scan-check:${timer.timerId}`, [{ type: 'ScanOverdue', shipmentId: timer.command.shipmentId }], {
            expectedVersion: 'no_stream',
            tenantId: timer.tenantId,
          });
          fired.push(timer.timerId);
        },
      }),
    );
    try {
      await Promise.all(pollers.map((p) => p.start()));
      await waitUntil('all due timers fired', async () => (await timersLeft('once-')) === 1);
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
      await otherPool.end();
    }
    expect(fired).toHaveLength(60);
    expect(new Set(fired).size).toBe(60);
    const { rows } = await fx.pool.query(`select count(*)::int as n from "${fx.schema}".events where stream_type = 'scan-check'`);
    expect(rows[0].n).toBe(60);
  });

  it('reschedules a timer whose command fails, without undoing the others', async () => {
    const past = new Date(Date.now() - 1000);
    await fx.store.transaction(async (tx) => {
      await tx.scheduleTimer({ timerId: 'fail-bad', tenantId: 'acme', dueAt: past, command: { type: 'CheckForScan', shipmentId: 'SH-BAD' } });
      await tx.scheduleTimer({ timerId: 'fail-good', tenantId: 'acme', dueAt: past, command: { type: 'CheckForScan', shipmentId: 'SH-GOOD' } });
    });
    const poller = createTimerPoller<CheckScan>({
      store: fx.store,
      logger: silentLogger,
      retryDelayMs: () => 3_600_000,
      fire: async (timer, tx) => {
        await tx.append(`scan-check:${timer.timerId}`, [{ type: 'ScanOverdue', shipmentId: timer.command.shipmentId }], { expectedVersion: 'no_stream', tenantId: 'acme' });
        if (timer.command.shipmentId === 'SH-BAD') throw new Error('carrier unknown');
      },
    });
    expect(await poller.pollOnce()).toBe(1);
    const { rows } = await fx.pool.query(`select timer_id, attempts, last_error, due_at > now() as later from "${fx.schema}".timers where timer_id like 'fail-%'`);
    expect(rows).toEqual([{ timer_id: 'fail-bad', attempts: 1, last_error: 'Error: carrier unknown', later: true }]);
    expect(await fx.store.readStream('scan-check:fail-bad')).toHaveLength(0);
    expect(await fx.store.readStream('scan-check:fail-good')).toHaveLength(1);
  });

  it('given timers whose firing schedules them again at a later time (a silence check re-armed), then the new deadlines stay and only the fired ones are deleted, in a batch and one by one', async () => {
    const past = new Date(Date.now() - 1000);
    const later = new Date(Date.now() + 3_600_000);
    const schedule = (ids: string[]) =>
      fx.store.transaction(async (tx) => {
        for (const id of ids) await tx.scheduleTimer({ timerId: id, tenantId: 'acme', dueAt: past, command: { type: 'CheckForScan', shipmentId: id } });
      });
    const rearm = async (timer: { timerId: string; tenantId: string; command: CheckScan }, tx: EventStoreTransaction) =>
      tx.scheduleTimer({ timerId: timer.timerId, tenantId: timer.tenantId, dueAt: later, command: timer.command });
    const pending = async (prefix: string) =>
      (await fx.pool.query(`select timer_id, due_at from "${fx.schema}".timers where timer_id like $1 order by timer_id`, [`${prefix}%`])).rows.map((r) => [r.timer_id, r.due_at.toISOString()]);

    await schedule(['rearm-batch-1', 'rearm-batch-2']);
    const batch = createTimerPoller<CheckScan>({ store: fx.store, logger: silentLogger, timerIdPrefix: 'rearm-batch-', fireAll: async (timers, tx) => {
        for (const timer of timers) await rearm(timer, tx);
      } });
    expect(await batch.pollOnce()).toBe(2);
    expect(await pending('rearm-batch-')).toEqual([
      ['rearm-batch-1', later.toISOString()],
      ['rearm-batch-2', later.toISOString()],
    ]);

    await schedule(['rearm-one-1']);
    // due to the microsecond (as a retry's backoff sets it), fired and not asked for again: deleted
    await fx.pool.query(`insert into "${fx.schema}".timers (timer_id, tenant_id, due_at, command) values ('rearm-one-2', 'acme', now() - interval '1.234567 s', '{}')`);
    const one = createTimerPoller<CheckScan>({ store: fx.store, logger: silentLogger, timerIdPrefix: 'rearm-one-', fire: async (timer, tx) => (timer.timerId === 'rearm-one-1' ? rearm(timer, tx) : undefined) });
    expect(await one.pollOnce()).toBe(2);
    expect(await pending('rearm-one-')).toEqual([['rearm-one-1', later.toISOString()]]);
  });
});
