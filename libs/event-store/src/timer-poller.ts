import type { EventStore, EventStoreTransaction } from './event-store';
import { createPollingLoop } from './polling-loop';
import type { DueTimer } from './timers';
import { jsonLogger, Logger } from './types';

export interface TimerPollerOptions<Command> {
  store: EventStore;
  /**
   * Turns a due timer into its command, inside the claiming transaction: whatever `fire`
   * changes through `tx` commits together with the timer's removal, so a timer fires once.
   */
  fire?: (timer: DueTimer<Command>, tx: EventStoreTransaction) => Promise<void>;
  /**
   * Fires the claimed timers together (instead of `fire`, one by one): set-wise work over many
   * timers costs a few statements instead of a few per timer. When it fails, the batch is rolled
   * back and each timer is fired alone (`fireAll([timer])`), so one bad timer is
   * isolated and rescheduled while the others still fire. Each of those runs in a transaction of
   * its own: fired one after another in one transaction, their row locks would pile up in no
   * common order and deadlock with other transactions.
   */
  fireAll?: (timers: DueTimer<Command>[], tx: EventStoreTransaction) => Promise<void>;
  /** Timers per claiming transaction (default 50). */
  batchSize?: number;
  /**
   * Fire only timers whose id starts with this: every service's timers share one table, and
   * each service's poller must claim only its own.
   */
  timerIdPrefix?: string;
  /** Idle poll interval (default 500 ms). */
  pollIntervalMs?: number;
  /** Delay before a timer whose firing failed is tried again (default: 1 s × 2^attempts, ≤ 5 min). */
  retryDelayMs?: (attempts: number) => number;
  logger?: Logger;
}

/** The columns of a claimed timer; `claimed_due_at` is its due time as text, exact to the microsecond (a Date keeps milliseconds). */
const CLAIMED = 'timer_id, tenant_id, stream_id, due_at, due_at::text as claimed_due_at, command, attempts';

export interface TimerPoller {
  /** Claims and fires due timers once; returns how many fired. */
  pollOnce(): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Fires durable timers. Due rows are claimed with FOR UPDATE SKIP LOCKED, so several
 * instances poll without firing a timer twice or waiting on each other; a timer is deleted in
 * the transaction that fired it. A failing `fire` is rolled back to a savepoint and the timer
 * rescheduled with backoff, so one bad timer does not undo the rest of the batch.
 */
export function createTimerPoller<Command = unknown>(options: TimerPollerOptions<Command>): TimerPoller {
  const { store } = options;
  const fireAll = options.fireAll;
  const one = options.fire ?? (fireAll ? (timer: DueTimer<Command>, tx: EventStoreTransaction) => fireAll([timer], tx) : undefined);
  if (!one) throw new Error('createTimerPoller needs fire or fireAll');
  const fire = one;
  const t = store.tables;
  const batchSize = options.batchSize ?? 50;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const retryDelayMs = options.retryDelayMs ?? ((attempts: number) => Math.min(1000 * 2 ** attempts, 300_000));
  const logger = options.logger ?? jsonLogger('event-store.timers');

  const toTimer = (row: Record<string, any>): DueTimer<Command> => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
    timerId: row.timer_id,
    tenantId: row.tenant_id,
    streamId: row.stream_id ?? undefined,
    dueAt: row.due_at,
    command: row.command,
    attempts: row.attempts,
  });

  /**
   * Fires one claimed timer in `tx` behind a savepoint: deleted when it fired, rescheduled with
   * backoff when it failed. `claimedDueAt` is its due time as claimed (exact, as PostgreSQL's text).
   */
  async function fireClaimed(tx: EventStoreTransaction, timer: DueTimer<Command>, claimedDueAt: string): Promise<number> {
    try {
      await tx.savepoint('fire_timer', async () => {
        await fire(timer, tx);
        await deleteFired(tx, [timer.timerId], [claimedDueAt]);
      });
      return 1;
    } catch (error) {
      const delay = retryDelayMs(timer.attempts + 1);
      logger.error('timer failed to fire; rescheduled', { timerId: timer.timerId, attempts: timer.attempts + 1, delayMs: delay, error: String(error) });
      await tx.client.query(
        `update ${t.timers} set attempts = attempts + 1, last_error = $2, due_at = now() + make_interval(secs => $3::float8 / 1000) where timer_id = $1`,
        [timer.timerId, String(error), delay],
      );
      return 0;
    }
  }

  /**
   * Deletes fired timers as they were claimed. A firing that asked for the same timer again at
   * another time (a deadline re-armed, a wake-up moved) keeps the new one: deleting by id alone
   * would drop it with the fired one. Asked again for the same time, it is the timer just fired.
   */
  async function deleteFired(tx: EventStoreTransaction, timerIds: readonly string[], claimedDueAts: readonly string[]): Promise<void> {
    await tx.client.query(
      `delete from ${t.timers} t using unnest($1::text[], $2::timestamptz[]) as c(timer_id, due_at) where t.timer_id = c.timer_id and t.due_at = c.due_at`,
      [timerIds, claimedDueAts],
    );
  }

  /** A timer of a failed batch, in a transaction of its own (claimed again: another poller may have fired it meanwhile). */
  async function fireAlone(timerId: string): Promise<number> {
    return store.transaction(async (tx) => {
      const { rows } = await tx.client.query(
        `select ${CLAIMED} from ${t.timers} where timer_id = $1 and due_at <= now() for update skip locked`,
        [timerId],
      );
      return rows[0] ? fireClaimed(tx, toTimer(rows[0]), rows[0].claimed_due_at) : 0;
    });
  }

  async function pollOnce(): Promise<number> {
    let failedBatch: string[] | undefined;
    const fired = await store.transaction(async (tx) => {
      const { rows } = await tx.client.query(
        `select ${CLAIMED} from ${t.timers}
          where due_at <= now() and starts_with(timer_id, $2) order by due_at limit $1 for update skip locked`,
        [batchSize, options.timerIdPrefix ?? ''],
      );
      const timers = rows.map(toTimer);
      if (fireAll && timers.length > 1) {
        try {
          await tx.savepoint('fire_timers', async () => {
            await fireAll(timers, tx);
            await deleteFired(
              tx,
              timers.map((timer) => timer.timerId),
              rows.map((row) => row.claimed_due_at),
            );
          });
          return timers.length;
        } catch (error) {
          logger.warn('timer batch failed; firing its timers one by one', { timers: timers.length, error: String(error) });
          // Each in a transaction of its own, after this one ends: firing them one after another
          // here would pile up the row locks of every timer in no common order.
          failedBatch = timers.map((timer) => timer.timerId);
          return 0;
        }
      }
      let count = 0;
      for (const [index, timer] of timers.entries()) count += await fireClaimed(tx, timer, rows[index].claimed_due_at);
      return count;
    });
    if (!failedBatch) return fired;
    let count = 0;
    for (const timerId of failedBatch) count += await fireAlone(timerId);
    return count;
  }

  const loop = createPollingLoop({
    name: `timer poller${options.timerIdPrefix ? ` ${options.timerIdPrefix}` : ''}`,
    logger,
    intervalMs: pollIntervalMs,
    tick: async () => (await pollOnce()) >= batchSize,
  });

  return {
    pollOnce,
    async start() {
      loop.start();
    },
    stop: () => loop.stop(),
  };
}
