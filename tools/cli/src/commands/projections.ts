import { builtInProjections, createEventStore, DEFAULT_EVENT_STORE_SCHEMA, ProjectionRegistry, rebuildProjection } from '@lading/event-store';
import { Pool } from 'pg';
import type { CommandGroup } from '../main';
import { option } from './options';

const usage = `usage: npm run lading -- projections <command> [options]

  list                      registered projections, live table version and checkpoint
  rebuild <name>            replay the log from position 0 into a new table version, then swap

options:
  --schema <name>           event-store schema (default ${DEFAULT_EVENT_STORE_SCHEMA}, env EVENT_STORE_SCHEMA)
  --read-model-schema <n>   where the read model lives (default: the event-store schema)
  --batch <n>               events per replay batch (default 1000)
env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lading)`;

/**
 * `projections list|rebuild`. Projections are code, so the CLI can only rebuild the ones it
 * knows: the event store's built-ins plus whatever an app adds to the registry passed here.
 */
export function projectionsCommand(registry: ProjectionRegistry = builtInProjections()): CommandGroup {
  return {
    name: 'projections',
    summary: 'list read-model projections; rebuild one from position 0 with no downtime',
    usage,
    async run(argv, out) {
      const args = [...argv];
      const schema = option(args, '--schema') ?? process.env.EVENT_STORE_SCHEMA ?? DEFAULT_EVENT_STORE_SCHEMA;
      const readModelSchema = option(args, '--read-model-schema');
      const batchSize = Number(option(args, '--batch') ?? 1000);
      const [command, name] = args;
      if (command !== 'list' && command !== 'rebuild') {
        out(usage);
        return command ? 2 : 0;
      }
      const pool = new Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading', max: 2 });
      try {
        const store = createEventStore({ pool, schema, readModelSchema });
        if (command === 'list') {
          const { rows } = await pool.query(
            `select name, mode, version, position, rebuilt_at from ${store.tables.projections} order by name`,
          );
          const live = new Map(rows.map((r) => [r.name as string, r]));
          for (const projection of registry.list()) {
            const row = live.get(projection.name);
            out(
              [
                projection.name.padEnd(24),
                projection.mode.padEnd(7),
                row ? `v${row.version}`.padEnd(5) : 'new  ',
                projection.mode === 'async' && row ? `at position ${row.position}` : '',
                row?.rebuilt_at ? `rebuilt ${row.rebuilt_at.toISOString()}` : '',
                projection.description ?? '',
              ]
                .filter(Boolean)
                .join('  '),
            );
          }
          return 0;
        }
        if (!name) throw new Error('rebuild needs a projection name');
        const projection = registry.get(name);
        const started = Date.now();
        let lastLine = 0;
        const result = await rebuildProjection({
          store,
          projection,
          batchSize,
          onProgress: (p) => {
            if (p.phase === 'replaying' && Date.now() - lastLine < 500) return;
            lastLine = Date.now();
            const percent = p.total > 0 ? Math.min(100, Math.floor((100 * p.processed) / p.total)) : 100;
            out(`${projection.name} v${p.version}: ${p.phase} ${p.processed}/${p.total} events (${percent}%)`);
          },
        });
        out(`${projection.name}: live on v${result.version}, ${result.processed} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return 0;
      } finally {
        await pool.end();
      }
    },
  };
}
