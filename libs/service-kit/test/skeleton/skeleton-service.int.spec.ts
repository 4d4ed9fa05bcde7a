import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Pool } from 'pg';
import { keyOf, schemaVersions, type OrderPlaced } from '@lading/contracts';
import { createAvroSerde } from '@lading/schema-registry';
import { TenantApiKeys } from '@lading/tenancy';
import { createTestSchema, startGroupAtEnd, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueName, waitUntil } from '@lading/testing';
import { startService, streamIdOf, type RunningService } from '../../src';
import { orderAcknowledgementService } from './main';

// The skeleton service, started by the kit against the real broker, registry and PostgreSQL:
// records in, decisions in the event store, the HTTP API, /ready and /metrics — and a
// configuration error that names its variable before anything starts.

jest.setTimeout(120_000);

const run = uniqueName('skeleton').replace(/[^a-z0-9]/gi, '').toLowerCase();
const tenants = { a: `${run}-a`, b: `${run}-b` };
let service: RunningService | undefined;
let dropSchema: () => Promise<void>;
let schema: string;

beforeAll(async () => {
  ({ schema, drop: dropSchema } = await createTestSchema('es_skeleton'));
  const groupId = `order-acknowledgement-${run}`;
  const admin = new Kafka({ clientId: run, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await startGroupAtEnd(admin, groupId, ['erp.orders.v1']);
  await admin.disconnect();
  service = await startService(orderAcknowledgementService, {
    env: {
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      DATABASE_URL: testDatabaseUrl(),
      LOG_LEVEL: 'warn',
    },
    config: { httpPort: 0, groupId, eventStoreSchema: schema, readModelSchema: schema, apiKeys: new TenantApiKeys([{ tenantId: tenants.a, apiKey: 'key-of-tenant-a' }, { tenantId: tenants.b, apiKey: 'key-of-tenant-b' }]) },
  });
  await waitUntil('the skeleton joined its group', () => service!.transport.isReady(), { timeoutMs: 60_000 });
});

afterAll(async () => {
  await service?.stop();
  await dropSchema?.();
});

function placed(tenantId: string, orderId: string): OrderPlaced {
  return {
    meta: { eventId: randomUUID(), tenantId, correlationId: orderId, causationId: null, occurredAt: Date.now(), recordedAt: null, sourceSystem: 'ERP', schemaVersion: schemaVersions['lading.erp.OrderPlaced'] },
    orderId,
    customerId: 'C0001',
    siteId: 'US-NJ1',
    lines: [{ lineNumber: 1, sku: 'BOLT-0001', quantity: { value: 2, unit: 'EACH' }, unitPrice: null }],
    shipTo: { name: 'Harbor Hardware', line1: '1 Dock St', line2: null, city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US', residential: false, timeZone: null },
    promisedDeliveryAt: Date.now() + 86_400_000,
    orderTotal: null,
    fulfilmentPolicy: 'SHIP_COMPLETE',
    hazmat: false,
    liftgateRequired: false,
  };
}

describe('a service built from the kit alone', () => {
  it('given two tenants placing order SO-1, when the records arrive, then each is acknowledged in its own stream and each API key sees only its own', async () => {
    const serde = createAvroSerde({ registryUrl: testSchemaRegistryUrl() });
    const producer = new Kafka({ clientId: run, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const tenantId of [tenants.a, tenants.b]) {
      const value = placed(tenantId, 'SO-1');
      await producer.send({ topic: 'erp.orders.v1', acks: -1, messages: [{ key: keyOf('erp.orders.v1', value), value: await serde.encode('erp.orders.v1', 'lading.erp.OrderPlaced', value) }] });
    }
    await producer.disconnect();

    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
    try {
      await waitUntil('both orders acknowledged', async () => {
        const { rows } = await pool.query(`select stream_id from "${schema}".events where event_type = 'OrderAcknowledged' and tenant_id = any($1::text[])`, [[tenants.a, tenants.b]]);
        return rows.length === 2;
      }, { timeoutMs: 60_000 });
      const { rows } = await pool.query(`select stream_id, tenant_id from "${schema}".events where tenant_id = any($1::text[]) order by tenant_id`, [[tenants.a, tenants.b]]);
      expect(rows).toEqual([
        { stream_id: streamIdOf(tenants.a, 'order-acknowledgement', 'SO-1'), tenant_id: tenants.a },
        { stream_id: streamIdOf(tenants.b, 'order-acknowledgement', 'SO-1'), tenant_id: tenants.b },
      ]);
    } finally {
      await pool.end();
    }

    const get = (path: string, key?: string) => fetch(`${service!.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    const mine = await get('/v1/orders/SO-1/acknowledgement', 'key-of-tenant-a');
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({ orderId: 'SO-1', status: 'Acknowledged', lines: 1 });
    expect((await get('/v1/orders/SO-2/acknowledgement', 'key-of-tenant-a')).status).toBe(404);
    expect((await get('/v1/orders/SO-1/acknowledgement')).status).toBe(401);
    expect((await get('/ready')).status).toBe(200);
    expect((await get('/health')).status).toBe(200);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/lading_decisions_total\{stream_type="order-acknowledgement",event_type="OrderAcknowledged",service="order-acknowledgement"\} [1-9]/);
  });

  it('given a bad variable, then the service refuses to start, naming it, before touching anything', async () => {
    await expect(startService(orderAcknowledgementService, { env: { ORDER_ACKNOWLEDGEMENT_HTTP_PORT: 'eighty' } })).rejects.toThrow(
      /ORDER_ACKNOWLEDGEMENT_HTTP_PORT must be an integer from 0 to 65535, got 'eighty'/,
    );
  });
});
