import { isOutage } from '@lading/errors';
import { testDatabaseUrl } from '@lading/testing';
import { Client } from 'pg';
import { loadServiceConfig } from '../config/service-config';
import { createServicePool } from './database-pool';

// Found by `npm run chaos` (postgres-restart): a connection checked out of the pool but idle
// between two statements had no 'error' listener, so the server dropping it crashed the process.

describe('the service pool (real PostgreSQL)', () => {
  it('given a connection checked out and idle between statements, when the server terminates it, then the process lives on and the next statement fails as an outage', async () => {
    const config = loadServiceConfig('pool-check', { DATABASE_URL: testDatabaseUrl() }, { httpPort: 0 });
    const lost: unknown[] = [];
    const pool = createServicePool(config, { warn: (_message, fields) => void lost.push(fields) });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    const client = await pool.connect();
    try {
      const { rows } = await client.query('select pg_backend_pid() as pid');
      await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
      // the server's goodbye arrives while nothing is running on the connection
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(lost.length).toBeGreaterThan(0);
      const next = await client.query('select 1').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isOutage(next)).toBe(true);
    } finally {
      client.release(true);
      await admin.end();
      await pool.end();
    }
  });
});
