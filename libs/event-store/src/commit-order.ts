import type { ClientBase } from 'pg';
import { EVENT_COLUMNS, rowToStoredEvent } from './append';
import type { EventStoreTables } from './schema';
import type { CommitCursor, StoredEvent } from './types';

/**
 * Reads the next committed events after `cursor` in (transaction id, position) order, in one
 * statement, and only from transactions older than the oldest one still in flight
 * (`pg_snapshot_xmin`). Positions are taken at insert time but transactions commit in any
 * order, so a reader that follows positions alone skips the event of a slow transaction; a
 * transaction below xmin can never commit anything new, so nothing appears behind this cursor.
 * A rolled-back transaction simply leaves nothing to read — it never stalls the reader.
 */
export async function readCommittedAfter(
  client: ClientBase,
  t: EventStoreTables,
  cursor: CommitCursor,
  limit: number,
  filter?: { streamTypes?: readonly string[] },
  /** Also persist `cursor` as this checkpoint, in the same statement (saves a round trip). */
  saveAs?: string,
): Promise<StoredEvent[]> {
  const params: unknown[] = [cursor.transactionId, cursor.position, limit];
  let where = '';
  let save = '';
  if (filter?.streamTypes?.length) {
    params.push(filter.streamTypes);
    where = `and stream_type = any($${params.length}::text[])`;
  }
  if (saveAs) {
    params.push(saveAs);
    save = `with saved as (update ${t.checkpoints} set transaction_id = $1::xid8, position = $2, updated_at = now() where name = $${params.length}) `;
  }
  const { rows } = await client.query(
    `${save}select ${EVENT_COLUMNS} from ${t.events}
      where (transaction_id, position) > ($1::xid8, $2::bigint)
        and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${where}
      order by transaction_id, position
      limit $3`,
    params,
  );
  return rows.map((row) => rowToStoredEvent(row));
}

/**
 * How many events are behind `cursor` (committed or not yet visible). Bounded so that a
 * relay that is far behind does not scan the whole log for a gauge.
 */
export async function countAfter(client: ClientBase, t: EventStoreTables, cursor: CommitCursor, cap = 1_000_000): Promise<number> {
  const { rows } = await client.query(
    `select count(*)::int as n from (select 1 from ${t.events} where (transaction_id, position) > ($1::xid8, $2::bigint) limit $3) behind`,
    [cursor.transactionId, cursor.position, cap],
  );
  return rows[0].n;
}

export function cursorAfter(events: readonly StoredEvent[], fallback: CommitCursor): CommitCursor {
  const last = events[events.length - 1];
  return last ? { transactionId: last.transactionId, position: last.position } : fallback;
}
