import type { ClientBase } from 'pg';
import { cursorAfter, readCommittedAfter } from '../commit-order';
import type { EventStore } from '../event-store';
import { createPollingLoop } from '../polling-loop';
import { jsonLogger, Logger } from '../types';
import { ensureProjection, Projection, projectionTables } from './projection';

export interface ProjectionRunnerOptions {
  store: EventStore;
  projection: Projection;
  /** Events per transaction (default 500). */
  batchSize?: number;
  /** Idle poll interval (default 200 ms). */
  pollIntervalMs?: number;
  logger?: Logger;
}

export interface ProjectionRunner {
  /** Applies the next batch; returns how many events it applied (0: caught up, or another instance holds the projection). */
  runOnce(): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs an async projection: a checkpointed subscription over the global commit order (the
 * same gap-free cursor as the relay). Each batch, its read-model change and its checkpoint
 * commit in one transaction, so a crash never applies a batch without moving the checkpoint
 * or the other way round. The projection's registry row is locked per batch (SKIP LOCKED), so
 * several instances may run it: one works, the others skip; a rebuild's swap waits for it.
 */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { store, projection } = options;
  const t = store.tables;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const logger = options.logger ?? jsonLogger(`event-store.projection.${projection.name}`);
  const { view } = projectionTables(store.readModelSchema, projection);
  let ensured = false;

  async function runOnce(): Promise<number> {
    const client = await store.pool.connect();
    let broken = false;
    try {
      if (!ensured) {
        await ensureProjection(client, t, store.readModelSchema, projection);
        ensured = true;
      }
      await client.query('begin');
      const applied = await applyNextBatch(client);
      await client.query('commit');
      return applied;
    } catch (error) {
      await client.query('rollback').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async function applyNextBatch(client: ClientBase): Promise<number> {
    const { rows } = await client.query(
      `select transaction_id::text as transaction_id, position from ${t.projections} where name = $1 for update skip locked`,
      [projection.name],
    );
    if (!rows[0]) return 0;
    const from = { transactionId: rows[0].transaction_id, position: Number(rows[0].position) };
    const events = await readCommittedAfter(client, t, from, batchSize, { streamTypes: projection.streamTypes });
    if (events.length === 0) return 0;
    await projection.apply(client, events, view);
    const next = cursorAfter(events, from);
    await client.query(`update ${t.projections} set transaction_id = $2::xid8, position = $3, updated_at = now() where name = $1`, [
      projection.name,
      next.transactionId,
      next.position,
    ]);
    return events.length;
  }

  const loop = createPollingLoop({
    name: `projection ${projection.name}`,
    logger,
    intervalMs: pollIntervalMs,
    tick: async () => (await runOnce()) >= batchSize,
  });

  return {
    runOnce,
    async start() {
      loop.start();
    },
    stop: () => loop.stop(),
  };
}
