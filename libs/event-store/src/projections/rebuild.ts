import type { ClientBase } from 'pg';
import { EVENT_COLUMNS, rowToStoredEvent } from '../append';
import { cursorAfter, readCommittedAfter } from '../commit-order';
import type { EventStore } from '../event-store';
import { CommitCursor, START_OF_LOG } from '../types';
import { ensureProjection, Projection, projectionTables } from './projection';

export interface RebuildProgress {
  phase: 'replaying' | 'swapping' | 'done';
  version: number;
  processed: number;
  /** Events in the log when the rebuild started (for a percentage; more may arrive). */
  total: number;
}

export interface RebuildOptions {
  store: EventStore;
  projection: Projection;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/**
 * Rebuilds a projection from position 0 into a new table version while the old one keeps
 * serving reads and receiving updates, then swaps the view in one short transaction:
 *
 * 1. replay the whole log into `<name>_v<n+1>` (no locks held);
 * 2. swap: lock out writers of the live read model (the async runner through its registry
 *    row, inline appenders through the view), apply what arrived meanwhile, point the view at
 *    the new table, record the new version and cursor; then drop the old table.
 *
 * Readers always query the view, so they see the old table until the swap commits and the
 * new one after: no downtime.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<{ version: number; processed: number }> {
  const { store, projection } = options;
  const t = store.tables;
  const batchSize = options.batchSize ?? 1000;
  const names = projectionTables(store.readModelSchema, projection);
  const client = await store.pool.connect();
  let broken = false;
  try {
    await ensureProjection(client, t, store.readModelSchema, projection);
    const { rows } = await client.query(`select version from ${t.projections} where name = $1`, [projection.name]);
    const oldVersion: number = rows[0].version;
    const version = oldVersion + 1;
    const table = names.table(version);
    // A table left by a rebuild that died half-way holds a partial replay: start clean.
    await client.query(`drop table if exists ${table}`);
    await projection.createTable(client, table);
    const total = await countEvents(client, store, projection);
    let processed = 0;
    const report = (phase: RebuildProgress['phase']) => options.onProgress?.({ phase, version, processed, total });

    let cursor: CommitCursor = START_OF_LOG;
    report('replaying');
    for (;;) {
      const events = await readCommittedAfter(client, t, cursor, batchSize, { streamTypes: projection.streamTypes });
      if (events.length === 0) break;
      await projection.apply(client, events, table);
      cursor = cursorAfter(events, cursor);
      processed += events.length;
      report('replaying');
      if (events.length < batchSize) break;
    }

    report('swapping');
    await client.query('begin');
    try {
      await client.query(`select 1 from ${t.projections} where name = $1 for update`, [projection.name]);
      // Inline writers hold ROW EXCLUSIVE on the view until they commit: this waits for them
      // and holds new ones back until the swap commits (then they write to the new table).
      // Every transaction that wrote the old table has then committed, so the tail is read
      // without the xmin bound: an older transaction still running has not written the read
      // model yet and will write its events through the view after the swap. Async
      // projections keep the gap-free bound: their runner resumes from this cursor.
      if (projection.mode === 'inline') await client.query(`lock table ${names.view} in exclusive mode`);
      const readTail = (from: CommitCursor) =>
        projection.mode === 'inline'
          ? readVisibleAfter(client, store, projection, from, batchSize)
          : readCommittedAfter(client, t, from, batchSize, { streamTypes: projection.streamTypes });
      for (;;) {
        const events = await readTail(cursor);
        if (events.length === 0) break;
        await projection.apply(client, events, table);
        cursor = cursorAfter(events, cursor);
        processed += events.length;
      }
      await client.query(`create or replace view ${names.view} as select * from ${table}`);
      await client.query(
        `update ${t.projections} set version = $2, transaction_id = $3::xid8, position = $4, rebuilt_at = now(), updated_at = now() where name = $1`,
        [projection.name, version, cursor.transactionId, cursor.position],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => (broken = true));
      throw error;
    }
    await client.query(`drop table if exists ${names.table(oldVersion)}`);
    report('done');
    return { version, processed };
  } finally {
    client.release(broken);
  }
}

async function readVisibleAfter(client: ClientBase, store: EventStore, projection: Projection, cursor: CommitCursor, limit: number) {
  const params: unknown[] = [cursor.transactionId, cursor.position, limit];
  let where = '';
  if (projection.streamTypes?.length) {
    params.push(projection.streamTypes);
    where = 'and stream_type = any($4::text[])';
  }
  const { rows } = await client.query(
    `select ${EVENT_COLUMNS} from ${store.tables.events} e where (transaction_id, position) > ($1::xid8, $2::bigint) ${where}
      order by e.transaction_id, e.position limit $3`,
    params,
  );
  return rows.map((row) => rowToStoredEvent(row));
}

async function countEvents(client: ClientBase, store: EventStore, projection: Projection): Promise<number> {
  const { rows } = projection.streamTypes?.length
    ? await client.query(`select count(*)::bigint as n from ${store.tables.events} where stream_type = any($1::text[])`, [projection.streamTypes])
    : await client.query(`select count(*)::bigint as n from ${store.tables.events}`);
  return Number(rows[0].n);
}
