import { Pool } from 'pg';
import type { MigrationInterface } from 'typeorm';
import { eventStoreSchemaMigration } from './migrations/1764300000000-event-store-schema';
import { tenantScopedInboxMigration } from './migrations/1764600000000-tenant-scoped-inbox';
import { relayParkedEventsMigration } from './migrations/1764900000000-relay-parked-events';
import { relayLeaseMigration } from './migrations/1764900000100-relay-lease';
import { runMigrations } from './migrations-runner';
import { assertIdentifier, DEFAULT_EVENT_STORE_SCHEMA } from './schema';

/** Every event-store migration, in order, built for one schema (TypeORM `migrations`). */
export function eventStoreMigrations(schema = DEFAULT_EVENT_STORE_SCHEMA): (new () => MigrationInterface)[] {
  const s = assertIdentifier(schema, 'schema');
  return [eventStoreSchemaMigration(s), tenantScopedInboxMigration(s), relayParkedEventsMigration(s), relayLeaseMigration(s)];
}

/**
 * Runs pending event-store migrations into `schema` (created if needed), in one transaction,
 * advisory-locked (see runMigrations): every instance may call it at start-up. The migrations
 * table `event_store_migrations` lives in the same schema, so each schema migrates
 * independently. Returns the names of the migrations that ran.
 */
export async function migrateEventStore(options: { connectionString?: string; pool?: Pick<Pool, 'connect'>; schema?: string }): Promise<string[]> {
  const schema = assertIdentifier(options.schema ?? DEFAULT_EVENT_STORE_SCHEMA, 'schema');
  const pool = options.pool ?? new Pool({ connectionString: options.connectionString, max: 1 });
  try {
    return await runMigrations(pool, { schema, table: 'event_store_migrations', migrations: eventStoreMigrations(schema) });
  } finally {
    if (!options.pool) await (pool as Pool).end();
  }
}
