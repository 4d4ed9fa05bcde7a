import type { Pool } from 'pg';
import { tablesOf } from './schema';

/** One event an outbox relay did not publish (table `relay_parked_events`, DESIGN §10). */
export interface ParkedEvent {
  relay: string;
  position: number;
  transactionId: string;
  eventId: string;
  streamId: string;
  tenantId: string;
  eventType: string;
  /** Why it failed (the head of its stream); undefined for an event held behind another. */
  errorClass: string | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** The position of the parked event of its stream this one waits behind; undefined for a head. */
  heldBehind: number | undefined;
  /** Publish attempts of this event (a head tried again after a requeue counts 2, ...). */
  attempts: number;
  parkedAt: Date;
  /** Set by a requeue: the leading relay publishes it again within about a second. */
  requeuedAt: Date | undefined;
}

export interface ParkedEventFilter {
  relay?: string;
  streamId?: string;
  tenantId?: string;
  /** At most this many, in (relay, position) order (default: all). */
  limit?: number;
}

/** Which parked events to requeue: a stream's, one event and those held behind it, or all. */
export type RequeueSelector = { relay?: string } & ({ streamId: string } | { eventId: string } | { all: true });

export interface Requeued {
  relay: string;
  streamId: string;
  /** Parked events of the stream marked for re-publication now (not counting ones marked before). */
  requeued: number;
  /**
   * Parked events of the stream before the selected ones that are not requeued: the relay
   * publishes a stream's parked events only from its first one on, so these must go first.
   */
  waitingBefore: number;
}

type Queryable = Pick<Pool, 'query'>;

/** The parked events of one event-store schema, oldest first per relay. */
export async function listParkedEvents(db: Queryable, schema: string, filter: ParkedEventFilter = {}): Promise<ParkedEvent[]> {
  const t = tablesOf(schema);
  const { rows } = await db.query(
    `select relay, position, transaction_id::text as transaction_id, event_id::text as event_id, stream_id, tenant_id, event_type,
            error_class, error_code, error_message, held_behind, attempts, parked_at, requeued_at
       from ${t.relayParkedEvents}
      where ($1::text is null or relay = $1) and ($2::text is null or stream_id = $2) and ($3::text is null or tenant_id = $3)
      order by relay, position
      limit $4`,
    [filter.relay ?? null, filter.streamId ?? null, filter.tenantId ?? null, filter.limit ?? null],
  );
  return rows.map((row) => ({
    relay: row.relay,
    position: Number(row.position),
    transactionId: row.transaction_id,
    eventId: row.event_id,
    streamId: row.stream_id,
    tenantId: row.tenant_id,
    eventType: row.event_type,
    errorClass: row.error_class ?? undefined,
    errorCode: row.error_code ?? undefined,
    errorMessage: row.error_message ?? undefined,
    heldBehind: row.held_behind === null ? undefined : Number(row.held_behind),
    attempts: row.attempts,
    parkedAt: row.parked_at,
    requeuedAt: row.requeued_at ?? undefined,
  }));
}

/**
 * Marks parked events for re-publication; the leading relay (in the service, which has the
 * mapper) publishes them at the start of its next round, in position order per stream, and
 * releases the stream once none is left. Selecting an event takes the events of its stream held
 * behind it (later positions) too: they can only follow it.
 */
export async function requeueParkedEvents(db: Queryable, schema: string, selector: RequeueSelector): Promise<Requeued[]> {
  const t = tablesOf(schema);
  const [by, value] = 'streamId' in selector ? ['stream_id', selector.streamId] : 'eventId' in selector ? ['event_id::text', selector.eventId] : ['true', null];
  const { rows } = await db.query(
    `with target as (
       select relay, stream_id, min(position) as from_position
         from ${t.relayParkedEvents}
        where ($1::text is null or relay = $1) and ${by === 'true' ? '$2::text is null' : `${by} = $2`}
        group by relay, stream_id
     ), marked as (
       update ${t.relayParkedEvents} p set requeued_at = now()
         from target
        where p.relay = target.relay and p.stream_id = target.stream_id and p.position >= target.from_position and p.requeued_at is null
        returning p.relay, p.stream_id
     )
     select target.relay, target.stream_id,
            (select count(*) from marked m where m.relay = target.relay and m.stream_id = target.stream_id)::int as requeued,
            (select count(*) from ${t.relayParkedEvents} p
              where p.relay = target.relay and p.stream_id = target.stream_id and p.position < target.from_position and p.requeued_at is null)::int as waiting_before
       from target
      order by target.relay, target.stream_id`,
    [selector.relay ?? null, value],
  );
  return rows.map((row) => ({ relay: row.relay, streamId: row.stream_id, requeued: row.requeued, waitingBefore: row.waiting_before }));
}
