import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { assertIdentifier } from './schema';

export interface SchemaMigrations {
  /** The PostgreSQL schema the migrations build (created if missing). */
  schema: string;
  /** Bookkeeping table in that schema, in TypeORM's shape (id, timestamp, name). */
  table: string;
  /** Every migration, in order; each class is built for `schema` (see the migrations folders). */
  migrations: readonly (new () => MigrationInterface)[];
}

/**
 * The one migration runner of Lading: runs the pending migrations of one schema in one
 * transaction. Safe to call from every instance at start-up: an advisory lock per schema and
 * table lets one migrate while the others wait, then find nothing to do. The bookkeeping table
 * has TypeORM's shape, so a TypeORM DataSource with `migrationsTableName: <table>` sees the same
 * history. Returns the names of the migrations that ran.
 */
export async function runMigrations(pool: Pick<Pool, 'connect'>, options: SchemaMigrations): Promise<string[]> {
  const schema = `"${assertIdentifier(options.schema, 'schema')}"`;
  const table = `${schema}."${assertIdentifier(options.table, 'migrations table')}"`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`lading:migrate:${options.schema}.${options.table}`]);
    await client.query(`create schema if not exists ${schema}`);
    await client.query(`create table if not exists ${table} (id serial primary key, "timestamp" bigint not null, name varchar not null)`);
    const applied = new Set<string>((await client.query(`select name from ${table}`)).rows.map((row: { name: string }) => row.name));
    // Lading's migrations only issue SQL: the one QueryRunner method they call is enough.
    const queryRunner = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as QueryRunner;
    const ran: string[] = [];
    for (const Migration of options.migrations) {
      const migration = new Migration();
      const name = migration.name ?? Migration.name;
      if (applied.has(name)) continue;
      await migration.up(queryRunner);
      await client.query(`insert into ${table} ("timestamp", name) values ($1, $2)`, [Number(/(\d{13})$/.exec(name)?.[1] ?? 0), name]);
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
