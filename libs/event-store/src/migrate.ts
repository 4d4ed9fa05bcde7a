import { DataSource } from 'typeorm';
import { eventStoreSchemaMigration } from './migrations/1764300000000-event-store-schema';
import { assertIdentifier, DEFAULT_EVENT_STORE_SCHEMA } from './schema';

/** Every event-store migration, in order, built for one schema. */
export function eventStoreMigrations(schema = DEFAULT_EVENT_STORE_SCHEMA): (new () => unknown)[] {
  return [eventStoreSchemaMigration(assertIdentifier(schema, 'schema'))];
}

/**
 * Runs pending event-store migrations (TypeORM, one transaction) into `schema`, creating the
 * schema if needed. The migrations table lives in the same schema, so each schema migrates
 * independently. Returns the names of the migrations that ran.
 */
export async function migrateEventStore(options: { connectionString: string; schema?: string }): Promise<string[]> {
  const schema = assertIdentifier(options.schema ?? DEFAULT_EVENT_STORE_SCHEMA, 'schema');
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.connectionString,
    schema,
    migrationsTableName: 'event_store_migrations',
    migrations: eventStoreMigrations(schema) as never,
    migrationsTransactionMode: 'all',
    logging: false,
  });
  await dataSource.initialize();
  try {
    // TypeORM creates its migrations table before running the first migration.
    await dataSource.query(`create schema if not exists "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
