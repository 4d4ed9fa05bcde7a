import type { PoolClient } from 'pg';
import { Registry } from 'prom-client';
import { EVENT_KEY_COLUMNS } from './append';
import { commitCutOff, countAfter, cursorAfter, readCommittedAfter } from './commit-order';
import type { EventStore } from './event-store';
import { counter, gauge, histogram } from './metrics';
import { createPollingLoop } from './polling-loop';
import { relayLease } from './relay-lease';
import { relayParking } from './relay-parking';
import { CommitCursor, jsonLogger, Logger, START_OF_LOG, StoredEvent } from './types';

/**
 * The relay's only way out: the app maps domain events to its integration records (0..n
 * Kafka records per event, catalog topic, key) and produces them. Resolving means the broker
 * acknowledged every record (acks=all). Rejecting with an outage (`isOutage` of @lading/errors:
 * broker, registry or database unavailable) means the batch is published again later; any other
 * rejection means an event cannot be published: the relay finds it and parks it (relay-parking.ts).
 */
export type PublishEvents = (events: StoredEvent[]) => Promise<void>;

export interface OutboxRelayOptions {
  store: EventStore;
  publish: PublishEvents;
  /** Checkpoint and leadership name; one active relay per name (default `outbox`). */
  name?: string;
  /** Only events of these stream types (default: all). */
  streamTypes?: readonly string[];
  /**
   * Relay only events of these types (default: all): events that are never published (e.g. a
   * stream's own bookkeeping) are then not even read, so their payloads cost the relay nothing.
   */
  eventTypes?: readonly string[];
  /** Events per read/publish (default 500). */
  batchSize?: number;
  /** Idle poll interval (default 100 ms). */
  pollIntervalMs?: number;
  /** How often a follower tries to become the leader (default 1000 ms). */
  leadershipRetryMs?: number;
  /** Wait after a publish failed for an outage before the same batch is tried again (default 1000 ms). */
  publishRetryMs?: number;
  /**
   * Leadership lease (default 30,000 ms): a follower replaces a leader whose heartbeat (written
   * by its loop, by the database clock) is older than this — a leader frozen while holding the
   * lock. Keep it above the longest one `publish` call may take (the producer's retries).
   */
  leaseMs?: number;
  /**
   * While leading, take the bodies (payload, metadata) of events this process appended from
   * memory instead of reading them back (default true): the relay still reads which events come
   * next from the table — order and gap-freedom are the table's — but the bodies it already has
   * cost neither PostgreSQL nor the parse. Events appended elsewhere (other instances, or before
   * this relay led) are read whole. Set false for publishers that need exactly what jsonb gives
   * back (key order, numbers as PostgreSQL normalises them).
   */
  bodiesFromMemory?: boolean;
  /** Most event bodies kept in memory for the relay (default 20,000); older ones are read back. */
  bodiesInMemory?: number;
  /** Where the relay's metrics go (default: a private registry). */
  registry?: Registry;
  logger?: Logger;
}

export interface OutboxRelayStatus {
  leader: boolean;
  /** PostgreSQL backend pid of the leader session (holds the advisory lock). */
  backendPid?: number;
  cursor?: CommitCursor;
  published: number;
  /** Events parked by this instance (could not be published, or held behind one that could not). */
  parked: number;
  /** Reads done as leader (lets tests and operators see that the relay is polling). */
  polls: number;
  /** Events published with the body this process appended (not read back from the table). */
  bodiesFromMemory: number;
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): OutboxRelayStatus;
}

/**
 * Publishes committed events in commit-cursor order, never skipping one, and advances the
 * checkpoint only after `publish` resolves. A crash between the broker's ack and the
 * checkpoint publishes the batch again: downstream inboxes absorb the duplicate.
 *
 * Leadership: one session-level advisory lock per relay name. The leader does all its reads
 * and checkpoint writes on the session holding the lock, so a leader whose session died
 * cannot move the checkpoint; PostgreSQL releases the lock with the session and a follower
 * takes over within `leadershipRetryMs`. A leader that stops making progress while its session
 * stays open is replaced once its lease runs out (relay-lease.ts).
 *
 * Poison: an event `publish` refuses (not for an outage) is parked with its cause, the later
 * events of its stream are parked behind it, and every other stream flows (relay-parking.ts).
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { store, publish } = options;
  const t = store.tables;
  const name = options.name ?? 'outbox';
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const leadershipRetryMs = options.leadershipRetryMs ?? 1000;
  const publishRetryMs = options.publishRetryMs ?? 1000;
  const leaseMs = options.leaseMs ?? 30_000;
  const logger = options.logger ?? jsonLogger('event-store.outbox-relay');
  const registry = options.registry ?? new Registry();
  const filter = { streamTypes: options.streamTypes, eventTypes: options.eventTypes };
  const lockKey = `${store.schema}.${name}`;

  const lag = gauge(registry, 'lading_outbox_relay_lag_events', 'Events appended but not yet published by the outbox relay', ['relay']);
  const published = counter(registry, 'lading_outbox_published_total', 'Events the outbox relay published (acknowledged by Kafka)', ['relay']);
  const leaderGauge = gauge(registry, 'lading_outbox_relay_leader', '1 while this instance is the active outbox relay', ['relay']);
  const batchSeconds = histogram(registry, 'lading_outbox_publish_batch_seconds', 'Time to publish one outbox batch', ['relay']);
  const oldestWrite = gauge(
    registry,
    'lading_event_store_oldest_write_seconds',
    'Age of the oldest event-store write transaction still open (0: none). The relay publishes nothing behind it: alert above 30 s',
    ['relay'],
  );
  const bodies = counter(registry, 'lading_outbox_event_bodies_total', 'Bodies of relayed events by where they came from: memory (appended by this process) or table', ['relay', 'source']);
  lag.set({ relay: name }, 0);
  leaderGauge.set({ relay: name }, 0);

  let session: PoolClient | undefined;
  let cursor: CommitCursor | undefined;
  let publishedCount = 0;
  let parkedCount = 0;
  /** `cursor` is published but not yet written to the checkpoint table. */
  let unsaved = false;
  let polls = 0;
  let lagMeasuredAt = 0;
  let fromMemory = 0;

  // Bodies of the events this process committed, by position, while it leads: filled right after
  // each commit, taken (and dropped) when the relay reaches the event, oldest dropped first past
  // the bound. A position is never reused (identity column; a rolled-back insert leaves a hole),
  // so a body can only ever meet the row it was inserted as. A body learnt after the relay passed
  // its event (its read got there first) is never taken and simply ages out.
  const remembered = new Map<number, Pick<StoredEvent, 'eventId' | 'payload' | 'metadata'>>();
  const maxRemembered = options.bodiesInMemory ?? 20_000;
  const relays = (e: StoredEvent) =>
    (!filter.streamTypes?.length || filter.streamTypes.includes(e.streamType)) && (!filter.eventTypes?.length || filter.eventTypes.includes(e.eventType));
  const bodiesFromMemory = options.bodiesFromMemory !== false;
  let unsubscribe: (() => void) | undefined;
  const remember = (events: readonly StoredEvent[]) => {
    if (!session) return;
    for (const e of events) {
      if (!relays(e) || (cursor && !isAfter(e, cursor))) continue;
      remembered.set(e.position, { eventId: e.eventId, payload: e.payload, metadata: e.metadata });
      if (remembered.size > maxRemembered) remembered.delete(remembered.keys().next().value as number);
    }
  };
  const lease = relayLease({ tables: t, name, lockKey, leaseMs, logger });
  const parking = relayParking({ tables: t, name, publish, renew: lease.renew, registry, logger });

  async function tryLead(): Promise<boolean> {
    const client = await store.pool.connect();
    try {
      const checkpoint = await lease.acquire(client);
      if (!checkpoint) {
        client.release();
        return false;
      }
      cursor = checkpoint;
      await parking.load(client);
      // A session that dies while idle reports here instead of crashing the process; the next
      // query on it fails and the loop resigns.
      client.on('error', onSessionError);
      session = client;
      leaderGauge.set({ relay: name }, 1);
      logger.info('became outbox relay leader', { relay: name, backendPid: backendPidOf(client), cursor });
      return true;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  function onSessionError(error: Error) {
    logger.warn('outbox relay leader session failed', { relay: name, error: String(error) });
  }

  function resign(reason: unknown) {
    if (!session) return;
    logger.warn('lost outbox relay leadership', { relay: name, reason: String(reason) });
    // Destroying the session (rather than returning it to the pool) is what releases the lock.
    session.release(true);
    session = undefined;
    cursor = undefined;
    prefetched = undefined;
    unsaved = false;
    remembered.clear();
    parking.clear();
    leaderGauge.set({ relay: name }, 0);
  }

  async function measureLag(client: PoolClient, force = false) {
    if (!force && Date.now() - lagMeasuredAt < 1000) return;
    lagMeasuredAt = Date.now();
    lag.set({ relay: name }, await countAfter(client, t, cursor ?? START_OF_LOG, filter));
    oldestWrite.set({ relay: name }, (await commitCutOff(client, t)).oldest?.ageSeconds ?? 0);
  }

  /** The batch read while the previous one was being published (see relayOnce). */
  let prefetched: StoredEvent[] | undefined;

  async function read(client: PoolClient, from: CommitCursor, save?: CommitCursor): Promise<StoredEvent[]> {
    const checkpoint = save ? { name, cursor: save } : undefined;
    if (!bodiesFromMemory) return readCommittedAfter(client, t, from, batchSize, filter, checkpoint);
    // Which events come next, from the table (gap-free, in commit order); their bodies from
    // memory where this process appended them, else from the table in a second read.
    const events = await readCommittedAfter(client, t, from, batchSize, filter, checkpoint, EVENT_KEY_COLUMNS);
    const unknown = new Map<number, StoredEvent>();
    for (const event of events) {
      const body = remembered.get(event.position);
      if (body) remembered.delete(event.position);
      if (body?.eventId === event.eventId) {
        event.payload = body.payload;
        event.metadata = body.metadata;
      } else unknown.set(event.position, event);
    }
    if (unknown.size > 0) {
      const { rows } = await client.query(`select position, payload, metadata from ${t.events} where position = any($1::bigint[])`, [[...unknown.keys()]]);
      for (const row of rows) {
        const event = unknown.get(Number(row.position))!;
        event.payload = row.payload;
        event.metadata = row.metadata;
      }
    }
    const known = events.length - unknown.size;
    fromMemory += known;
    if (known > 0) bodies.inc({ relay: name, source: 'memory' }, known);
    if (unknown.size > 0) bodies.inc({ relay: name, source: 'table' }, unknown.size);
    return events;
  }

  async function relayOnce(client: PoolClient): Promise<number> {
    const from = cursor ?? START_OF_LOG;
    // The checkpoint of the last published batch is written by the statement that reads the
    // next one: still strictly after the broker's ack, one round trip per batch instead of two.
    let events = prefetched;
    prefetched = undefined;
    if (!events) {
      events = await read(client, from, unsaved ? from : undefined);
      unsaved = false;
    }
    polls++;
    if (events.length === 0) {
      await measureLag(client);
      return 0;
    }
    const next = cursorAfter(events, from);
    // While the broker works on this batch, read the next one (and save the checkpoint of the
    // previous, already acknowledged batch). Publication itself stays strictly sequential.
    const saving = unsaved ? from : undefined;
    const prefetch = read(client, next, saving).then(
      (batch) => ({ batch }),
      (error: unknown) => ({ error }),
    );
    const end = batchSeconds.startTimer({ relay: name });
    const outcome = await parking.publishBatch(client, events).finally(end);
    count(outcome);
    if (outcome.outage !== undefined) {
      logPublishOutage(outcome.outage, { fromPosition: events[0].position, count: events.length });
      const discarded = await prefetch;
      if ('error' in discarded) throw discarded.error;
      if (saving) unsaved = false;
      return -1;
    }
    publishingAgain();
    cursor = next;
    const fetched = await prefetch;
    if ('error' in fetched) {
      unsaved = true;
      throw fetched.error;
    }
    prefetched = fetched.batch;
    unsaved = true;
    if (prefetched.length === 0) {
      // Caught up: no next read will carry the checkpoint soon, so write it now — a fail-over
      // while idle then re-publishes nothing.
      await client.query(`update ${t.checkpoints} set transaction_id = $2::xid8, position = $3, updated_at = now() where name = $1`, [
        name,
        next.transactionId,
        next.position,
      ]);
      unsaved = false;
    }
    await measureLag(client, events.length < batchSize);
    return events.length;
  }

  function count(outcome: { published: number; parked: number }) {
    publishedCount += outcome.published;
    parkedCount += outcome.parked;
    if (outcome.published > 0) published.inc({ relay: name }, outcome.published);
  }

  // An outage is logged once when it starts, every minute while it lasts, and once when it ends.
  let outageSince: number | undefined;
  let outageToldAt = 0;
  function logPublishOutage(error: unknown, fields: Record<string, unknown>) {
    const now = Date.now();
    if (outageSince === undefined) {
      outageSince = outageToldAt = now;
      logger.error('outbox publish failed for an outage; the same events will be published again until it is over', { relay: name, ...fields, error: String(error) });
    } else if (now - outageToldAt >= 60_000) {
      outageToldAt = now;
      logger.error('outbox publish still failing for an outage', { relay: name, ...fields, failingForMs: now - outageSince, error: String(error) });
    }
  }
  function publishingAgain() {
    if (outageSince === undefined) return;
    logger.info('outbox publishing again after an outage', { relay: name, failedForMs: Date.now() - outageSince });
    outageSince = undefined;
  }

  const loop = createPollingLoop({
    name: `outbox relay ${name}`,
    logger,
    intervalMs: pollIntervalMs,
    errorDelayMs: Math.min(leadershipRetryMs, 1000),
    tick: async () => {
      if (!session && !(await tryLead())) return leadershipRetryMs;
      await lease.renew(session!);
      const requeued = await parking.republishRequeued(session!);
      if (requeued) count(requeued);
      if (requeued?.outage !== undefined) {
        logPublishOutage(requeued.outage, { requeued: true });
        return publishRetryMs;
      }
      const relayed = await relayOnce(session!);
      // -1: the publish failed; the same batch goes again after publishRetryMs
      return relayed < 0 ? publishRetryMs : relayed >= batchSize;
    },
    // A database error on the leader session: give the lock up and compete again, so a
    // half-dead session never keeps relaying.
    onError: (error) => resign(error),
  });

  return {
    async start() {
      if (loop.running) return;
      if (bodiesFromMemory) unsubscribe = store.onCommitted(remember);
      loop.start();
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      await loop.stop();
      if (session && unsaved && cursor) {
        await session
          .query(`update ${t.checkpoints} set transaction_id = $2::xid8, position = $3, updated_at = now() where name = $1`, [
            name,
            cursor.transactionId,
            cursor.position,
          ])
          .catch((error) => logger.warn('could not save the outbox checkpoint on stop', { relay: name, error: String(error) }));
        unsaved = false;
      }
      if (session) {
        session.release(true);
        session = undefined;
        leaderGauge.set({ relay: name }, 0);
      }
      remembered.clear();
      parking.clear();
    },
    status: () => ({ leader: !!session, backendPid: session ? backendPidOf(session) : undefined, cursor, published: publishedCount, parked: parkedCount, polls, bodiesFromMemory: fromMemory }),
  };
}

/** Whether `e` comes after `cursor` in commit-cursor order (transaction id, then position). */
function isAfter(e: Pick<StoredEvent, 'transactionId' | 'position'>, cursor: CommitCursor): boolean {
  const [a, b] = [BigInt(e.transactionId), BigInt(cursor.transactionId)];
  return a > b || (a === b && e.position > cursor.position);
}

function backendPidOf(client: PoolClient): number {
  // Set by node-postgres from BackendKeyData; not in @types/pg.
  return (client as unknown as { processID: number }).processID;
}
