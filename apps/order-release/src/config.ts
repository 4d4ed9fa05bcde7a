import { TenantApiKeys } from '@lading/tenancy';

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

export interface OrderReleaseConfig {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
  httpPort: number;
  /** the consumer group: instances of order-release share its partitions */
  groupId: string;
  /** where a new group starts: the whole history (production) or only what comes next (tests) */
  fromBeginning: boolean;
  eventStoreSchema: string;
  readModelSchema: string;
  apiKeys: TenantApiKeys;
  /**
   * At most this many consecutive messages of a partition are decided together in one
   * PostgreSQL transaction (and at most this many due re-evaluations per timer batch). A unit
   * locks the rows all its decisions read once, in one common order, so units never deadlock;
   * larger units mean fewer statements and commits per order, and longer lock holds. Units are
   * only as large as the backlog: a quiet partition commits each message as it comes.
   */
  unitOfWorkSize: number;
  /**
   * Most messages decided in one transaction: the units of all partitions waiting while the
   * previous transaction ran are committed together (group commit), one transaction at a time.
   */
  groupCommitSize: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  instanceId: string;
  /** how many PostgreSQL connections this instance may hold */
  databasePoolSize: number;
  /** how often held orders with stock on hand are re-evaluated (anti-entropy), seconds */
  sweepSeconds: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return value;
}

function identifier(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new ConfigError(`${name} must be a lower-case SQL identifier, got '${value}'`);
  return value;
}

/** Parsed and validated once at start-up; fails fast naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrderReleaseConfig {
  const level = (env.LOG_LEVEL ?? 'info') as OrderReleaseConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got '${level}'`);
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading';
  try {
    new URL(databaseUrl);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a URL: '${databaseUrl}'`);
  }
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...], got '${env.KAFKA_BROKERS}'`);
  let apiKeys: TenantApiKeys;
  try {
    apiKeys = TenantApiKeys.parse(env.LADING_API_KEYS);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    kafkaBrokers: brokers,
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    databaseUrl,
    httpPort: integer(env, 'ORDER_RELEASE_HTTP_PORT', 3101, 0, 65535),
    groupId: env.ORDER_RELEASE_GROUP_ID || 'order-release',
    fromBeginning: (env.ORDER_RELEASE_FROM_BEGINNING ?? 'true') !== 'false',
    eventStoreSchema: identifier(env, 'EVENT_STORE_SCHEMA', 'event_store'),
    readModelSchema: identifier(env, 'ORDER_RELEASE_SCHEMA', 'order_release'),
    apiKeys,
    unitOfWorkSize: integer(env, 'ORDER_RELEASE_UNIT_OF_WORK_SIZE', 200, 1, 1000),
    groupCommitSize: integer(env, 'ORDER_RELEASE_GROUP_COMMIT_SIZE', 1000, 1, 10_000),
    logLevel: level,
    instanceId: env.HOSTNAME_OVERRIDE || env.HOSTNAME || `order-release-${process.pid}`,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 2, 200),
    sweepSeconds: integer(env, 'ORDER_RELEASE_SWEEP_SECONDS', 60, 1, 86_400),
  };
}
