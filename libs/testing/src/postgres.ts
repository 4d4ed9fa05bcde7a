import { Client } from 'pg';
import { uniqueName } from './wait';

export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading';
}

/**
 * A fresh schema per test file, dropped afterwards: tests share one database and one server
 * but never each other's tables.
 */
export async function createTestSchema(prefix = 'test'): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName(prefix).replace(/-/g, '_');
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  await client.query(`create schema "${schema}"`);
  await client.end();
  return {
    schema,
    drop: async () => {
      const c = new Client({ connectionString: testDatabaseUrl() });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}
