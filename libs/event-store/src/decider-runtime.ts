import type { Decider } from '@lading/decider';
import { StreamConflictError } from './errors';
import type { EventStoreTransaction } from './event-store';
import type { EventStoreTables } from './schema';
import type { DomainEvent, EventMetadata, StoredEvent } from './types';

export interface SnapshotOptions<State> {
  /** Names the state shape; bump it when the state type changes so old snapshots are ignored. */
  name: string;
  /** Write a snapshot when this many events were appended since the last one. */
  every: number;
  /** JSON conversion, for states that hold Dates, Maps, ... (default: identity). */
  toJSON?: (state: State) => unknown;
  fromJSON?: (json: unknown) => State;
}

export interface HandleOptions<State> {
  tenantId: string;
  streamType?: string;
  /** Merged into the metadata of every appended event (correlation/causation ids, ...). */
  metadata?: EventMetadata;
  /** Default 3. */
  maxAttempts?: number;
  /** Overrides the store's clock for this decision. */
  now?: Date;
  snapshot?: SnapshotOptions<State>;
}

export interface HandleResult<E extends DomainEvent, State> {
  /** The state after the appended events. */
  state: State;
  /** What was appended (empty when the decider decided nothing). */
  events: StoredEvent<E>[];
  /** The stream's version after the append (0: the stream does not exist). */
  version: number;
}

/**
 * read → fold → decide → append with the expected version. A version conflict re-reads and
 * decides again in the same transaction (read committed sees the winner's events), up to
 * `maxAttempts`; a conflict the transaction cannot resolve is thrown for the caller to retry.
 */
export async function handleInTransaction<Command, E extends DomainEvent, State>(
  tx: EventStoreTransaction,
  t: EventStoreTables,
  streamId: string,
  decider: Decider<Command, E, State>,
  command: Command,
  options: HandleOptions<State>,
  clock: () => Date,
): Promise<HandleResult<E, State>> {
  const maxAttempts = options.maxAttempts ?? 3;
  const snapshot = options.snapshot;
  for (let attempt = 1; ; attempt++) {
    let state = decider.initialState();
    let version = 0;
    let snapshotVersion = 0;
    if (snapshot) {
      const { rows } = await tx.client.query(`select version, state from ${t.snapshots} where stream_id = $1 and snapshot_name = $2`, [
        streamId,
        snapshot.name,
      ]);
      if (rows[0]) {
        state = snapshot.fromJSON ? snapshot.fromJSON(rows[0].state) : (rows[0].state as State);
        version = snapshotVersion = Number(rows[0].version);
      }
    }
    for (const event of await tx.readStream<E>(streamId, { fromVersion: version + 1 })) {
      state = decider.evolve(state, event.payload);
      version = event.streamVersion;
    }
    const decided = decider.decide(command, state, { now: options.now ?? clock() });
    if (decided.length === 0) return { state, events: [], version };
    try {
      const result = await tx.append<E>(streamId, decided, {
        expectedVersion: version === 0 ? 'no_stream' : version,
        tenantId: options.tenantId,
        streamType: options.streamType,
        metadata: options.metadata,
      });
      for (const event of decided) state = decider.evolve(state, event);
      if (snapshot && result.nextExpectedVersion - snapshotVersion >= snapshot.every) {
        await tx.client.query(
          `insert into ${t.snapshots} (stream_id, snapshot_name, version, state) values ($1, $2, $3, $4::jsonb)
           on conflict (stream_id, snapshot_name) do update set version = excluded.version, state = excluded.state, updated_at = now()`,
          [streamId, snapshot.name, result.nextExpectedVersion, JSON.stringify(snapshot.toJSON ? snapshot.toJSON(state) : state)],
        );
      }
      return { state, events: result.events, version: result.nextExpectedVersion };
    } catch (error) {
      if (error instanceof StreamConflictError && error.retryInTransaction && attempt < maxAttempts) continue;
      throw error;
    }
  }
}
