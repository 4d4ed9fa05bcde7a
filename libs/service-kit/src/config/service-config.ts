import { SiteDirectory, TenantApiKeys } from '@lading/tenancy';
import { setting } from './settings';

type Env = Readonly<Record<string, string | undefined>>;

/** What every Lading service is configured with (environment, parsed and validated once). */
export interface ServiceConfig {
  /** The service's name: consumer group default, inbox consumer, timer prefix, metrics label. */
  service: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
  /** how many PostgreSQL connections this instance may hold */
  databasePoolSize: number;
  /** PostgreSQL timeouts (database-pool.ts says what each guards against) */
  databaseTimeouts: DatabaseTimeouts;
  eventStoreSchema: string;
  /** the schema of this service's read models (DESIGN §5) */
  readModelSchema: string;
  httpPort: number;
  /** the consumer group: instances of the service share its partitions */
  groupId: string;
  /** where a new group starts: the whole history (production) or only what comes next (tests) */
  fromBeginning: boolean;
  /** most consecutive messages of one partition in one unit of work */
  unitOfWorkSize: number;
  /** most messages in one group-committed transaction (the units of all partitions waiting) */
  groupCommitSize: number;
  /** an outbox relay leader whose heartbeat is older than this is replaced (event-store README) */
  relayLeaseMs: number;
  apiKeys: TenantApiKeys;
  sites: SiteDirectory;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  instanceId: string;
}

export interface DatabaseTimeouts {
  /** a connect that gets no answer fails after this */
  connectMs: number;
  /** the server cancels a statement after this; the client gives up 10 s later */
  statementMs: number;
  /** the server ends a session idle inside a transaction after this */
  idleInTransactionMs: number;
}

/** `order-release` → `ORDER_RELEASE`: the prefix of a service's own variables. */
export function envPrefixOf(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The common configuration of `service` from `env`. Shared variables: KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL, DATABASE_URL, DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT_MS,
 * DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, EVENT_STORE_SCHEMA, LADING_API_KEYS,
 * LADING_SITES, LOG_LEVEL, HOSTNAME; the service's own, with its prefix (`ORDER_RELEASE_`):
 * _HTTP_PORT, _GROUP_ID, _FROM_BEGINNING, _SCHEMA, _UNIT_OF_WORK_SIZE, _GROUP_COMMIT_SIZE, _RELAY_LEASE_MS.
 * Throws a ConfigError naming the variable.
 */
export function loadServiceConfig(service: string, env: Env, defaults: { httpPort: number }): ServiceConfig {
  const p = envPrefixOf(service);
  return {
    service,
    kafkaBrokers: setting.brokers(env, 'KAFKA_BROKERS', '127.0.0.1:9092'),
    schemaRegistryUrl: setting.url(env, 'SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8081/apis/ccompat/v7'),
    databaseUrl: setting.url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/lading'),
    databasePoolSize: setting.integer(env, 'DATABASE_POOL_SIZE', 10, 2, 200),
    databaseTimeouts: {
      connectMs: setting.integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 10_000, 500, 600_000),
      statementMs: setting.integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
      idleInTransactionMs: setting.integer(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
    },
    eventStoreSchema: setting.identifier(env, 'EVENT_STORE_SCHEMA', 'event_store'),
    readModelSchema: setting.identifier(env, `${p}_SCHEMA`, service.replace(/-/g, '_')),
    httpPort: setting.integer(env, `${p}_HTTP_PORT`, defaults.httpPort, 0, 65535),
    groupId: env[`${p}_GROUP_ID`] || service,
    fromBeginning: setting.boolean(env, `${p}_FROM_BEGINNING`, true),
    unitOfWorkSize: setting.integer(env, `${p}_UNIT_OF_WORK_SIZE`, 200, 1, 1000),
    groupCommitSize: setting.integer(env, `${p}_GROUP_COMMIT_SIZE`, 1000, 1, 10_000),
    relayLeaseMs: setting.integer(env, `${p}_RELAY_LEASE_MS`, 30_000, 1_000, 600_000),
    apiKeys: setting.parsed(env, 'LADING_API_KEYS', (raw) => TenantApiKeys.parse(raw)),
    sites: setting.parsed(env, 'LADING_SITES', (raw) => SiteDirectory.parse(raw)),
    logLevel: setting.oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    instanceId: env.HOSTNAME_OVERRIDE || env.HOSTNAME || `${service}-${process.pid}`,
  };
}
