import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { orderReleaseReadModelsMigration } from './migrations/1764400000000-order-release-read-models';
import { assertSchemaName, DEFAULT_ORDER_RELEASE_SCHEMA, releaseTablesOf } from './schema';

/** Every order-release migration, in order, built for one schema (TypeORM `migrations`). */
export function orderReleaseMigrations(schema = DEFAULT_ORDER_RELEASE_SCHEMA): (new () => MigrationInterface)[] {
  return [orderReleaseReadModelsMigration(assertSchemaName(schema))];
}

/**
 * Runs the pending order-release migrations into `schema` in one transaction; safe to call from
 * every instance at start-up (an advisory lock lets one migrate while the others wait, then
 * find nothing to do). The bookkeeping table has TypeORM's shape (id, timestamp, name), so a
 * TypeORM DataSource with `migrationsTableName: 'order_release_migrations'` sees the same
 * history. Returns the names of the migrations that ran.
 */
export async function migrateOrderRelease(pool: Pick<Pool, 'connect'>, schema = DEFAULT_ORDER_RELEASE_SCHEMA): Promise<string[]> {
  const t = releaseTablesOf(schema);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`lading:order-release:migrate:${schema}`]);
    await client.query(`create schema if not exists ${t.schema}`);
    await client.query(`create table if not exists ${t.migrations} (id serial primary key, "timestamp" bigint not null, name varchar not null)`);
    const applied = new Set<string>((await client.query(`select name from ${t.migrations}`)).rows.map((row: { name: string }) => row.name));
    // Our migrations only issue SQL, so the one QueryRunner method they call is enough.
    const queryRunner = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as QueryRunner;
    const ran: string[] = [];
    for (const Migration of orderReleaseMigrations(schema)) {
      const migration = new Migration();
      const name = migration.name ?? Migration.name;
      if (applied.has(name)) continue;
      await migration.up(queryRunner);
      await client.query(`insert into ${t.migrations} ("timestamp", name) values ($1, $2)`, [Number(/(\d{13})$/.exec(name)?.[1] ?? 0), name]);
      ran.push(name);
    }
    await client.query('commit');
    return ran;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
