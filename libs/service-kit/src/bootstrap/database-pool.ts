import { Pool } from 'pg';
import type { ServiceConfig } from '../config/service-config';

/**
 * The service's PostgreSQL pool. The timeouts turn a hung database into errors the runtime can
 * handle (retry, then /ready red) instead of a unit of work waiting forever while Kafka
 * heartbeats keep the group alive:
 *   - connectionTimeoutMillis 10 s: a connect that gets no answer fails;
 *   - keepAlive (TCP, after 10 s idle): a half-open connection is noticed by the OS;
 *   - statement_timeout 60 s (server) and query_timeout 70 s (client, for a server that no
 *     longer answers at all): no statement of a unit of work takes that long when healthy;
 *   - idle_in_transaction_session_timeout 60 s: a transaction whose client vanished mid-way
 *     releases its row locks (and the relay's cut-off) instead of holding them.
 */
export function createServicePool(config: Pick<ServiceConfig, 'databaseUrl' | 'databasePoolSize' | 'service' | 'instanceId'>): Pool {
  return new Pool({
    connectionString: config.databaseUrl,
    max: config.databasePoolSize,
    application_name: `${config.service} ${config.instanceId}`.slice(0, 63),
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    statement_timeout: 60_000,
    query_timeout: 70_000,
    idle_in_transaction_session_timeout: 60_000,
  });
}
