import type { ClientBase } from 'pg';
import type { EventStoreTables } from './schema';

/** A deadline to turn into a command, e.g. "no carrier scan for 12 h on shipment SH-1". */
export interface TimerSchedule<Command = unknown> {
  /** Stable id: scheduling the same id again moves the deadline (and replaces the command). */
  timerId: string;
  tenantId: string;
  dueAt: Date;
  command: Command;
  /** The stream the command is for, if any (informational, for operators). */
  streamId?: string;
}

/** A timer that is due, as handed to the poller's `fire`. */
export interface DueTimer<Command = unknown> extends TimerSchedule<Command> {
  /** How many earlier firings failed. */
  attempts: number;
}

export async function scheduleTimer(client: ClientBase, t: EventStoreTables, timer: TimerSchedule, options: { unlessPending?: string } = {}): Promise<void> {
  if (options.unlessPending !== undefined) {
    // A plain insert guarded by a non-locking read: it never waits on a timer row that a
    // poller has claimed (a caller holding other row locks could otherwise deadlock with it).
    await client.query(
      `insert into ${t.timers} (timer_id, tenant_id, stream_id, due_at, command)
       select $1, $2, $3, $4, $5::jsonb
       where not exists (select 1 from ${t.timers} where starts_with(timer_id, $6) and due_at <= $4)
       on conflict (timer_id) do nothing`,
      [timer.timerId, timer.tenantId, timer.streamId ?? null, timer.dueAt, JSON.stringify(timer.command), options.unlessPending],
    );
    return;
  }
  await client.query(
    `insert into ${t.timers} (timer_id, tenant_id, stream_id, due_at, command) values ($1, $2, $3, $4, $5::jsonb)
     on conflict (timer_id) do update set due_at = excluded.due_at, command = excluded.command,
       tenant_id = excluded.tenant_id, stream_id = excluded.stream_id, attempts = 0, last_error = null`,
    [timer.timerId, timer.tenantId, timer.streamId ?? null, timer.dueAt, JSON.stringify(timer.command)],
  );
}

/**
 * Schedules (or moves) several timers in one statement; the same rules as `scheduleTimer`. With
 * `unlessPending`, a timer is only inserted while no timer whose id starts with its prefix and
 * that falls due no later exists (before this statement; of several timers with one prefix only
 * the first is asked for). A timer pending for later does not cover one asked for sooner.
 */
export async function scheduleTimers(
  client: ClientBase,
  t: EventStoreTables,
  timers: readonly TimerSchedule[],
  options: { unlessPending?: (timer: TimerSchedule) => string } = {},
): Promise<void> {
  if (timers.length === 0) return;
  if (options.unlessPending) return scheduleUnlessPending(client, t, timers, options.unlessPending);
  // One row per id (the last wins, as calling scheduleTimer in sequence would), in id order so
  // that two transactions scheduling overlapping timers wait for each other, never deadlock.
  const byId = new Map(timers.map((timer) => [timer.timerId, timer]));
  const rows = [...byId.values()]
    .sort((a, b) => (a.timerId < b.timerId ? -1 : a.timerId > b.timerId ? 1 : 0))
    .map((timer) => ({ timer_id: timer.timerId, tenant_id: timer.tenantId, stream_id: timer.streamId ?? null, due_at: timer.dueAt.toISOString(), command: timer.command }));
  await client.query(
    `insert into ${t.timers} (timer_id, tenant_id, stream_id, due_at, command)
     select r.timer_id, r.tenant_id, r.stream_id, r.due_at, r.command
       from jsonb_to_recordset($1::jsonb) as r(timer_id text, tenant_id text, stream_id text, due_at timestamptz, command jsonb)
     on conflict (timer_id) do update set due_at = excluded.due_at, command = excluded.command,
       tenant_id = excluded.tenant_id, stream_id = excluded.stream_id, attempts = 0, last_error = null`,
    [JSON.stringify(rows)],
  );
}

export async function cancelTimer(client: ClientBase, t: EventStoreTables, timerId: string): Promise<boolean> {
  const { rowCount } = await client.query(`delete from ${t.timers} where timer_id = $1`, [timerId]);
  return (rowCount ?? 0) > 0;
}

async function scheduleUnlessPending(client: ClientBase, t: EventStoreTables, timers: readonly TimerSchedule[], prefixOf: (timer: TimerSchedule) => string): Promise<void> {
  const byPrefix = new Map<string, TimerSchedule>();
  for (const timer of timers) if (!byPrefix.has(prefixOf(timer))) byPrefix.set(prefixOf(timer), timer);
  const rows = [...byPrefix.entries()]
    .sort(([, a], [, b]) => (a.timerId < b.timerId ? -1 : a.timerId > b.timerId ? 1 : 0))
    .map(([prefix, timer]) => ({ timer_id: timer.timerId, tenant_id: timer.tenantId, stream_id: timer.streamId ?? null, due_at: timer.dueAt.toISOString(), command: timer.command, prefix }));
  // A plain insert guarded by a non-locking read, as scheduleTimer's: it never waits on a timer
  // row that a poller has claimed.
  await client.query(
    `insert into ${t.timers} (timer_id, tenant_id, stream_id, due_at, command)
     select r.timer_id, r.tenant_id, r.stream_id, r.due_at, r.command
       from jsonb_to_recordset($1::jsonb) as r(timer_id text, tenant_id text, stream_id text, due_at timestamptz, command jsonb, prefix text)
      where not exists (select 1 from ${t.timers} p where starts_with(p.timer_id, r.prefix) and p.due_at <= r.due_at)
     on conflict (timer_id) do nothing`,
    [JSON.stringify(rows)],
  );
}
