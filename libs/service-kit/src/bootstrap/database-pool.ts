import { Pool } from 'pg';
import type { ServiceConfig } from '../config/service-config';

/**
 * The service's PostgreSQL pool. The timeouts turn a hung database into errors the runtime can
 * handle (an outage: the partitions pause, /ready turns red, the work is retried) instead of a
 * unit of work waiting forever while Kafka heartbeats keep the group alive. Defaults, each
 * settable (DATABASE_*_MS, service-config.ts):
 *   - connect 10 s (DATABASE_CONNECT_TIMEOUT_MS): a connect that gets no answer fails;
 *   - keepAlive (TCP, after 10 s idle): a half-open connection is noticed by the OS;
 *   - statement 60 s (DATABASE_STATEMENT_TIMEOUT_MS, server side) and the same + 10 s on the
 *     client (for a server that no longer answers at all): no statement of a unit of work takes
 *     that long when healthy;
 *   - idle in transaction 60 s (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS): a transaction whose
 *     client vanished mid-way releases its row locks (and the relay's cut-off) instead of
 *     holding them.
 */
export function createServicePool(
  config: Pick<ServiceConfig, 'databaseUrl' | 'databasePoolSize' | 'databaseTimeouts' | 'service' | 'instanceId'>,
  log: { warn(message: string, fields: Record<string, unknown>): void },
): Pool {
  const timeouts = config.databaseTimeouts;
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: config.databasePoolSize,
    application_name: `${config.service} ${config.instanceId}`.slice(0, 63),
    connectionTimeoutMillis: timeouts.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + 10_000,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  });
  // A connection the server drops (restart, failover, admin) while nothing runs on it emits
  // 'error': idle in the pool the pool hears it, checked out between two statements nobody
  // does — and an unheard 'error' event ends the process. Heard here, the connection's next
  // statement fails (an outage) and its holder destroys it.
  pool.on('error', (error) => log.warn('idle database connection lost', { error: String(error) }));
  pool.on('connect', (client) => client.on('error', (error) => log.warn('database connection lost', { error: String(error) })));
  return pool;
}
