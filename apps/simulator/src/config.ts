import { randomInt } from 'node:crypto';
/** Everything the simulator can be told, parsed and checked once at start. */
export interface SimulatorConfig {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  clientId: string;
  httpPort: number;
  /** Which external systems to play. */
  erp: boolean;
  wms: boolean;
  seed: number;
  tenants: number;
  /**
   * Prepended to tenant ids and the site operator's id (only: order numbers, customer ids and
   * SKUs are the same in every tenant and run), so runs sharing a broker stay apart.
   */
  tenantPrefix: string;
  /** Id of the 3PL that runs the sites and reports their status, before `tenantPrefix`. */
  siteOperator: string;
  /** Orders per second of wall-clock time; 0 = as fast as possible (needs `orders`). */
  ordersPerSecond: number;
  /** Stop placing after this many orders; endless when absent. */
  orders?: number;
  /** Simulated seconds per wall-clock second: 60 turns a 90-minute pick into 90 s. */
  timeScale: number;
  creditHoldRate: number;
  amendmentRate: number;
  cancellationRate: number;
  invalidOrderRate: number;
  allowPartialRate: number;
  duplicateRate: number;
  shortageRate: number;
  outOfStockRate: number;
  /** Chance per site per simulated day of an unplanned closure of 1–4 hours. */
  siteClosureRate: number;
  /** Multiplies every site's daily order capacity. */
  capacityScale: number;
  /** every site releases around the clock (see WorldConfig.roundTheClock) */
  roundTheClock: boolean;
  /** the WMS receives stock for SKUs below their reorder point every simulated hour */
  restock: boolean;
  /** Consumer group of the WMS on wms.commands.v1. */
  wmsGroupId: string;
  /** Seconds between progress log lines. */
  progressIntervalSeconds: number;
}

interface Option {
  flag: string;
  env: string;
  help: string;
  default?: string;
}

/** Flag, environment variable and default of every setting; a flag wins over the variable. */
export const OPTIONS = {
  kafkaBrokers: { flag: '--kafka-brokers', env: 'KAFKA_BROKERS', default: '127.0.0.1:9092', help: 'comma-separated bootstrap brokers' },
  schemaRegistryUrl: { flag: '--schema-registry-url', env: 'SCHEMA_REGISTRY_URL', default: 'http://127.0.0.1:8081/apis/ccompat/v7', help: 'Confluent-compatible registry API' },
  clientId: { flag: '--client-id', env: 'SIMULATOR_CLIENT_ID', default: 'lading-simulator', help: 'Kafka client id' },
  httpPort: { flag: '--http-port', env: 'SIMULATOR_HTTP_PORT', default: '3900', help: 'port of /health, /ready, /metrics, /wms/*; 0 picks a free one' },
  systems: { flag: '--systems', env: 'SIMULATOR_SYSTEMS', default: 'erp,wms', help: 'systems to play: erp, wms or both' },
  seed: {
    flag: '--seed',
    env: 'SIMULATOR_SEED',
    help: 'integer seed; the same seed gives the same facts, event ids and order numbers (default: a new one each run, logged at start)',
  },
  tenants: { flag: '--tenants', env: 'SIMULATOR_TENANTS', default: '3', help: 'number of tenants' },
  tenantPrefix: { flag: '--tenant-prefix', env: 'SIMULATOR_TENANT_PREFIX', default: '', help: 'prefix of tenant ids and the site operator id, e.g. "run7-"' },
  siteOperator: {
    flag: '--site-operator',
    env: 'SIMULATOR_SITE_OPERATOR',
    default: 'sim-3pl',
    help: 'id of the operator that runs the sites and reports their status (after the tenant prefix)',
  },
  ordersPerSecond: { flag: '--orders-per-second', env: 'SIMULATOR_ORDERS_PER_SECOND', default: '5', help: 'wall-clock order rate; 0 = as fast as possible (needs --orders)' },
  orders: { flag: '--orders', env: 'SIMULATOR_ORDERS', help: 'stop placing after N orders (default: endless)' },
  timeScale: { flag: '--time-scale', env: 'SIMULATOR_TIME_SCALE', default: '60', help: 'simulated seconds per wall-clock second' },
  creditHoldRate: { flag: '--credit-hold-rate', env: 'SIMULATOR_CREDIT_HOLD_RATE', default: '0.05', help: 'share of orders placed under a credit hold' },
  amendmentRate: { flag: '--amendment-rate', env: 'SIMULATOR_AMENDMENT_RATE', default: '0.1', help: 'share of orders amended' },
  cancellationRate: { flag: '--cancellation-rate', env: 'SIMULATOR_CANCELLATION_RATE', default: '0.05', help: 'share of orders cancelled' },
  invalidOrderRate: { flag: '--invalid-order-rate', env: 'SIMULATOR_INVALID_ORDER_RATE', default: '0.01', help: 'share of orders with a bad line or address' },
  allowPartialRate: { flag: '--allow-partial-rate', env: 'SIMULATOR_ALLOW_PARTIAL_RATE', default: '0.3', help: 'share of orders that allow partial shipment' },
  duplicateRate: { flag: '--duplicate-rate', env: 'SIMULATOR_DUPLICATE_RATE', default: '0', help: 'share of ERP facts published twice (same event id)' },
  shortageRate: { flag: '--shortage-rate', env: 'SIMULATOR_SHORTAGE_RATE', default: '0.02', help: 'chance a picked line comes up short' },
  outOfStockRate: { flag: '--out-of-stock-rate', env: 'SIMULATOR_OUT_OF_STOCK_RATE', default: '0.05', help: 'share of sku@site that start empty' },
  siteClosureRate: { flag: '--site-closure-rate', env: 'SIMULATOR_SITE_CLOSURE_RATE', default: '0', help: 'chance per site per simulated day of a 1–4 h closure' },
  roundTheClock: {
    flag: '--round-the-clock',
    env: 'SIMULATOR_ROUND_THE_CLOCK',
    default: 'false',
    help: 'true: every site releases 24 h a day, so a run does not depend on the hour it starts at',
  },
  restock: { flag: '--restock', env: 'SIMULATOR_RESTOCK', default: 'true', help: 'false: stock only goes down (receipts off), so a run can settle' },
  capacityScale: { flag: '--capacity-scale', env: 'SIMULATOR_CAPACITY_SCALE', default: '1', help: "multiplies each site's daily order capacity (400–1,200)" },
  wmsGroupId: { flag: '--wms-group', env: 'SIMULATOR_WMS_GROUP', default: 'lading-simulator-wms', help: 'consumer group of the WMS on wms.commands.v1' },
  progressIntervalSeconds: { flag: '--progress-interval', env: 'SIMULATOR_PROGRESS_INTERVAL', default: '5', help: 'seconds between progress log lines' },
} satisfies Record<string, Option>;

type OptionName = keyof typeof OPTIONS;

/** A setting that cannot be used; the message names the flag and the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function usage(): string {
  return [
    'usage: node -r @swc-node/register apps/simulator/src/main.ts [flags]',
    '',
    ...Object.values(OPTIONS).map((o: Option) => `  ${`${o.flag} <value>`.padEnd(30)} ${o.env.padEnd(30)} ${o.help}${o.default !== undefined && o.default !== '' ? ` (default ${o.default})` : ''}`),
  ].join('\n');
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const byFlag = new Map<string, Option>(Object.values(OPTIONS).map((o: Option) => [o.flag, o]));
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!byFlag.has(flag)) throw new ConfigError(`unknown argument '${arg}'\n${usage()}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    values.set(flag, value);
  }
  return values;
}

/**
 * Reads flags (`--tenants 3` or `--tenants=3`) over environment variables over defaults, and
 * fails on the first unusable value with a message naming both the flag and the variable.
 */
export function loadConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const flags = parseFlags(argv);
  const raw = (name: OptionName): string | undefined => {
    const option: Option = OPTIONS[name];
    const value = flags.get(option.flag) ?? env[option.env];
    return value === undefined || value.trim() === '' ? option.default : value.trim();
  };
  const where = (name: OptionName) => `${OPTIONS[name].env} (${OPTIONS[name].flag})`;
  const number = (name: OptionName, check: (n: number) => boolean, expected: string): number => {
    const text = raw(name);
    const value = Number(text);
    if (text === undefined || !Number.isFinite(value) || !check(value)) throw new ConfigError(`${where(name)} must be ${expected}, got '${text ?? ''}'`);
    return value;
  };
  const integer = (name: OptionName, min: number) => number(name, (n) => Number.isInteger(n) && n >= min, `an integer ≥ ${min}`);
  const flag = (name: OptionName): boolean => {
    const text = (raw(name) ?? '').toLowerCase();
    if (text !== 'true' && text !== 'false') throw new ConfigError(`${where(name)} must be true or false, got '${raw(name) ?? ''}'`);
    return text === 'true';
  };
  const rate = (name: OptionName) => number(name, (n) => n >= 0 && n <= 1, 'a share between 0 and 1');

  const systems = (raw('systems') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = systems.filter((s) => s !== 'erp' && s !== 'wms');
  if (systems.length === 0 || unknown.length > 0) throw new ConfigError(`${where('systems')} must list erp and/or wms, got '${raw('systems') ?? ''}'`);

  const brokers = (raw('kafkaBrokers') ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^\s:]+:\d+$/.test(b))) throw new ConfigError(`${where('kafkaBrokers')} must be host:port[,host:port], got '${raw('kafkaBrokers') ?? ''}'`);

  const registry = raw('schemaRegistryUrl') ?? '';
  if (!/^https?:\/\/\S+$/.test(registry)) throw new ConfigError(`${where('schemaRegistryUrl')} must be an http(s) URL, got '${registry}'`);

  const tenantPrefix = raw('tenantPrefix') ?? '';
  if (!/^[A-Za-z0-9._-]*$/.test(tenantPrefix)) throw new ConfigError(`${where('tenantPrefix')} may hold only letters, digits, '.', '_' and '-', got '${tenantPrefix}'`);

  const siteOperator = raw('siteOperator') ?? 'sim-3pl';
  if (!/^[A-Za-z0-9._-]+$/.test(siteOperator)) throw new ConfigError(`${where('siteOperator')} may hold only letters, digits, '.', '_' and '-', got '${siteOperator}'`);

  const orders = raw('orders') === undefined ? undefined : integer('orders', 1);
  const ordersPerSecond = number('ordersPerSecond', (n) => n >= 0, 'a number ≥ 0');
  if (ordersPerSecond === 0 && orders === undefined) throw new ConfigError(`${where('ordersPerSecond')} = 0 places orders as fast as possible and needs ${where('orders')} to stop`);

  return {
    kafkaBrokers: brokers,
    schemaRegistryUrl: registry,
    clientId: raw('clientId') ?? 'lading-simulator',
    httpPort: number('httpPort', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port 0–65535'),
    erp: systems.includes('erp'),
    wms: systems.includes('wms'),
    // Event ids and order numbers derive from the seed: a fresh seed per run keeps a second run
    // from being deduplicated away against the same event store.
    seed: raw('seed') === undefined ? randomInt(1, 2 ** 31) : number('seed', Number.isSafeInteger, 'an integer'),
    tenants: integer('tenants', 1),
    tenantPrefix,
    siteOperator,
    ordersPerSecond,
    orders,
    timeScale: number('timeScale', (n) => n > 0, 'a number > 0'),
    creditHoldRate: rate('creditHoldRate'),
    amendmentRate: rate('amendmentRate'),
    cancellationRate: rate('cancellationRate'),
    invalidOrderRate: rate('invalidOrderRate'),
    allowPartialRate: rate('allowPartialRate'),
    duplicateRate: rate('duplicateRate'),
    shortageRate: rate('shortageRate'),
    outOfStockRate: rate('outOfStockRate'),
    siteClosureRate: rate('siteClosureRate'),
    capacityScale: number('capacityScale', (n) => n > 0, 'a number > 0'),
    roundTheClock: flag('roundTheClock'),
    restock: flag('restock'),
    wmsGroupId: raw('wmsGroupId') || 'lading-simulator-wms',
    progressIntervalSeconds: number('progressIntervalSeconds', (n) => n > 0, 'a number of seconds > 0'),
  };
}
