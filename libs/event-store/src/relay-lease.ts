import type { PoolClient } from 'pg';
import type { EventStoreTables } from './schema';
import type { CommitCursor, Logger } from './types';

export interface RelayLeaseOptions {
  tables: EventStoreTables;
  /** Checkpoint row of the relay. */
  name: string;
  /** Advisory lock key: (hashtext('lading.outbox-relay'), hashtext(lockKey)). */
  lockKey: string;
  /** A leader whose heartbeat is older than this is replaced by a follower. */
  leaseMs: number;
  logger: Logger;
}

export interface RelayLease {
  /**
   * Tries to become the leader on `client`: takes the advisory lock and writes the heartbeat in
   * one statement; if another session holds the lock and its heartbeat is older than the lease,
   * terminates that session first. Resolves the relay's checkpoint, or undefined (not leader).
   */
  acquire(client: PoolClient): Promise<CommitCursor | undefined>;
  /** Writes the heartbeat on the leader session when one is due (at most every leaseMs/3, 1 s). */
  renew(client: PoolClient): Promise<void>;
}

/**
 * Leadership with a lease. The session-level advisory lock says who leads; a leader whose process
 * froze (a hung call, a paused VM, SIGSTOP) keeps its session — and so the lock — open forever.
 * So the leader also records a heartbeat, by the database clock, on its checkpoint row while its
 * loop runs (also while it waits out a broker outage), and a follower that finds the heartbeat
 * older than the lease terminates the holder's backend and takes the lock. The old leader, if it
 * ever resumes, fails on its dead session before it publishes or checkpoints again (its next
 * statement is the overdue heartbeat) and resigns.
 */
export function relayLease(options: RelayLeaseOptions): RelayLease {
  const { tables: t, name, lockKey, leaseMs, logger } = options;
  const renewEveryMs = Math.max(1, Math.min(1000, Math.floor(leaseMs / 3)));
  let renewedAt = 0;

  async function lock(client: PoolClient): Promise<CommitCursor | undefined> {
    // Lock and heartbeat in one statement: no follower can see this session holding the lock
    // next to the previous leader's stale heartbeat.
    const { rows } = await client.query(
      `insert into ${t.checkpoints} (name, heartbeat_at)
       select $1, now() where pg_try_advisory_lock(hashtext('lading.outbox-relay'), hashtext($2))
       on conflict (name) do update set heartbeat_at = now()
       returning transaction_id::text as transaction_id, position`,
      [name, lockKey],
    );
    if (rows.length === 0) return undefined;
    renewedAt = Date.now();
    return { transactionId: rows[0].transaction_id, position: Number(rows[0].position) };
  }

  /** Terminates the lock holder if its heartbeat is older than the lease; true if it did. */
  async function replaceStaleLeader(client: PoolClient): Promise<boolean> {
    const { rows } = await client.query(
      `select l.pid, extract(epoch from now() - c.heartbeat_at)::float8 as age, pg_terminate_backend(l.pid, $4) as terminated
         from ${t.checkpoints} c
         join pg_locks l on l.locktype = 'advisory' and l.granted and l.objsubid = 2
          and l.database = (select oid from pg_database where datname = current_database())
          and l.classid::bigint = hashtext('lading.outbox-relay')::bigint & 4294967295
          and l.objid::bigint = hashtext($2)::bigint & 4294967295
        where c.name = $1 and c.heartbeat_at < now() - make_interval(secs => $3::float8 / 1000) and l.pid <> pg_backend_pid()`,
      [name, lockKey, leaseMs, Math.min(leaseMs, 5000)],
    );
    for (const row of rows) {
      logger.warn('replaced a frozen outbox relay leader: its heartbeat is older than the lease', {
        relay: name,
        pid: row.pid,
        heartbeatAgeSeconds: Number(Number(row.age).toFixed(3)),
        leaseMs,
        terminated: row.terminated,
      });
    }
    return rows.some((row) => row.terminated);
  }

  return {
    async acquire(client) {
      const cursor = await lock(client);
      if (cursor || !(await replaceStaleLeader(client))) return cursor;
      return lock(client);
    },
    async renew(client) {
      if (Date.now() - renewedAt < renewEveryMs) return;
      await client.query(`update ${t.checkpoints} set heartbeat_at = now() where name = $1`, [name]);
      renewedAt = Date.now();
    },
  };
}
