import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DuplicateEventError, StreamConflictError } from './errors';
import type { EventStoreTables } from './schema';
import type { AppendRequest, AppendResult, DomainEvent, ExpectedVersion, StoredEvent } from './types';

const ANY = -1;

function expectedCode(expected: ExpectedVersion): number {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) throw new Error(`invalid expected version ${expected}`);
  return expected;
}

export function streamTypeOf(streamId: string): string {
  const at = streamId.indexOf(':');
  return at > 0 ? streamId.slice(0, at) : streamId;
}

/**
 * One statement appends to every requested stream: it checks the expected versions by
 * updating (or creating) each stream row — the row lock serialises writers of one stream, so
 * of two concurrent appenders with the same expected version exactly one wins — and inserts
 * the events of the streams it could claim.
 *
 * A stream row also remembers the xid that last wrote it, and an append is refused when that
 * xid is newer than ours. The relay reads in (xid, position) order; without this rule an older
 * transaction could put version n+1 behind version n of a younger one and the relay would
 * publish them out of stream order. Such a refusal is a conflict that needs a new transaction.
 *
 * A leading probe for already-stored event ids makes a retried append a no-op instead of a
 * unique violation that would abort the caller's transaction.
 */
function appendSql(t: EventStoreTables): string {
  return `
with req as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[]) with ordinality
    as r(stream_id, stream_type, tenant_id, expected, n, ord)
),
dup as (select 1 from ${t.events} where event_id = any($6::uuid[]) limit 1),
upd as (
  update ${t.streams} s
     set version = s.version + r.n, last_transaction_id = pg_current_xact_id(), updated_at = now()
    from req r
   where s.stream_id = r.stream_id and r.expected <> 0 and (r.expected = -1 or s.version = r.expected)
     and s.last_transaction_id <= pg_current_xact_id() and not exists (select 1 from dup)
  returning s.stream_id, s.version - r.n as base
),
ins as (
  insert into ${t.streams} (stream_id, stream_type, tenant_id, version, last_transaction_id)
  select r.stream_id, r.stream_type, r.tenant_id, r.n, pg_current_xact_id() from req r
   where r.expected in (0, -1) and not exists (select 1 from dup)
     and not exists (select 1 from ${t.streams} s where s.stream_id = r.stream_id)
   order by r.stream_id
  on conflict (stream_id) do nothing
  returning stream_id, 0::bigint as base
),
granted as (select stream_id, base from upd union all select stream_id, base from ins),
appended as (
  insert into ${t.events} (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata)
  select e.stream_id, r.stream_type, g.base + e.idx, e.event_id, e.event_type, r.tenant_id, e.payload, e.metadata
    from jsonb_to_recordset($7::jsonb) as e(stream_id text, idx int, event_id uuid, event_type text, payload jsonb, metadata jsonb)
    join granted g on g.stream_id = e.stream_id
    join req r on r.stream_id = e.stream_id
   order by r.ord, e.idx
  returning position, transaction_id, stream_id, stream_version, event_id, recorded_at
)
select stream_id, base, null::bigint as position, null::text as transaction_id, null::bigint as stream_version,
       null::uuid as event_id, null::timestamptz as recorded_at
  from granted
union all
select stream_id, null, position, transaction_id::text, stream_version, event_id, recorded_at from appended`;
}

interface PreparedEvent {
  request: number;
  streamId: string;
  idx: number;
  eventId: string;
  event: DomainEvent;
  metadata: Record<string, unknown>;
}

/**
 * Appends to one or more distinct streams in the caller's transaction. On a conflict with a
 * single stream nothing was written (retry in the same transaction is fine); with several
 * streams some may have been written, so the error says the transaction must be rolled back.
 */
export async function appendToStreams(client: PoolClient, t: EventStoreTables, requests: readonly AppendRequest[]): Promise<AppendResult[]> {
  if (requests.length === 0) return [];
  const seen = new Set<string>();
  const prepared: PreparedEvent[] = [];
  requests.forEach((request, i) => {
    if (seen.has(request.streamId)) throw new Error(`stream ${request.streamId} appears twice in one append`);
    seen.add(request.streamId);
    if (!request.tenantId) throw new Error(`append to ${request.streamId} without a tenant id`);
    if (request.eventIds && request.eventIds.length !== request.events.length) {
      throw new Error(`append to ${request.streamId}: ${request.eventIds.length} event ids for ${request.events.length} events`);
    }
    request.events.forEach((event, j) => {
      prepared.push({
        request: i,
        streamId: request.streamId,
        idx: j + 1,
        eventId: request.eventIds?.[j] ?? randomUUID(),
        event,
        metadata: { ...request.metadata },
      });
    });
  });
  // Streams are claimed in stream-id order so that two multi-stream appends over the same
  // streams wait for each other instead of deadlocking.
  const live = requests.filter((r) => r.events.length > 0).sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  if (live.length === 0) return requests.map((r) => emptyResult(r));
  if (live.length > 1) {
    await client.query(`select 1 from ${t.streams} where stream_id = any($1::text[]) order by stream_id for update`, [live.map((r) => r.streamId)]);
  }

  const { rows } = await client.query(appendSql(t), [
    live.map((r) => r.streamId),
    live.map((r) => r.streamType ?? streamTypeOf(r.streamId)),
    live.map((r) => r.tenantId),
    live.map((r) => expectedCode(r.expectedVersion)),
    live.map((r) => r.events.length),
    prepared.map((e) => e.eventId),
    JSON.stringify(
      prepared.map((e) => ({ stream_id: e.streamId, idx: e.idx, event_id: e.eventId, event_type: e.event.type, payload: e.event, metadata: e.metadata })),
    ),
  ]);

  const granted = new Set<string>();
  const stored = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    if (row.position === null) granted.add(row.stream_id);
    else stored.set(row.event_id, row);
  }
  if (granted.size < live.length) {
    return resolveRefusal(client, t, requests, live, prepared, granted);
  }
  return requests.map((request, i) => {
    const events = prepared
      .filter((e) => e.request === i)
      .map((e) => toStoredEvent(request, e, stored.get(e.eventId)!));
    const last = events[events.length - 1];
    return last
      ? { streamId: request.streamId, nextExpectedVersion: last.streamVersion, events, duplicate: false }
      : emptyResult(request);
  });
}

function emptyResult(request: AppendRequest): AppendResult {
  const v = request.expectedVersion;
  return { streamId: request.streamId, nextExpectedVersion: typeof v === 'number' ? v : 0, events: [], duplicate: false };
}

function toStoredEvent(request: AppendRequest, e: PreparedEvent, row: Record<string, unknown>): StoredEvent {
  return {
    position: Number(row.position),
    transactionId: String(row.transaction_id),
    streamId: request.streamId,
    streamType: request.streamType ?? streamTypeOf(request.streamId),
    streamVersion: Number(row.stream_version),
    eventId: e.eventId,
    eventType: e.event.type,
    tenantId: request.tenantId,
    payload: e.event,
    metadata: e.metadata,
    recordedAt: row.recorded_at as Date,
  };
}

async function resolveRefusal(
  client: PoolClient,
  t: EventStoreTables,
  requests: readonly AppendRequest[],
  live: readonly AppendRequest[],
  prepared: PreparedEvent[],
  granted: Set<string>,
): Promise<AppendResult[]> {
  const ids = prepared.map((e) => e.eventId);
  const { rows: existing } = await client.query(`select ${EVENT_COLUMNS} from ${t.events} where event_id = any($1::uuid[]) order by position`, [ids]);
  if (existing.length > 0 && granted.size === 0) {
    if (existing.length !== ids.length) {
      throw new DuplicateEventError(existing.map((r) => String(r.event_id)));
    }
    // Every id is stored: this is a retry of an append that already committed.
    const byStream = new Map<string, StoredEvent[]>();
    for (const row of existing) {
      const event = rowToStoredEvent(row);
      byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    }
    return requests.map((request) => {
      const events = byStream.get(request.streamId) ?? [];
      const last = events[events.length - 1];
      return last ? { streamId: request.streamId, nextExpectedVersion: last.streamVersion, events, duplicate: true } : emptyResult(request);
    });
  }
  const refused = live.filter((r) => !granted.has(r.streamId));
  const { rows: streams } = await client.query(
    `select stream_id, version, last_transaction_id <= pg_current_xact_id() as in_order from ${t.streams} where stream_id = any($1::text[])`,
    [refused.map((r) => r.streamId)],
  );
  const state = new Map(streams.map((s) => [s.stream_id as string, s]));
  const commitOrder = refused.some((r) => {
    const s = state.get(r.streamId);
    const code = expectedCode(r.expectedVersion);
    return s && !s.in_order && (code === ANY || Number(s.version) === code);
  });
  const detail = refused
    .map((r) => `${r.streamId} expected ${r.expectedVersion}, is ${state.has(r.streamId) ? state.get(r.streamId)!.version : 'no stream'}`)
    .join('; ');
  const wroteSomething = granted.size > 0;
  throw new StreamConflictError(
    refused.map((r) => r.streamId),
    commitOrder ? 'commit_order' : 'version',
    wroteSomething,
    detail,
  );
}

export const EVENT_COLUMNS =
  'position, transaction_id::text as transaction_id, stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata, recorded_at';

export function rowToStoredEvent<E extends DomainEvent = DomainEvent>(row: Record<string, unknown>): StoredEvent<E> {
  return {
    position: Number(row.position),
    transactionId: String(row.transaction_id),
    streamId: row.stream_id as string,
    streamType: row.stream_type as string,
    streamVersion: Number(row.stream_version),
    eventId: String(row.event_id),
    eventType: row.event_type as string,
    tenantId: row.tenant_id as string,
    payload: row.payload as E,
    metadata: row.metadata as StoredEvent['metadata'],
    recordedAt: row.recorded_at as Date,
  };
}
