import { waitUntil } from '@lading/testing';
import { createGroupCommitter, groupCommitUnitOfWork } from './group-commit';
import { createTimerPoller } from './timer-poller';
import { eventStoreFixture, gate, placed } from './test/fixture';
import { silentLogger } from './types';

jest.setTimeout(60_000);

describe('group commit (PostgreSQL)', () => {
  let fx: Awaited<ReturnType<typeof eventStoreFixture>>;
  beforeAll(async () => {
    fx = await eventStoreFixture();
  });
  afterAll(() => fx.close());

  const streamsOf = async (prefix: string) =>
    (await fx.pool.query(`select stream_id from "${fx.schema}".streams where stream_id like $1 order by stream_id`, [`${prefix}%`])).rows.map((r) => r.stream_id as string);

  it('given a transaction running, when more units are submitted, then the next transaction commits all of them together', async () => {
    const first = gate();
    const transactions: string[][] = [];
    const committer = createGroupCommitter<string>({
      store: fx.store,
      handle: async (tx, orderIds) => {
        transactions.push(orderIds);
        if (transactions.length === 1) await first.opened;
        await tx.appendMany(orderIds.map((id) => ({ streamId: `gc-a:${id}`, events: [placed(id)], expectedVersion: 'no_stream' as const, tenantId: 'acme' })));
      },
    });
    const unit = () => groupCommitUnitOfWork(committer, { maxMessages: 10 }).begin();
    const a = await unit();
    a.add('SO-1');
    const committedA = a.commit();
    await waitUntil('the first transaction runs', () => transactions.length === 1);
    const later = await Promise.all([unit(), unit()]);
    later[0].add('SO-2');
    later[0].add('SO-3');
    later[1].add('SO-4');
    const committedLater = later.map((u) => u.commit());
    first.open();
    await Promise.all([committedA, ...committedLater]);

    expect(transactions).toEqual([['SO-1'], ['SO-2', 'SO-3', 'SO-4']]);
    expect(await streamsOf('gc-a:')).toEqual(['gc-a:SO-1', 'gc-a:SO-2', 'gc-a:SO-3', 'gc-a:SO-4']);
  });

  it('given units of different groups waiting, then each transaction takes the oldest unit and only its group mates', async () => {
    const first = gate();
    const transactions: string[][] = [];
    const committer = createGroupCommitter<string>({
      store: fx.store,
      groupOf: (inputs) => inputs[0].split('-')[0],
      handle: async (_tx, inputs) => {
        transactions.push(inputs);
        if (transactions.length === 1) await first.opened;
      },
    });
    const blocker = committer.submit(['fact-0']);
    await waitUntil('the first transaction runs', () => transactions.length === 1);
    const later = [committer.submit(['order-1']), committer.submit(['fact-2']), committer.submit(['order-3', 'order-4'])];
    first.open();
    await Promise.all([blocker, ...later]);
    expect(transactions).toEqual([['fact-0'], ['order-1', 'order-3', 'order-4'], ['fact-2']]);
  });

  it('given a group whose transaction fails, then each unit is run alone: only the failing one is rejected, the others commit', async () => {
    const first = gate();
    let calls = 0;
    const committer = createGroupCommitter<string>({
      store: fx.store,
      logger: silentLogger,
      handle: async (tx, orderIds) => {
        if (calls++ === 0) await first.opened;
        await tx.appendMany(orderIds.map((id) => ({ streamId: `gc-b:${id}`, events: [placed(id)], expectedVersion: 'no_stream' as const, tenantId: 'acme' })));
        if (orderIds.includes('SO-BAD')) throw new Error('SO-BAD cannot be decided');
      },
    });
    const blocker = committer.submit(['SO-0']);
    await waitUntil('the first transaction runs', () => calls === 1);
    const good = committer.submit(['SO-1', 'SO-2']);
    const bad = committer.submit(['SO-BAD']);
    const alsoGood = committer.submit(['SO-3']);
    first.open();

    await expect(blocker).resolves.toBeUndefined();
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('SO-BAD cannot be decided');
    await expect(alsoGood).resolves.toBeUndefined();
    // the failed group wrote nothing; its good units committed on their own
    expect(await streamsOf('gc-b:')).toEqual(['gc-b:SO-0', 'gc-b:SO-1', 'gc-b:SO-2', 'gc-b:SO-3']);
  });

  it('given due timers fired together and one of them failing, then the batch is fired one by one: the bad timer is rescheduled, the others fire', async () => {
    await fx.store.transaction(async (tx) => {
      // due a second apart: the poller fires by due time
      await tx.scheduleTimers(['gc-t:1', 'gc-t:2', 'gc-t:3'].map((timerId, i) => ({ timerId, tenantId: 'acme', dueAt: new Date(Date.now() - 5_000 + i * 1_000), command: { orderId: timerId } })));
    });
    const batches: string[][] = [];
    const poller = createTimerPoller<{ orderId: string }>({
      store: fx.store,
      logger: silentLogger,
      timerIdPrefix: 'gc-t:',
      fireAll: async (timers, tx) => {
        batches.push(timers.map((t) => t.command.orderId));
        if (timers.some((t) => t.command.orderId === 'gc-t:2')) throw new Error('cannot fire gc-t:2');
        await tx.appendMany(timers.map((t) => ({ streamId: `fired:${t.timerId}`, events: [placed(t.timerId)], expectedVersion: 'no_stream' as const, tenantId: 'acme' })));
      },
    });
    expect(await poller.pollOnce()).toBe(2);
    expect(batches).toEqual([['gc-t:1', 'gc-t:2', 'gc-t:3'], ['gc-t:1'], ['gc-t:2'], ['gc-t:3']]);
    expect(await streamsOf('fired:gc-t:')).toEqual(['fired:gc-t:1', 'fired:gc-t:3']);
    const left = await fx.pool.query(`select timer_id, attempts from "${fx.schema}".timers where timer_id like 'gc-t:%'`);
    expect(left.rows).toEqual([{ timer_id: 'gc-t:2', attempts: 1 }]);
  });
});
