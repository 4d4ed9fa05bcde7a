/** PostgreSQL schema of order-release's read models (DESIGN §5: each service's read models live in its own schema). */
export const DEFAULT_ORDER_RELEASE_SCHEMA = 'order_release';

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Schema names are spliced into SQL (they cannot be bind parameters), so they are validated once
 * here instead of being trusted wherever a query is built.
 */
export function assertSchemaName(name: string): string {
  if (!identifier.test(name)) throw new Error(`invalid schema name "${name}": use lower-case letters, digits and _`);
  return name;
}

/** Fully qualified table names of one order-release schema. */
export function releaseTablesOf(schema: string) {
  const s = `"${assertSchemaName(schema)}"`;
  return {
    schema: s,
    migrations: `${s}.order_release_migrations`,
    creditHolds: `${s}.credit_holds`,
    stockLevels: `${s}.stock_levels`,
    siteReadiness: `${s}.site_readiness`,
    siteDayReleases: `${s}.site_day_releases`,
    reservations: `${s}.reservations`,
    heldOrders: `${s}.held_orders`,
  };
}

export type ReleaseTables = ReturnType<typeof releaseTablesOf>;

/**
 * What the read models need of a database connection: a pg `PoolClient` (or `Client`) inside the
 * caller's transaction, so the reads, locks and writes commit with the inbox row and the events.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
