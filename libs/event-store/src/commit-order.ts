import type { ClientBase } from 'pg';
import { EVENT_COLUMNS, rowToStoredEvent } from './append';
import type { EventStoreTables } from './schema';
import type { CommitCursor, StoredEvent } from './types';

/** The oldest event-store write transaction in flight, as the cut-off sees it. */
export interface WriteInFlight {
  transactionId: string;
  pid: number;
  ageSeconds: number;
}

/**
 * The gap-free cut-off: every event-store transaction holds the schema's writers lock (shared,
 * taken at BEGIN, before it has an id). Read the holders' ids and the current snapshot's xmax
 * in one statement: a transaction with an id below the smaller of the two either holds the lock
 * now (and so is the minimum) or has finished — committed or rolled back — before this
 * statement; a transaction that gets its id later gets one above xmax. So the NEXT statement
 * sees every event below the cut that will ever exist, whatever else runs on the server:
 * another database, a report, the registry — only the event store's own in-flight writes hold
 * readers back (and `oldest` says how long the oldest has been open).
 */
export async function commitCutOff(client: ClientBase, t: EventStoreTables): Promise<{ below: string; oldest?: WriteInFlight }> {
  const { rows } = await client.query(
    `select pg_snapshot_xmax(pg_current_snapshot())::text as xmax,
            (select json_agg(json_build_object('xid', a.backend_xid::text, 'pid', a.pid, 'age', extract(epoch from clock_timestamp() - a.xact_start)))
               from pg_locks l join pg_stat_activity a on a.pid = l.pid
              where l.locktype = 'advisory' and l.classid::int4 = $1 and l.objid::int4 = $2 and l.objsubid = 2 and l.granted
                and a.backend_xid is not null) as holders`,
    [t.writersLock.classId, t.writersLock.objectId],
  );
  const xmax = BigInt(rows[0].xmax);
  const holders = ((rows[0].holders ?? []) as { xid: string; pid: number; age: number }[]).map((h) => ({ transactionId: fullTransactionId(BigInt(h.xid), xmax), pid: h.pid, ageSeconds: Number(h.age) }));
  holders.sort((a, b) => (a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0));
  const oldestId = holders[0]?.transactionId;
  const below = oldestId !== undefined && oldestId < xmax ? oldestId : xmax;
  const oldest = holders.length > 0 ? holders.reduce((a, b) => (b.ageSeconds > a.ageSeconds ? b : a)) : undefined;
  return { below: below.toString(), ...(oldest ? { oldest: { transactionId: oldest.transactionId.toString(), pid: oldest.pid, ageSeconds: oldest.ageSeconds } } : {}) };
}

/**
 * The 64-bit id (xid8) of a 32-bit transaction id seen near `near`: the epoch that puts it
 * closest (an in-progress id may be above xmax, and one assigned before a wrap-around below).
 */
export function fullTransactionId(xid: bigint, near: bigint): bigint {
  const span = 1n << 32n;
  const candidate = (near & ~(span - 1n)) | xid;
  if (candidate - near > span / 2n && candidate >= span) return candidate - span;
  if (near - candidate > span / 2n) return candidate + span;
  return candidate;
}

/**
 * Reads the next committed events after `cursor` in (transaction id, position) order, only from
 * transactions below the cut-off (`commitCutOff`: the oldest event-store transaction still in
 * flight). Positions are taken at insert time but transactions commit in any order, so a reader
 * that follows positions alone skips the event of a slow transaction; a transaction below the
 * cut-off can never commit anything new, so nothing appears behind this cursor. A rolled-back
 * transaction simply leaves nothing to read — it never stalls the reader.
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
  const cut = await commitCutOff(client, t);
  const params: unknown[] = [cursor.transactionId, cursor.position, limit, cut.below];
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
        and transaction_id < $4::xid8
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
