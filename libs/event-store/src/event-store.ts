import type { Pool, PoolClient } from 'pg';
import { isConnectionLost } from '@lading/errors';
import { appendToStreams, EVENT_COLUMNS, rowToStoredEvent, statementName } from './append';
import { commitCutOff, cursorAfter, readCommittedAfter, type WriteInFlight } from './commit-order';
import { StreamConflictError, TenantMismatchError, TransactionAbortedError } from './errors';
import { ensureProjection, handles, Projection, projectionTables } from './projections/projection';
import { DEFAULT_EVENT_STORE_SCHEMA, EventStoreTables, tablesOf } from './schema';
import { cancelTimer, scheduleTimer, scheduleTimers, TimerSchedule } from './timers';
import {
  AppendOptions,
  AppendRequest,
  AppendResult,
  CommitCursor,
  DomainEvent,
  START_OF_LOG,
  StoredEvent,
} from './types';

export interface EventStoreOptions {
  pool: Pool;
  /** The event-store schema (default `event_store`); migrate it with `migrateEventStore`. */
  schema?: string;
  /** Where projection read models live (default: the event-store schema). */
  readModelSchema?: string;
  /** Projections updated in the appending transaction. */
  inlineProjections?: readonly Projection[];
  /** The clock of this store's users (default: wall clock). */
  now?: () => Date;
}

export interface ReadStreamOptions {
  /** First version to return (default 1). */
  fromVersion?: number;
  maxCount?: number;
}

/**
 * One PostgreSQL transaction. Everything a message handler changes goes through one of these
 * so that it commits (or not) together: inbox row, appended events, inline projections,
 * timers, and anything the caller writes through `client`.
 */
export interface EventStoreTransaction {
  /** The transaction's connection, for the caller's own statements (reservations, read models). */
  readonly client: PoolClient;
  append<E extends DomainEvent>(streamId: string, events: readonly E[], options: AppendOptions<E>): Promise<AppendResult<E>>;
  /** Appends to several distinct streams in one statement (the batching lever). */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
  readStream<E extends DomainEvent>(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent<E>[]>;
  /**
   * Several whole streams in one query, each in version order (a stream with no events maps to
   * []). With `forUpdate`, the existing streams are locked first (in stream-id order) until the
   * transaction ends: no other writer can append to them between this read and our append, so a
   * decision over many streams never fails on a version conflict (take this lock before any other).
   */
  /**
   * Locks streams until the transaction ends, in stream-id order, creating the missing ones
   * empty (version 0; an empty stream counts as no stream for `expectedVersion`): two
   * transactions deciding the same stream — new or not — wait for each other instead of one
   * failing on its expected version. Take it first: the lock then also orders the
   * transactions' ids, as the relay's commit order needs (see `appendMany`).
   */
  lockStreams(streams: readonly { streamId: string; streamType?: string; tenantId?: string }[]): Promise<void>;
  readStreams<E extends DomainEvent>(
    streamIds: readonly string[],
    options?: {
      forUpdate?: boolean;
      /**
       * With `forUpdate`: the streams to create (empty, version 0) when missing, so that they are
       * locked too — two transactions deciding a brand-new stream then wait for each other instead
       * of one failing on `no_stream`. An empty stream counts as no stream for `expectedVersion`.
       */
      create?: readonly { streamId: string; streamType: string; tenantId: string }[];
    },
  ): Promise<Map<string, StoredEvent<E>[]>>;
  /**
   * Records that `consumer` handled input `eventId` of `tenantId` (the tenant is part of the
   * key: DESIGN §9). False means it already did: the caller must skip the message (its effects
   * are already committed).
   */
  recordInbox(consumer: string, tenantId: string, eventId: string): Promise<boolean>;
  /** Batch form of recordInbox: returns the `inboxKey`s that were new (the others are duplicates). */
  recordInboxMany(consumer: string, inputs: readonly { tenantId: string; eventId: string }[]): Promise<Set<string>>;
  /**
   * Schedules (or moves) a timer. With `unlessPending`, schedules nothing while a timer whose id
   * starts with that prefix and that falls due no later exists — and never waits on a timer a
   * poller is firing.
   */
  scheduleTimer<Command>(timer: TimerSchedule<Command>, options?: { unlessPending?: string }): Promise<void>;
  /**
   * Schedules (or moves) several timers in one statement. With `unlessPending`, each timer only
   * while no timer with the prefix it names is pending (see `scheduleTimer`).
   */
  scheduleTimers(timers: readonly TimerSchedule[], options?: { unlessPending?: (timer: TimerSchedule) => string }): Promise<void>;
  /** True if the timer existed (and now does not). */
  cancelTimer(timerId: string): Promise<boolean>;
  /**
   * Runs `work` behind a savepoint: when it throws, what it did in this transaction is undone
   * (its appends are not reported to `onCommitted` listeners either) and the error is rethrown;
   * the rest of the transaction goes on. Use this rather than SQL savepoints on `client`, which
   * the store cannot see.
   */
  savepoint<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export interface EventStore {
  readonly pool: Pool;
  readonly schema: string;
  readonly readModelSchema: string;
  readonly tables: EventStoreTables;
  readonly now: () => Date;
  /**
   * Runs `work` in one transaction and commits when it resolves; rolls back when it throws.
   * A transaction whose multi-stream append partially conflicted is rolled back even if
   * `work` swallowed the error.
   */
  transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T>;
  /** Appends in a transaction of its own, all or nothing. */
  append<E extends DomainEvent>(streamId: string, events: readonly E[], options: AppendOptions<E>): Promise<AppendResult<E>>;
  /** Appends to several distinct streams in a transaction of its own, all or nothing. */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
  readStream<E extends DomainEvent>(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent<E>[]>;
  /**
   * The oldest write transaction of this event store still in flight (its id, backend pid and
   * age), or undefined: it is what holds readers (the relay, async projections) back.
   */
  oldestWriteInFlight(): Promise<WriteInFlight | undefined>;
  /** The next committed events after `after`, gap-free, in commit-cursor order. */
  readAll(options?: { after?: CommitCursor; limit?: number; streamTypes?: readonly string[] }): Promise<{ events: StoredEvent[]; cursor: CommitCursor }>;
  /** Creates the tables of the inline projections (also done lazily by the first transaction). */
  ready(): Promise<void>;
  /**
   * Calls `listener` with the events this store appended, right after their transaction (or
   * autocommit append) committed, in append order. What happens in other processes is not seen:
   * a listener learns about the events of this process only, and may learn of one after another
   * reader already read it from the table. Returns the unsubscribe function.
   */
  onCommitted(listener: CommittedListener): () => void;
}

/** Sees the events of one committed transaction of this process (see `EventStore.onCommitted`). */
export type CommittedListener = (events: readonly StoredEvent[]) => void;

/** The key `recordInboxMany` reports fresh inputs by. */
export function inboxKey(tenantId: string, eventId: string): string {
  return `${tenantId}\u0000${eventId}`;
}

export function createEventStore(options: EventStoreOptions): EventStore {
  const { pool } = options;
  const schema = options.schema ?? DEFAULT_EVENT_STORE_SCHEMA;
  const readModelSchema = options.readModelSchema ?? schema;
  const t = tablesOf(schema);
  const inline = options.inlineProjections ?? [];
  const now = options.now ?? (() => new Date());
  let readiness: Promise<void> | undefined;

  const ready = () => {
    readiness ??= (async () => {
      if (inline.length === 0) return;
      const client = await pool.connect();
      try {
        for (const projection of inline) await ensureProjection(client, t, readModelSchema, projection);
      } finally {
        client.release();
      }
    })().catch((error) => {
      readiness = undefined;
      throw error;
    });
    return readiness;
  };

  const listeners = new Set<CommittedListener>();
  const committed = (events: readonly StoredEvent[]) => {
    if (events.length === 0) return;
    for (const listener of listeners) {
      // a listener's failure is its own: the transaction has committed either way
      try {
        listener(events);
      } catch {
        /* ignored */
      }
    }
  };
  const appendedBy = (results: readonly AppendResult[]) => results.flatMap((r) => (r.duplicate ? [] : r.events));

  const transactionOn = (client: PoolClient, abort: (error: unknown) => void, appended: StoredEvent[]): EventStoreTransaction => {
    const tx: EventStoreTransaction = {
      client,
      async append(streamId, events, appendOptions) {
        const [result] = await tx.appendMany([{ ...appendOptions, streamId, events }]);
        return result as AppendResult<never>;
      },
      async appendMany(requests, allOrNothing = false) {
        let results: AppendResult[];
        try {
          results = await appendToStreams(client, t, requests, allOrNothing ? 'in-transaction' : false);
        } catch (error) {
          // Other streams of this statement may be written: the transaction must not commit.
          if ((error instanceof StreamConflictError && error.partial) || error instanceof TenantMismatchError) abort(error);
          throw error;
        }
        const fresh = appendedBy(results);
        if (listeners.size > 0) for (const event of fresh) appended.push(event);
        if (inline.length > 0) {
          for (const projection of inline) {
            const events = fresh.filter((e) => handles(projection, e));
            if (events.length > 0) await projection.apply(client, events, projectionTables(readModelSchema, projection).view);
          }
        }
        return results;
      },
      readStream: (streamId, readOptions) => readStream(client, streamId, readOptions),
      async lockStreams(streams) {
        if (streams.length === 0) return;
        const sorted = [...streams].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
        const create = sorted.filter((s): s is { streamId: string; streamType: string; tenantId: string } => s.streamType !== undefined && s.tenantId !== undefined);
        await client.query({
          name: statementName('lock_streams', t),
          // The no-op update of an existing row takes its lock; rows only to lock (no identity
          // given, so never created) are locked by the second part.
          text: `with created as (
                   insert into ${t.streams} as s (stream_id, stream_type, tenant_id, version, last_transaction_id)
                   select c.stream_id, c.stream_type, c.tenant_id, 0, pg_current_xact_id()
                     from unnest($1::text[], $2::text[], $3::text[]) as c(stream_id, stream_type, tenant_id)
                    order by c.stream_id
                   on conflict (stream_id) do update set version = s.version
                   returning s.stream_id
                 )
                 select count(*) from created
                 union all
                 select count(*) from (select stream_id from ${t.streams} where stream_id = any($4::text[]) order by stream_id for update) existing`,
          values: [
            create.map((c) => c.streamId),
            create.map((c) => c.streamType),
            create.map((c) => c.tenantId),
            sorted.filter((s) => s.streamType === undefined || s.tenantId === undefined).map((s) => s.streamId),
          ],
        });
      },
      async readStreams<E extends DomainEvent>(streamIds: readonly string[], readOptions: { forUpdate?: boolean; create?: readonly { streamId: string; streamType: string; tenantId: string }[] } = {}) {
        const byStream = new Map<string, StoredEvent<E>[]>(streamIds.map((id) => [id, []]));
        if (streamIds.length === 0) return byStream;
        const ids = [...byStream.keys()];
        // Locked in a statement of its own: a statement that waited for a row lock still reads
        // other tables as of its start; the next statement sees what the other transaction committed.
        if (readOptions.forUpdate) {
          const identified = new Map((readOptions.create ?? []).map((c) => [c.streamId, c]));
          await tx.lockStreams(ids.map((streamId) => identified.get(streamId) ?? { streamId }));
        }
        const { rows } = await client.query({
          name: statementName('read_streams', t),
          text: `select ${EVENT_COLUMNS} from ${t.events} where stream_id = any($1::text[]) order by stream_id, stream_version`,
          values: [ids],
        });
        for (const row of rows) byStream.get(row.stream_id as string)!.push(rowToStoredEvent<E>(row));
        return byStream;
      },
      async recordInbox(consumer, tenantId, eventId) {
        const { rowCount } = await client.query({
          name: statementName('inbox', t),
          text: `insert into ${t.inbox} (consumer, tenant_id, event_id) values ($1, $2, $3) on conflict do nothing`,
          values: [consumer, tenantId, eventId],
        });
        return (rowCount ?? 0) > 0;
      },
      async recordInboxMany(consumer, inputs) {
        if (inputs.length === 0) return new Set();
        const { rows } = await client.query({
          name: statementName('inbox_many', t),
          text: `insert into ${t.inbox} (consumer, tenant_id, event_id)
                 select $1, k.tenant_id, k.event_id from unnest($2::text[], $3::text[]) as k(tenant_id, event_id)
                  order by k.tenant_id, k.event_id
                 on conflict do nothing returning tenant_id, event_id`,
          values: [consumer, inputs.map((i) => i.tenantId), inputs.map((i) => i.eventId)],
        });
        return new Set(rows.map((r) => inboxKey(r.tenant_id as string, r.event_id as string)));
      },
      scheduleTimer: (timer, scheduleOptions) => scheduleTimer(client, t, timer, scheduleOptions),
      scheduleTimers: (timers, scheduleOptions) => scheduleTimers(client, t, timers, scheduleOptions),
      cancelTimer: (timerId) => cancelTimer(client, t, timerId),
      async savepoint(name, work) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`savepoint name must be a lower-case SQL identifier, got '${name}'`);
        await client.query(`savepoint ${name}`);
        const mark = appended.length;
        let result: Awaited<ReturnType<typeof work>>;
        try {
          result = await work();
        } catch (error) {
          await client.query(`rollback to savepoint ${name}`);
          appended.length = mark;
          throw error;
        }
        await client.query(`release savepoint ${name}`);
        return result;
      },
    };
    return tx;
  };

  const readStream = async <E extends DomainEvent>(client: Pool | PoolClient, streamId: string, readOptions: ReadStreamOptions = {}) => {
    const { rows } = await client.query(
      `select ${EVENT_COLUMNS} from ${t.events} where stream_id = $1 and stream_version >= $2 order by stream_version limit $3`,
      [streamId, readOptions.fromVersion ?? 1, readOptions.maxCount ?? null],
    );
    return rows.map((row) => rowToStoredEvent<E>(row));
  };

  const store: EventStore = {
    pool,
    schema,
    readModelSchema,
    tables: t,
    now,
    ready,
    async transaction(work) {
      await ready();
      const client = await pool.connect();
      let aborted: unknown;
      let broken = false;
      try {
        // The writers lock, shared, before the transaction has an id: readers cut off at its
        // holders (commit-order.ts). One round trip for both statements.
        await client.query(`begin; select pg_advisory_xact_lock_shared(${t.writersLock.classId}, ${t.writersLock.objectId})`);
        const appended: StoredEvent[] = [];
        const result = await work(transactionOn(client, (error) => (aborted = error), appended));
        if (aborted) throw new TransactionAbortedError(aborted);
        // PostgreSQL answers COMMIT of an aborted transaction (a statement failed and its error
        // was swallowed) with ROLLBACK, not an error: nothing was kept, so say so.
        const end = await client.query('commit');
        if (end.command !== 'COMMIT') throw new TransactionAbortedError(new Error(`COMMIT answered ${end.command}: a statement of the transaction failed`));
        committed(appended);
        return result;
      } catch (error) {
        if (isConnectionLost(error)) broken = true;
        else await client.query('rollback').catch(() => (broken = true));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    // In a transaction of their own (every write holds the writers lock, see transaction), all or
    // nothing: a refused stream rolls the whole statement back, so a conflict is never partial.
    append: async (streamId, events, appendOptions) => (await store.appendMany([{ ...appendOptions, streamId, events }]))[0] as AppendResult<never>,
    appendMany: (requests) => store.transaction((tx) => (tx.appendMany as (r: typeof requests, allOrNothing: boolean) => Promise<AppendResult[]>)(requests, true)),
    readStream: (streamId, readOptions) => readStream(pool, streamId, readOptions),
    async oldestWriteInFlight() {
      const client = await pool.connect();
      try {
        return (await commitCutOff(client, t)).oldest;
      } finally {
        client.release();
      }
    },
    async readAll(readOptions = {}) {
      const after = readOptions.after ?? START_OF_LOG;
      // two statements (the cut-off, then the read) on one connection
      const client = await pool.connect();
      try {
        const events = await readCommittedAfter(client, t, after, readOptions.limit ?? 1000, { streamTypes: readOptions.streamTypes });
        return { events, cursor: cursorAfter(events, after) };
      } finally {
        client.release();
      }
    },
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}
