import type { MigrationInterface } from 'typeorm';
import { orderReleaseReadModelsMigration } from './migrations/1764400000000-order-release-read-models';
import { tenantKeyedReadModelsMigration } from './migrations/1764700000000-tenant-keyed-read-models';

/** PostgreSQL schema of order-release's read models (DESIGN §5: each service's read models live in its own schema). */
export const DEFAULT_ORDER_RELEASE_SCHEMA = 'order_release';

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are spliced into SQL (they cannot be bind parameters): validated once, here. */
export function assertSchemaName(name: string): string {
  if (!identifier.test(name)) throw new Error(`invalid schema name "${name}": use lower-case letters, digits and _`);
  return name;
}

/** Fully qualified table names of one order-release schema. */
export function releaseTablesOf(schema: string) {
  const s = `"${assertSchemaName(schema)}"`;
  return {
    schema: s,
    creditHolds: `${s}.credit_holds`,
    stockLevels: `${s}.stock_levels`,
    siteReadiness: `${s}.site_readiness`,
    siteDayReleases: `${s}.site_day_releases`,
    reservations: `${s}.reservations`,
    heldOrders: `${s}.held_orders`,
  };
}

export type ReleaseTables = ReturnType<typeof releaseTablesOf>;

/** Every order-release migration, in order, built for one schema (run by the kit, or a TypeORM DataSource). */
export function orderReleaseMigrations(schema = DEFAULT_ORDER_RELEASE_SCHEMA): (new () => MigrationInterface)[] {
  return [orderReleaseReadModelsMigration(assertSchemaName(schema)), tenantKeyedReadModelsMigration(schema)];
}

/**
 * What the read models need of a database connection: the PoolClient of the caller's
 * transaction, so the reads, locks and writes commit with the inbox row and the events.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** -infinity marks a row created only to be locked (no fact reported yet); pg returns it as -Infinity. */
export const isReported = (asOf: unknown): asOf is Date => asOf instanceof Date;
