import { ConfigError, loadConfig } from './config';

describe('simulator config', () => {
  it('has defaults that run the whole simulation', () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({
      kafkaBrokers: ['127.0.0.1:9092'],
      httpPort: 3900,
      erp: true,
      wms: true,
      tenants: 3,
      tenantPrefix: '',
      siteOperator: 'sim-3pl',
      ordersPerSecond: 5,
      timeScale: 60,
      wmsGroupId: 'lading-simulator-wms',
    });
    expect(config.orders).toBeUndefined();
  });

  it('draws a new seed each run unless one is given, so a second run is not deduplicated away', () => {
    const seeds = new Set([1, 2, 3, 4, 5].map(() => loadConfig([], {}).seed));
    expect(seeds.size).toBeGreaterThan(1);
    for (const seed of seeds) expect(Number.isSafeInteger(seed) && seed > 0).toBe(true);
    expect(loadConfig([], { SIMULATOR_SEED: '7' }).seed).toBe(7);
  });

  it('takes flags over environment variables over defaults, in both flag spellings', () => {
    const config = loadConfig(['--tenants', '5', '--seed=42', '--orders', '100'], { SIMULATOR_TENANTS: '2', SIMULATOR_TIME_SCALE: '3600', SIMULATOR_SYSTEMS: 'wms', KAFKA_BROKERS: 'a:1,b:2', SIMULATOR_SITE_OPERATOR: 'acme-3pl' });
    expect(config).toMatchObject({ tenants: 5, seed: 42, orders: 100, timeScale: 3600, erp: false, wms: true, kafkaBrokers: ['a:1', 'b:2'], siteOperator: 'acme-3pl' });
    expect(loadConfig(['--site-operator', 'dhl'], { SIMULATOR_SITE_OPERATOR: 'acme-3pl' }).siteOperator).toBe('dhl');
  });

  it.each([
    [['--tenants', '0'], {}, /SIMULATOR_TENANTS \(--tenants\) must be an integer ≥ 1, got '0'/],
    [[], { SIMULATOR_ORDERS_PER_SECOND: 'fast' }, /SIMULATOR_ORDERS_PER_SECOND \(--orders-per-second\) must be a number ≥ 0, got 'fast'/],
    [['--orders-per-second', '0'], {}, /as fast as possible and needs SIMULATOR_ORDERS \(--orders\)/],
    [['--shortage-rate', '1.5'], {}, /SIMULATOR_SHORTAGE_RATE \(--shortage-rate\) must be a share between 0 and 1/],
    [['--time-scale', '0'], {}, /SIMULATOR_TIME_SCALE \(--time-scale\) must be a number > 0/],
    [['--seed', '1.5'], {}, /SIMULATOR_SEED \(--seed\) must be an integer/],
    [[], { SIMULATOR_HTTP_PORT: '70000' }, /SIMULATOR_HTTP_PORT \(--http-port\) must be a port/],
    [['--systems', 'erp,tms'], {}, /SIMULATOR_SYSTEMS \(--systems\) must list erp and\/or wms/],
    [[], { KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS \(--kafka-brokers\) must be host:port/],
    [['--tenant-prefix', 'a b'], {}, /SIMULATOR_TENANT_PREFIX \(--tenant-prefix\)/],
    [['--site-operator', 'acme/3pl'], {}, /SIMULATOR_SITE_OPERATOR \(--site-operator\) may hold only/],
    [['--bogus', '1'], {}, /unknown argument '--bogus'/],
    [['--tenants'], {}, /--tenants needs a value/],
  ])('refuses %j %j naming the setting', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadConfig(argv, env)).toThrow(message);
  });
});
