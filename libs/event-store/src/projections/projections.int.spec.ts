import { randomInt } from 'node:crypto';
import { waitUntil } from '@lading/testing';
import { eventStoreFixture, placed, released } from '../test/fixture';
import { silentLogger } from '../types';
import { createProjectionRunner } from './projection-runner';
import { rebuildProjection, RebuildProgress } from './rebuild';
import { streamSummaryProjection } from './stream-summary.projection';

// The preset's testTimeout does not reach projects run from the root config.
jest.setTimeout(60_000);

describe('projections (PostgreSQL)', () => {
  let fx: Awaited<ReturnType<typeof eventStoreFixture>>;
  beforeAll(async () => {
    fx = await eventStoreFixture({}, 20);
  });
  afterAll(() => fx.close());

  const q = (table: string) => `"${fx.schema}"."${table}"`;
  const summary = async (table: string) =>
    (await fx.pool.query(`select stream_id, stream_type, tenant_id, version, last_event_type, last_event_id, last_position from ${q(table)} order by stream_id`)).rows;
  /** What a stream summary must say, computed straight from the log. */
  const expectedSummary = async (streamType: string) =>
    (
      await fx.pool.query(
        `select distinct on (stream_id) stream_id, stream_type, tenant_id, stream_version as version, event_type as last_event_type,
                event_id as last_event_id, position as last_position
           from ${q('events')} where stream_type = $1 order by stream_id, stream_version desc`,
        [streamType],
      )
    ).rows.sort((a, b) => (a.stream_id < b.stream_id ? -1 : 1));

  it('inline: updates the read model in the appending transaction, or not at all', async () => {
    const projection = streamSummaryProjection({ name: 'inline_summary', mode: 'inline', streamTypes: ['inline'] });
    const store = fx.storeWith({ inlineProjections: [projection] });
    await store.transaction(async (tx) => {
      await tx.append('inline:SO-1', [placed('SO-1'), released('SO-1')], { expectedVersion: 'no_stream', tenantId: 'acme' });
      const { rows } = await tx.client.query(`select version, last_event_type from ${q('inline_summary')} where stream_id = 'inline:SO-1'`);
      expect(rows).toEqual([{ version: '2', last_event_type: 'OrderReleased' }]);
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.append('inline:SO-2', [placed('SO-2')], { expectedVersion: 'no_stream', tenantId: 'acme' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await summary('inline_summary')).toEqual(await expectedSummary('inline'));
    expect((await summary('inline_summary')).map((r) => r.stream_id)).toEqual(['inline:SO-1']);
  });

  it('async: follows the log with a checkpoint committed with the read-model change', async () => {
    const projection = streamSummaryProjection({ name: 'async_summary', streamTypes: ['async'] });
    const runner = createProjectionRunner({ store: fx.store, projection, batchSize: 3, logger: silentLogger });
    for (let i = 0; i < 5; i++) {
      await fx.store.append(`async:SO-${i}`, [placed(`SO-${i}`), released(`SO-${i}`)], { expectedVersion: 'no_stream', tenantId: 'acme' });
    }
    // Other sessions on the server may hold xmin back for a moment: poll until visible.
    let applied = 0;
    await waitUntil('runner applied all 10 events', async () => (applied += await runner.runOnce()) >= 10);
    expect(applied).toBe(10);
    expect(await summary('async_summary')).toEqual(await expectedSummary('async'));
    const { rows } = await fx.pool.query(`select position from ${q('projections')} where name = 'async_summary'`);
    const { rows: last } = await fx.pool.query(`select max(position) as p from ${q('events')} where stream_type = 'async'`);
    expect(rows[0].position).toBe(last[0].p);
    expect(await runner.runOnce()).toBe(0);
  });

  it('ends identical when fed the same events twice', async () => {
    const projection = streamSummaryProjection({ name: 'twice_summary', streamTypes: ['twice'] });
    for (let i = 0; i < 4; i++) {
      await fx.store.append(`twice:SO-${i}`, [placed(`SO-${i}`), released(`SO-${i}`)], { expectedVersion: 'no_stream', tenantId: 'acme' });
    }
    const { events } = await waitUntil('events visible to gap-free reads', async () => {
      const read = await fx.store.readAll({ streamTypes: ['twice'] });
      return read.events.length === 8 && read;
    });
    const client = await fx.pool.connect();
    try {
      await projection.createTable(client, q('twice_summary_v1'));
      await projection.apply(client, events, q('twice_summary_v1'));
      const once = await summary('twice_summary_v1');
      await projection.apply(client, events, q('twice_summary_v1'));
      // ...and one event at a time, out of batch, the second time round.
      for (const event of events) await projection.apply(client, [event], q('twice_summary_v1'));
      expect(await summary('twice_summary_v1')).toEqual(once);
      expect(once).toEqual(await expectedSummary('twice'));
    } finally {
      client.release();
    }
  });

  it.each(['async', 'inline'] as const)('%s: rebuilds from position 0 into a new table version and swaps without downtime', async (mode) => {
    const streamType = `rebuild_${mode}`;
    const projection = streamSummaryProjection({ name: `${streamType}_summary`, mode, streamTypes: [streamType] });
    const store = mode === 'inline' ? fx.storeWith({ inlineProjections: [projection] }) : fx.store;
    const runner = mode === 'async' ? createProjectionRunner({ store, projection, pollIntervalMs: 10, logger: silentLogger }) : undefined;
    await runner?.start();
    const appendSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = `${streamType}:SO-${randomInt(30)}`;
        await store.append(id, [released(id)], { expectedVersion: 'any', tenantId: 'acme' }).catch(() => undefined);
      }
    };
    await appendSome(200);

    // Writers and readers keep going during the rebuild.
    let stop = false;
    let readErrors = 0;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        await fx.pool.query(`select count(*) from ${q(projection.name)}`).then(
          () => reads++,
          () => readErrors++,
        );
      }
    })();
    const writers = Promise.all([1, 2].map(() => appendSome(100)));
    const progress: RebuildProgress[] = [];
    const rebuilt = await rebuildProjection({ store, projection, batchSize: 50, onProgress: (p) => progress.push(p) });
    await writers;
    stop = true;
    await reader;
    await runner?.stop();
    const expected = await expectedSummary(streamType);
    await waitUntil('read model caught up', async () => {
      await runner?.runOnce();
      return JSON.stringify(await summary(projection.name)) === JSON.stringify(expected);
    });

    expect(rebuilt.version).toBe(2);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['replaying', 'swapping', 'done']));
    expect(readErrors).toBe(0);
    expect(reads).toBeGreaterThan(0);
    const { rows } = await fx.pool.query(`select version from ${q('projections')} where name = $1`, [projection.name]);
    expect(rows[0].version).toBe(2);
    const { rows: tables } = await fx.pool.query(`select table_name from information_schema.tables where table_schema = $1 and table_name like $2 order by 1`, [
      fx.schema,
      `${projection.name}_v%`,
    ]);
    expect(tables.map((t) => t.table_name)).toEqual([`${projection.name}_v2`]);
    expect(await summary(projection.name)).toEqual(expected);
  });
});
