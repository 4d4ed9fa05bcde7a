import { randomUUID } from 'node:crypto';
import type { ClientBase, Pool } from 'pg';

/** A pool (autocommit, one statement) or a connection (inside the caller's transaction). */
export type Queryable = Pick<ClientBase | Pool, 'query'>;
import { DuplicateEventError, StreamConflictError, TenantMismatchError } from './errors';
import type { EventStoreTables } from './schema';
import type { AppendRequest, AppendResult, DomainEvent, ExpectedVersion, StoredEvent } from './types';

const ANY = -1;
/** SQLSTATE raised by `append_refused` (see the migration). */
const APPEND_REFUSED = 'LA001';

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
 * A leading probe for already-stored event ids (only ids the caller chose: random ones cannot
 * exist) makes a retried append a no-op instead of a unique violation that would abort the
 * caller's transaction. The inbox row, when asked for, is inserted by the same statement and
 * decides whether that stream's append happens at all.
 */
function appendSql(t: EventStoreTables): string {
  return `
with asked as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $7::text[], $8::text[]) with ordinality
    as r(stream_id, stream_type, tenant_id, expected, n, consumer, input_id, ord)
),
inbox as (
  insert into ${t.inbox} (consumer, tenant_id, event_id)
  select consumer, tenant_id, input_id from asked where input_id is not null order by consumer, tenant_id, input_id
  on conflict do nothing
  returning consumer, tenant_id, event_id
),
req as materialized (
  select a.* from asked a
   where a.input_id is null
      or exists (select 1 from inbox i where i.consumer = a.consumer and i.tenant_id = a.tenant_id and i.event_id = a.input_id)
),
ev as materialized (
  select e.* from jsonb_to_recordset($6::jsonb) as e(stream_id text, idx int, event_id uuid, event_type text, payload jsonb, metadata jsonb)
   where e.stream_id in (select stream_id from req)
),
dup as (
  select 1 from ${t.events}
   where cardinality($10::uuid[]) > 0 and event_id = any($10::uuid[]) and stream_id in (select stream_id from req)
   limit 1
),
locked as materialized (
  select stream_id from ${t.streams}
   where cardinality($1::text[]) > 1 and stream_id = any($1::text[])
   order by stream_id
   for update
),
upd as (
  update ${t.streams} s
     set version = s.version + r.n, last_transaction_id = pg_current_xact_id(), updated_at = now()
    from req r
   where s.stream_id = any($1::text[]) and s.stream_id = r.stream_id and (select count(*) from locked) >= 0
     -- an empty stream (created only to be locked) counts as no stream: expected 0 matches version 0
     and s.tenant_id = r.tenant_id and (r.expected = -1 or s.version = r.expected)
     and s.last_transaction_id <= pg_current_xact_id() and not exists (select 1 from dup)
  returning s.stream_id, s.version - r.n as base
),
ins as (
  insert into ${t.streams} (stream_id, stream_type, tenant_id, version, last_transaction_id)
  select r.stream_id, r.stream_type, r.tenant_id, r.n, pg_current_xact_id() from req r
   where r.expected in (0, -1) and not exists (select 1 from dup)
     and r.stream_id not in (select s.stream_id from ${t.streams} s where s.stream_id = any($1::text[]))
   order by r.stream_id
  on conflict (stream_id) do nothing
  returning stream_id, 0::bigint as base
),
granted as (select stream_id, base from upd union all select stream_id, base from ins),
appended as (
  insert into ${t.events} (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata)
  select e.stream_id, r.stream_type, g.base + e.idx, e.event_id, e.event_type, r.tenant_id, e.payload, e.metadata
    from ev e
    join granted g on g.stream_id = e.stream_id
    join req r on r.stream_id = e.stream_id
   order by r.ord, e.idx
  returning position, transaction_id, stream_id, stream_version, event_id, recorded_at
)
select 'granted' as kind, stream_id, null::bigint as position, null::text as transaction_id, null::bigint as stream_version,
       null::uuid as event_id, null::timestamptz as recorded_at
  from granted
union all
select 'event', stream_id, position, transaction_id::text, stream_version, event_id, recorded_at from appended
union all
select 'inbox_duplicate', a.stream_id, null, null, (select version from ${t.streams} s where s.stream_id = a.stream_id), null, null
  from asked a where not exists (select 1 from req r where r.stream_id = a.stream_id)
union all
select 'inboxed', null, null, null, count(*), null, null from inbox
union all
select 'checked', null, null, null, ${t.schema}.append_refused($9::boolean, (select count(*) from req) - (select count(*) from granted)), null, null`;
}

/**
 * The same append for one stream, without the set machinery: the single-message hot path
 * (one statement in autocommit). Parameters are scalars; the result rows have the same shape.
 */
function appendOneSql(t: EventStoreTables): string {
  return `
with inbox as (
  insert into ${t.inbox} (consumer, tenant_id, event_id) select $7::text, $3::text, $8::text where $8::text is not null
  on conflict do nothing
  returning 1
),
go as materialized (
  select ($8::text is null or exists (select 1 from inbox)) as fresh_input,
         not exists (select 1 from ${t.events} where cardinality($10::uuid[]) > 0 and event_id = any($10::uuid[])) as fresh_ids
),
upd as (
  update ${t.streams} s
     set version = s.version + $5::int, last_transaction_id = pg_current_xact_id(), updated_at = now()
   where s.stream_id = $1::text and s.tenant_id = $3::text and ($4::bigint = -1 or s.version = $4::bigint)
     and s.last_transaction_id <= pg_current_xact_id()
     and (select fresh_input and fresh_ids from go)
  returning s.version - $5::int as base
),
ins as (
  insert into ${t.streams} (stream_id, stream_type, tenant_id, version, last_transaction_id)
  select $1::text, $2::text, $3::text, $5::int, pg_current_xact_id()
   where $4::bigint in (0, -1) and (select fresh_input and fresh_ids from go)
     and not exists (select 1 from ${t.streams} where stream_id = $1::text)
  on conflict (stream_id) do nothing
  returning 0::bigint as base
),
granted as (select base from upd union all select base from ins),
appended as (
  insert into ${t.events} (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata)
  select $1::text, $2::text, g.base + e.idx, e.event_id, e.event_type, $3::text, e.payload, e.metadata
    from granted g, jsonb_to_recordset($6::jsonb) as e(idx int, event_id uuid, event_type text, payload jsonb, metadata jsonb)
   order by e.idx
  returning position, transaction_id, stream_version, event_id, recorded_at
)
select 'granted' as kind, $1::text as stream_id, null::bigint as position, null::text as transaction_id,
       null::bigint as stream_version, null::uuid as event_id, null::timestamptz as recorded_at
  from granted
union all
select 'event', $1::text, position, transaction_id::text, stream_version, event_id, recorded_at from appended
union all
select 'inbox_duplicate', $1::text, null, null, (select version from ${t.streams} where stream_id = $1::text), null, null
  from go where not fresh_input
union all
select 'inboxed', null, null, null, count(*), null, null from inbox
union all
select 'checked', null, null, null,
       ${t.schema}.append_refused($9::boolean, case when fresh_input and not exists (select 1 from granted) then 1 else 0 end), null, null
  from go`;
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
export async function appendToStreams(
  client: Queryable,
  t: EventStoreTables,
  requests: readonly AppendRequest[],
  /**
   * All or nothing: a refused stream rolls the whole statement back (the statement raises), so
   * a conflict is never partial. Inside a transaction ('in-transaction') the statement runs
   * behind a savepoint, so the transaction can still say why and go on.
   */
  strict: boolean | 'in-transaction' = false,
): Promise<AppendResult[]> {
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
  // Streams are sorted (and, when there are several, locked by the `locked` CTE) in
  // stream-id order, so that two multi-stream appends over the same streams usually wait for
  // each other instead of deadlocking. A stream created concurrently is not covered by that
  // lock; PostgreSQL then detects the deadlock and aborts one transaction (retriable, 40P01).
  const live = requests.filter((r) => r.events.length > 0).sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  if (live.length === 0) return requests.map((r) => emptyResult(r));

  const single = live.length === 1 ? live[0] : undefined;
  const query: { name: string; text: string; values: unknown[] } = single
    ? {
        name: statementName('append_one', t),
        text: appendOneSql(t),
        values: [
          single.streamId,
          single.streamType ?? streamTypeOf(single.streamId),
          single.tenantId,
          expectedCode(single.expectedVersion),
          single.events.length,
          JSON.stringify(prepared.map((e) => ({ idx: e.idx, event_id: e.eventId, event_type: e.event.type, payload: e.event, metadata: e.metadata }))),
          single.inbox?.consumer ?? null,
          single.inbox?.eventId ?? null,
          strict !== false,
          single.eventIds ? prepared.map((e) => e.eventId) : [],
        ],
      }
    : {
    name: statementName('append', t),
    text: appendSql(t),
    values: [
      live.map((r) => r.streamId),
      live.map((r) => r.streamType ?? streamTypeOf(r.streamId)),
      live.map((r) => r.tenantId),
      live.map((r) => expectedCode(r.expectedVersion)),
      live.map((r) => r.events.length),
      JSON.stringify(
        prepared.map((e) => ({ stream_id: e.streamId, idx: e.idx, event_id: e.eventId, event_type: e.event.type, payload: e.event, metadata: e.metadata })),
      ),
      live.map((r) => r.inbox?.consumer ?? null),
      live.map((r) => r.inbox?.eventId ?? null),
      strict !== false,
      // Only ids the caller chose can already exist: fresh random uuids need no probe.
      prepared.filter((e) => requests[e.request].eventIds).map((e) => e.eventId),
    ],
  };
  if (strict === 'in-transaction') await client.query('savepoint lading_append');
  const result = await client.query(query).catch(async (error) => {
    // The statement refused (and so rolled back) itself; say why below.
    if ((error as { code?: string }).code !== APPEND_REFUSED) throw error;
    if (strict === 'in-transaction') await client.query('rollback to savepoint lading_append');
    return undefined;
  });
  if (result && strict === 'in-transaction') await client.query('release savepoint lading_append');
  if (!result) {
    const results = await resolveRefusal(client, t, requests, live, prepared, new Set(), false);
    return results;
  }
  const { rows } = result;

  const granted = new Set<string>();
  const inboxDuplicates = new Map<string, number>();
  const stored = new Map<string, Record<string, unknown>>();
  let inboxed = 0;
  for (const row of rows) {
    if (row.kind === 'checked') continue;
    if (row.kind === 'inboxed') inboxed = Number(row.stream_version);
    else if (row.kind === 'granted') granted.add(row.stream_id);
    else if (row.kind === 'inbox_duplicate') inboxDuplicates.set(row.stream_id, Number(row.stream_version ?? 0));
    else stored.set(row.event_id, row);
  }
  const accepted = live.filter((r) => !inboxDuplicates.has(r.streamId));
  if (granted.size < accepted.length) {
    const acceptedPrepared = prepared.filter((e) => !inboxDuplicates.has(e.streamId));
    const results = await resolveRefusal(client, t, requests, accepted, acceptedPrepared, granted, inboxed > 0);
    return results.map((result) =>
      inboxDuplicates.has(result.streamId) ? inboxDuplicateResult(result.streamId, inboxDuplicates.get(result.streamId)!) : result,
    );
  }
  const byRequest = new Map<number, PreparedEvent[]>();
  for (const e of prepared) {
    const list = byRequest.get(e.request);
    if (list) list.push(e);
    else byRequest.set(e.request, [e]);
  }
  return requests.map((request, i) => {
    if (inboxDuplicates.has(request.streamId)) return inboxDuplicateResult(request.streamId, inboxDuplicates.get(request.streamId)!);
    const events = (byRequest.get(i) ?? []).map((e) => toStoredEvent(request, e, stored.get(e.eventId)!));
    const last = events[events.length - 1];
    return last
      ? { streamId: request.streamId, nextExpectedVersion: last.streamVersion, events, duplicate: false }
      : emptyResult(request);
  });
}

function inboxDuplicateResult(streamId: string, version: number): AppendResult {
  return { streamId, nextExpectedVersion: version, events: [], duplicate: true, inboxDuplicate: true };
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
  client: Queryable,
  t: EventStoreTables,
  requests: readonly AppendRequest[],
  live: readonly AppendRequest[],
  prepared: PreparedEvent[],
  granted: Set<string>,
  inboxWritten: boolean,
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
  const ungranted = live.filter((r) => !granted.has(r.streamId));
  const { rows: streams } = await client.query(
    `select stream_id, tenant_id, version, coalesce(last_transaction_id <= pg_current_xact_id_if_assigned(), true) as in_order from ${t.streams} where stream_id = any($1::text[])`,
    [ungranted.map((r) => r.streamId)],
  );
  const state = new Map(streams.map((s) => [s.stream_id as string, s]));
  // Another tenant's stream is never appended to, whatever the version says (DESIGN §9).
  const foreign = ungranted.filter((r) => state.has(r.streamId) && state.get(r.streamId)!.tenant_id !== r.tenantId);
  if (foreign.length > 0) throw new TenantMismatchError(foreign.map((r) => ({ streamId: r.streamId, tenantId: r.tenantId, streamTenantId: state.get(r.streamId)!.tenant_id as string })));
  // A statement that refused as a whole (autocommit) grants nothing: name only the streams
  // whose expectation does not hold now (all of them if a race hides the culprit).
  const fails = (r: AppendRequest) => {
    const s = state.get(r.streamId);
    const code = expectedCode(r.expectedVersion);
    if (!s) return code !== 0 && code !== ANY;
    if (!s.in_order) return true;
    return code !== ANY && Number(s.version) !== code;
  };
  const refused = ungranted.some(fails) ? ungranted.filter(fails) : ungranted;
  const commitOrder = refused.some((r) => {
    const s = state.get(r.streamId);
    const code = expectedCode(r.expectedVersion);
    return s && !s.in_order && (code === ANY || Number(s.version) === code);
  });
  const detail = refused
    .map((r) => `${r.streamId} expected ${r.expectedVersion}, is ${state.has(r.streamId) ? state.get(r.streamId)!.version : 'no stream'}`)
    .join('; ');
  // Written by this statement and still in the caller's transaction: other streams' events,
  // or inbox rows (a retry in the same transaction would then see its own input as a duplicate).
  const wroteSomething = granted.size > 0 || inboxWritten;
  throw new StreamConflictError(
    refused.map((r) => r.streamId),
    commitOrder ? 'commit_order' : 'version',
    wroteSomething,
    detail,
  );
}

/**
 * Hot-path statements are prepared once per connection (node-postgres caches them by name),
 * so the append's CTE is planned once instead of on every message. PostgreSQL soon switches
 * a prepared statement to a generic plan, which cannot see the array sizes: the append reaches
 * streams and events only through `= any($array)` so that plan stays on the indexes.
 */
export function statementName(what: string, t: EventStoreTables): string {
  return `lading_es_${what}_${t.schema.replace(/"/g, '')}`.slice(0, 63);
}

export const EVENT_COLUMNS =
  'position, transaction_id::text as transaction_id, stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload, metadata, recorded_at';

/** EVENT_COLUMNS without the bodies (payload, metadata): where an event is, not what it says. */
export const EVENT_KEY_COLUMNS =
  'position, transaction_id::text as transaction_id, stream_id, stream_type, stream_version, event_id, event_type, tenant_id, recorded_at';

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
