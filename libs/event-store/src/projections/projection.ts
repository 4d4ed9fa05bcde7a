import type { ClientBase } from 'pg';
import { assertIdentifier, EventStoreTables } from '../schema';
import type { StoredEvent } from '../types';

/**
 * A read model fed by events (Marten's vocabulary): `inline` projections run inside the
 * appending transaction; `async` ones follow the global commit order in the background with
 * a checkpoint written in the same transaction as their changes.
 *
 * A projection writes to `target` — a view over the live table version — so that a rebuild
 * can fill a new table version and swap the view without downtime. `apply` must be
 * idempotent: the same events applied twice leave the same rows.
 */
export interface Projection {
  /** Lower-case SQL identifier; also the read model's view name. */
  name: string;
  mode: 'inline' | 'async';
  /** Only events of these stream types reach `apply`; all when omitted. */
  streamTypes?: readonly string[];
  /** One-line description for `npm run lading -- projections list`. */
  description?: string;
  /** Creates the table `table` (schema-qualified, quoted) if it does not exist. */
  createTable(client: ClientBase, table: string): Promise<void>;
  /** Applies events, in global order, to `target` (the live view, or a table being rebuilt). */
  apply(client: ClientBase, events: readonly StoredEvent[], target: string): Promise<void>;
}

/** Where a projection's tables live and what they are called. */
export function projectionTables(readModelSchema: string, projection: Pick<Projection, 'name'>) {
  const schema = `"${assertIdentifier(readModelSchema, 'read model schema')}"`;
  const name = assertIdentifier(projection.name, 'projection name');
  return {
    view: `${schema}."${name}"`,
    table: (version: number) => `${schema}."${name}_v${version}"`,
  };
}

export function handles(projection: Projection, event: StoredEvent): boolean {
  return !projection.streamTypes || projection.streamTypes.includes(event.streamType);
}

/**
 * Registers the projection (version 1) and creates its first table and view if missing.
 * Serialised by an advisory lock so that instances starting together do not race on DDL.
 */
export async function ensureProjection(client: ClientBase, t: EventStoreTables, readModelSchema: string, projection: Projection): Promise<void> {
  const names = projectionTables(readModelSchema, projection);
  await client.query('begin');
  try {
    await client.query(`select pg_advisory_xact_lock(hashtext('lading.projection'), hashtext($1))`, [`${t.schema}.${projection.name}`]);
    await client.query(`insert into ${t.projections} (name, mode, version) values ($1, $2, 1) on conflict (name) do nothing`, [
      projection.name,
      projection.mode,
    ]);
    const { rows } = await client.query(`select version from ${t.projections} where name = $1`, [projection.name]);
    const table = names.table(rows[0].version);
    await client.query(`create schema if not exists "${readModelSchema}"`);
    await projection.createTable(client, table);
    const { rows: exists } = await client.query(`select to_regclass($1) is not null as present`, [names.view]);
    if (!exists[0].present) await client.query(`create view ${names.view} as select * from ${table}`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** The projections an operator tool can rebuild: built-ins plus whatever apps register. */
export class ProjectionRegistry {
  private readonly byName = new Map<string, Projection>();

  register(projection: Projection): this {
    assertIdentifier(projection.name, 'projection name');
    const existing = this.byName.get(projection.name);
    if (existing && existing !== projection) throw new Error(`projection ${projection.name} is registered twice`);
    this.byName.set(projection.name, projection);
    return this;
  }

  get(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) throw new Error(`unknown projection "${name}" (known: ${this.list().map((p) => p.name).join(', ') || 'none'})`);
    return projection;
  }

  list(): Projection[] {
    return [...this.byName.values()];
  }
}
