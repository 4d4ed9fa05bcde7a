import { isOutage } from '@lading/errors';
import type { PoolClient } from 'pg';
import type { Registry } from 'prom-client';
import { EVENT_COLUMNS, rowToStoredEvent } from './append';
import { counter, gauge } from './metrics';
import type { EventStoreTables } from './schema';
import type { Logger, StoredEvent } from './types';

export interface RelayParkingOptions {
  tables: EventStoreTables;
  /** The relay's name: parked rows are the relay's own. */
  name: string;
  publish: (events: StoredEvent[]) => Promise<void>;
  /** Keeps the leader's lease alive between the calls of a long isolation or re-publication. */
  renew: (client: PoolClient) => Promise<void>;
  registry: Registry;
  logger: Logger;
}

/** What a round of publication did. `outage`: it stopped there, to be tried again as it was. */
export interface PublishOutcome {
  published: number;
  parked: number;
  outage?: unknown;
}

export interface RelayParking {
  /** Loads the held streams (streams with parked events) when the relay becomes leader. */
  load(client: PoolClient): Promise<void>;
  /** Forgets them when the relay stops leading. */
  clear(): void;
  /**
   * Publishes a batch read in commit order. Events of held streams are parked behind their
   * stream's first parked event; if `publish` fails with something other than an outage, the rest
   * is published one event at a time and an event that fails is parked (its stream held from
   * then on). Parked rows are written before this resolves, so before the checkpoint moves past
   * them. On an outage nothing is parked and the caller tries the same batch again later.
   */
  publishBatch(client: PoolClient, events: StoredEvent[]): Promise<PublishOutcome>;
  /** Publishes requeued parked events (at most once a second, only while something is held). */
  republishRequeued(client: PoolClient): Promise<PublishOutcome | undefined>;
}

interface Failure {
  event: StoredEvent;
  error: unknown;
}

interface ParkedRow {
  event: StoredEvent;
  /** The head: why it failed. Held behind: the position of its stream's first parked event. */
  cause?: unknown;
  heldBehind?: number;
}

const REQUEUE_CHECK_MS = 1000;

/**
 * Poison handling of the outbox relay (DESIGN §10): one event that cannot be published (its
 * mapping throws, the encoder refuses it) is parked with its cause and holds back only its own
 * stream — later events of that stream are parked behind it, in order, never published ahead of
 * it — while every other stream flows. An outage (broker, registry, database) is not poison: it
 * parks nothing. Operators list and requeue parked events with `npm run lading -- relay`.
 */
export function relayParking(options: RelayParkingOptions): RelayParking {
  const { tables: t, name, publish, renew, logger } = options;
  const relay = { relay: name };
  const parkedGauge = gauge(options.registry, 'lading_outbox_parked_events', 'Events the outbox relay parked (could not publish, or held behind one that could not), as its leader sees them', ['relay']);
  const parkedTotal = counter(options.registry, 'lading_outbox_parked_total', 'Events the outbox relay parked', ['relay']);
  const failures = counter(options.registry, 'lading_outbox_publish_failures_total', 'Failed outbox publish attempts', ['relay']);
  parkedGauge.set(relay, 0);
  /** Held streams: stream id → position of its first parked event (what later ones wait behind). */
  const held = new Map<string, number>();
  let requeueCheckedAt = 0;

  async function load(client: PoolClient) {
    const { rows } = await client.query(`select stream_id, min(position) as head, count(*)::int as n from ${t.relayParkedEvents} where relay = $1 group by stream_id`, [name]);
    held.clear();
    for (const row of rows) held.set(row.stream_id, Number(row.head));
    parkedGauge.set(relay, rows.reduce((n, row) => n + row.n, 0));
  }

  /**
   * Publishes `events` in their order: all at once or, when that fails with something other than
   * an outage, one at a time. A stream's events after one that failed are not tried. Stops at an
   * outage (what was published stays published: consumers' inboxes absorb the repeat).
   */
  async function publishIsolating(client: PoolClient, events: StoredEvent[]): Promise<{ published: StoredEvent[]; failed: Map<string, Failure>; outage?: unknown }> {
    const failed = new Map<string, Failure>();
    const published: StoredEvent[] = [];
    if (events.length === 0) return { published, failed };
    await renew(client);
    try {
      await publish(events);
      return { published: events, failed };
    } catch (error) {
      failures.inc(relay);
      if (isOutage(error)) return { published, failed, outage: error };
      logger.warn('outbox publish failed, not for an outage: publishing the batch one event at a time to find what cannot be published', {
        ...relay,
        fromPosition: events[0].position,
        count: events.length,
        error: String(error),
      });
    }
    for (const event of events) {
      if (failed.has(event.streamId)) continue;
      await renew(client);
      try {
        await publish([event]);
        published.push(event);
      } catch (error) {
        failures.inc(relay);
        if (isOutage(error)) return { published, failed, outage: error };
        failed.set(event.streamId, { event, error });
      }
    }
    return { published, failed };
  }

  /** Writes parked rows (a row already there stays as it is); resolves how many are new. */
  async function park(client: PoolClient, rows: ParkedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const column = <T>(f: (row: ParkedRow) => T) => rows.map(f);
    const { rows: inserted } = await client.query(
      `insert into ${t.relayParkedEvents} (relay, position, transaction_id, event_id, stream_id, tenant_id, event_type, error_class, error_code, error_message, held_behind)
       select $1, * from unnest($2::bigint[], $3::xid8[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[])
       on conflict (relay, position) do nothing
       returning position`,
      [
        name,
        column((r) => r.event.position),
        column((r) => r.event.transactionId),
        column((r) => r.event.eventId),
        column((r) => r.event.streamId),
        column((r) => r.event.tenantId),
        column((r) => r.event.eventType),
        column((r) => (r.heldBehind === undefined ? causeOf(r.cause).errorClass : null)),
        column((r) => (r.heldBehind === undefined ? causeOf(r.cause).errorCode : null)),
        column((r) => (r.heldBehind === undefined ? causeOf(r.cause).errorMessage : null)),
        column((r) => r.heldBehind ?? null),
      ],
    );
    // Log only what is new: a batch read again after an outage or a crash parks nothing twice.
    const fresh = new Set(inserted.map((row) => Number(row.position)));
    for (const row of rows.filter((r) => fresh.has(r.event.position))) logParked(row.event, row);
    parkedGauge.inc(relay, fresh.size);
    parkedTotal.inc(relay, fresh.size);
    return fresh.size;
  }

  function logParked(event: StoredEvent, row: Omit<ParkedRow, 'event'>) {
    const fields = { ...relay, streamId: event.streamId, eventId: event.eventId, eventType: event.eventType, position: event.position, tenantId: event.tenantId };
    if (row.heldBehind === undefined) {
      const { errorClass, errorCode, errorMessage } = causeOf(row.cause);
      logger.error('outbox relay parked an event it cannot publish; later events of its stream wait behind it (npm run lading -- relay parked)', {
        ...fields,
        errorClass,
        errorCode,
        error: errorMessage,
      });
    } else logger.warn('outbox relay parked an event behind an earlier parked event of its stream', { ...fields, heldBehind: row.heldBehind });
  }

  return {
    load,
    clear() {
      held.clear();
      requeueCheckedAt = 0;
      parkedGauge.set(relay, 0);
    },

    async publishBatch(client, events) {
      // An event of a held stream before its first parked one was published before that one
      // failed (a batch read again after a crash): it may go again, consumers' inboxes absorb it.
      const waits = (e: StoredEvent) => e.position >= (held.get(e.streamId) ?? Infinity);
      const free = held.size === 0 ? events : events.filter((e) => !waits(e));
      const result = await publishIsolating(client, free);
      if (result.outage !== undefined) return { published: result.published.length, parked: 0, outage: result.outage };
      const rows: ParkedRow[] = [];
      for (const event of events) {
        const head = held.get(event.streamId);
        if (head !== undefined && event.position > head) rows.push({ event, heldBehind: head });
        else if (head === undefined && result.failed.get(event.streamId)?.event === event) {
          rows.push({ event, cause: result.failed.get(event.streamId)!.error });
          held.set(event.streamId, event.position);
        }
      }
      return { published: result.published.length, parked: await park(client, rows) };
    },

    async republishRequeued(client) {
      if (held.size === 0 || Date.now() - requeueCheckedAt < REQUEUE_CHECK_MS) return undefined;
      requeueCheckedAt = Date.now();
      // Every parked event of a stream with requeued ones; a stream goes from its first parked
      // event on while they are requeued (an unrequeued earlier one keeps the stream waiting).
      const { rows: parked } = await client.query(
        `select stream_id, position, requeued_at is not null as requeued from ${t.relayParkedEvents}
          where relay = $1 and stream_id in (select stream_id from ${t.relayParkedEvents} where relay = $1 and requeued_at is not null)
          order by stream_id, position`,
        [name],
      );
      if (parked.length === 0) return undefined;
      const due: number[] = [];
      const blocked = new Set<string>();
      for (const row of parked) {
        if (!row.requeued) blocked.add(row.stream_id);
        else if (!blocked.has(row.stream_id)) due.push(Number(row.position));
      }
      if (due.length === 0) return undefined;
      const { rows } = await client.query(`select ${EVENT_COLUMNS} from ${t.events} where position = any($1::bigint[]) order by transaction_id, position`, [due]);
      const events = rows.map((row) => rowToStoredEvent(row));
      const result = await publishIsolating(client, events);
      await client.query(`delete from ${t.relayParkedEvents} where relay = $1 and position = any($2::bigint[])`, [name, result.published.map((e) => e.position)]);
      for (const { event, error } of result.failed.values()) {
        // It failed again: it heads its stream with the new cause; the rest waits behind it.
        const { errorClass, errorCode, errorMessage } = causeOf(error);
        await client.query(
          `update ${t.relayParkedEvents}
              set requeued_at = null,
                  held_behind = case when position = $3 then null else $3 end,
                  error_class = case when position = $3 then $4 else null end,
                  error_code = case when position = $3 then $5 else null end,
                  error_message = case when position = $3 then $6 else null end,
                  attempts = attempts + case when position = $3 then 1 else 0 end,
                  parked_at = case when position = $3 then now() else parked_at end
            where relay = $1 and stream_id = $2 and position >= $3`,
          [name, event.streamId, event.position, errorClass, errorCode, errorMessage],
        );
        logParked(event, { cause: error });
      }
      await load(client);
      if (result.published.length > 0) logger.info('outbox relay re-published requeued parked events', { ...relay, count: result.published.length, stillParked: held.size });
      return { published: result.published.length, parked: result.failed.size, outage: result.outage };
    },
  };
}

/** What the parked table and the log say about a failure. */
function causeOf(error: unknown): { errorClass: string; errorCode: string | null; errorMessage: string } {
  const e = (error ?? {}) as { constructor?: { name?: string }; code?: unknown; message?: unknown };
  return {
    errorClass: error instanceof Object ? (e.constructor?.name ?? 'Object') : typeof error,
    errorCode: typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : null,
    errorMessage: typeof e.message === 'string' ? e.message : String(error),
  };
}
