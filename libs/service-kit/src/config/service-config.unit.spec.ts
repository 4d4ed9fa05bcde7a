import { ConfigError } from './settings';
import { envPrefixOf, loadServiceConfig } from './service-config';

describe('service configuration, parsed once', () => {
  it('given no variables, then every setting has its default and the service name picks group, schema and prefix', () => {
    const config = loadServiceConfig('shipment-planning', {}, { httpPort: 3102 });
    expect(config).toMatchObject({
      service: 'shipment-planning',
      kafkaBrokers: ['127.0.0.1:9092'],
      httpPort: 3102,
      groupId: 'shipment-planning',
      readModelSchema: 'shipment_planning',
      eventStoreSchema: 'event_store',
      fromBeginning: true,
      unitOfWorkSize: 200,
      groupCommitSize: 1000,
      logLevel: 'info',
    });
    expect(config.sites.isOpen).toBe(true);
    expect(envPrefixOf('shipment-planning')).toBe('SHIPMENT_PLANNING');
  });

  it("given the service's own variables, then they are read with its prefix", () => {
    const config = loadServiceConfig(
      'order-release',
      { ORDER_RELEASE_HTTP_PORT: '0', ORDER_RELEASE_GROUP_ID: 'or-test', ORDER_RELEASE_FROM_BEGINNING: 'false', ORDER_RELEASE_SCHEMA: 'orr_1', KAFKA_BROKERS: 'a:1, b:2' },
      { httpPort: 3101 },
    );
    expect(config).toMatchObject({ httpPort: 0, groupId: 'or-test', fromBeginning: false, readModelSchema: 'orr_1', kafkaBrokers: ['a:1', 'b:2'] });
  });

  it.each([
    [{ ORDER_RELEASE_HTTP_PORT: '70000' }, /ORDER_RELEASE_HTTP_PORT must be an integer from 0 to 65535, got '70000'/],
    [{ ORDER_RELEASE_FROM_BEGINNING: 'yes' }, /ORDER_RELEASE_FROM_BEGINNING must be true or false, got 'yes'/],
    [{ ORDER_RELEASE_SCHEMA: 'Order-Release' }, /ORDER_RELEASE_SCHEMA must be a lower-case SQL identifier/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS must be host:port/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be debug, info, warn, error; got 'loud'/],
    [{ LADING_API_KEYS: 'acme:short' }, /LADING_API_KEYS: 'acme:short' must be tenant=key/],
    [{ LADING_SITES: '{' }, /LADING_SITES is not JSON/],
  ])('given %p, then the service refuses to start, naming the variable', (env, message) => {
    expect(() => loadServiceConfig('order-release', env, { httpPort: 3101 })).toThrow(ConfigError);
    expect(() => loadServiceConfig('order-release', env, { httpPort: 3101 })).toThrow(message);
  });
});
