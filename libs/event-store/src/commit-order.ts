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
 *
 * ORDER BY names the table's column (`e.`): the select list turns transaction_id into text,
 * and ordering by that would sort xid 1000 before xid 999 and skip events.
 */
export async function readCommittedAfter(
  client: ClientBase,
  t: EventStoreTables,
  cursor: CommitCursor,
  limit: number,
  filter?: { streamTypes?: readonly string[]; eventTypes?: readonly string[] },
  /** Also write this checkpoint in the same statement (saves a round trip). */
  save?: { name: string; cursor: CommitCursor },
  /** EVENT_KEY_COLUMNS reads everything but payload and metadata (left undefined for the caller to fill). */
  columns: string = EVENT_COLUMNS,
): Promise<StoredEvent[]> {
  const params: unknown[] = [cursor.transactionId, cursor.position, limit];
  let where = '';
  let saveSql = '';
  if (filter?.streamTypes?.length) {
    params.push(filter.streamTypes);
    where = `and stream_type = any($${params.length}::text[])`;
  }
  if (filter?.eventTypes?.length) {
    params.push(filter.eventTypes);
    where += ` and event_type = any($${params.length}::text[])`;
  }
  if (save) {
    params.push(save.name, save.cursor.transactionId, save.cursor.position);
    const n = params.length;
    saveSql = `with saved as (update ${t.checkpoints} set transaction_id = $${n - 1}::xid8, position = $${n}, updated_at = now() where name = $${n - 2}) `;
  }
  const { rows } = await client.query(
    `${saveSql}select ${columns} from ${t.events} e
      where (transaction_id, position) > ($1::xid8, $2::bigint)
        and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${where}
      order by e.transaction_id, e.position
      limit $3`,
    params,
  );
  return rows.map((row) => rowToStoredEvent(row));
}

/**
 * How many events are behind `cursor` (committed or not yet visible). Bounded so that a
 * relay that is far behind does not scan the whole log for a gauge.
 */
export async function countAfter(
  client: ClientBase,
  t: EventStoreTables,
  cursor: CommitCursor,
  filter?: { streamTypes?: readonly string[]; eventTypes?: readonly string[] },
  cap = 100_000,
): Promise<number> {
  const params: unknown[] = [cursor.transactionId, cursor.position, cap];
  let where = '';
  if (filter?.streamTypes?.length) {
    params.push(filter.streamTypes);
    where += ` and stream_type = any($${params.length}::text[])`;
  }
  if (filter?.eventTypes?.length) {
    params.push(filter.eventTypes);
    where += ` and event_type = any($${params.length}::text[])`;
  }
  const { rows } = await client.query(
    `select count(*)::int as n from (
       select 1 from ${t.events} where (transaction_id, position) > ($1::xid8, $2::bigint)${where} limit $3
     ) behind`,
    params,
  );
  return rows[0].n;
}

export function cursorAfter(events: readonly StoredEvent[], fallback: CommitCursor): CommitCursor {
  const last = events[events.length - 1];
  return last ? { transactionId: last.transactionId, position: last.position } : fallback;
}
