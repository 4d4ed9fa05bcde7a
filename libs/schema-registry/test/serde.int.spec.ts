import { randomUUID } from 'node:crypto';
import { recordSchemas, type OrderPlaced, type RecordTypeName, type TopicSpec } from '@lading/contracts';
import { isRetriable, NonRetriableError } from '@lading/errors';
import { testSchemaRegistryUrl, uniqueName } from '@lading/testing';
import {
  createAvroSerde,
  createRegistryAdmin,
  RecordTypeNotAllowedError,
  registerSchemas,
  RegistryUnavailableError,
  SchemaNotRegisteredError,
  SchemaValidationError,
  subjectFor,
  UnknownSchemaIdError,
  WrongMagicByteError,
} from '../src';

const registryUrl = testSchemaRegistryUrl();

function testTopic(recordTypes: RecordTypeName[]): TopicSpec {
  return {
    name: `${uniqueName('test')}.orders.v1`,
    keyField: 'orderId',
    keyDescription: 'order id',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 60_000,
    recordTypes,
    producedBy: 'test',
    alsoProducedBy: [],
    consumedBy: ['test'],
  };
}

async function register(topic: TopicSpec): Promise<void> {
  await registerSchemas(
    createRegistryAdmin(registryUrl),
    topic.recordTypes.map((recordType) => ({
      topic: topic.name,
      recordType,
      subject: subjectFor(topic.name, recordType),
      schema: JSON.stringify(recordSchemas[recordType as RecordTypeName]),
    })),
  );
}

function orderPlaced(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  const line = (lineNumber: number, sku: string, value: number) => ({ lineNumber, sku, quantity: { value, unit: 'EACH' as const }, unitPrice: { amount: '19.99', currency: 'EUR' } });
  return {
    meta: {
      eventId: randomUUID(),
      tenantId: 'tenant-acme',
      correlationId: 'SO-1001',
      causationId: null,
      occurredAt: Date.UTC(2026, 10, 27, 9, 30),
      recordedAt: null,
      sourceSystem: 'ERP',
      schemaVersion: 1,
    },
    orderId: 'SO-1001',
    customerId: 'C-42',
    siteId: 'DC-1',
    lines: [line(1, 'A-100', 3), line(2, 'B-200', 1)],
    shipTo: { name: 'Ada Lovelace', line1: 'Hauptstr. 1', line2: null, city: 'Berlin', region: null, postalCode: '10115', countryCode: 'DE', residential: true, timeZone: 'Europe/Berlin' },
    promisedDeliveryAt: Date.UTC(2026, 10, 30, 18),
    fulfilmentPolicy: 'SHIP_COMPLETE',
    orderTotal: { amount: '-1234567.8912', currency: 'EUR' },
    hazmat: false,
    liftgateRequired: true,
    ...overrides,
  };
}

describe('Avro serde (Confluent wire format, real registry)', () => {
  const orders = testTopic(['lading.erp.OrderPlaced', 'lading.erp.OrderCancelled']);
  const other = testTopic(['lading.erp.OrderAmended']);
  const serde = createAvroSerde({ registryUrl, catalog: [orders, other] });

  beforeAll(async () => {
    await register(orders);
  });

  it('round-trips an OrderPlaced: magic byte, schema id, exact decimals, enums, nullables', async () => {
    const value = orderPlaced();
    const bytes = await serde.encode(orders.name, 'lading.erp.OrderPlaced', value);
    expect(bytes[0]).toBe(0);
    const decoded = await serde.decode(orders.name, bytes);
    expect(decoded).toEqual({ recordType: 'lading.erp.OrderPlaced', schemaId: bytes.readInt32BE(1), value });
    // a fresh serde (cold caches) reads it too
    expect((await createAvroSerde({ registryUrl, catalog: [orders] }).decode(orders.name, bytes)).value).toEqual(value);
  });

  it('refuses a value that does not match the schema, naming the fields', async () => {
    const bad = orderPlaced({ meta: { ...orderPlaced().meta, eventId: 'not-a-uuid' }, orderTotal: { amount: '1.23456', currency: 'EUR' } });
    const attempt = serde.encode(orders.name, 'lading.erp.OrderPlaced', bad);
    await expect(attempt).rejects.toBeInstanceOf(SchemaValidationError);
    await expect(attempt).rejects.toThrow(/field 'meta.eventId' = "not-a-uuid" is not a valid uuid; field 'orderTotal.amount' = "1.23456" is not a valid decimal/);
  });

  it('refuses a wrong magic byte and a too-short message with WRONG_MAGIC_BYTE', async () => {
    const bytes = await serde.encode(orders.name, 'lading.erp.OrderPlaced', orderPlaced());
    bytes[0] = 7;
    const wrong = serde.decode(orders.name, bytes);
    await expect(wrong).rejects.toBeInstanceOf(WrongMagicByteError);
    await expect(wrong).rejects.toThrow(/magic byte 7, expected 0/);
    await expect(serde.decode(orders.name, Buffer.from('{"orderId":1}'))).rejects.toMatchObject({ code: 'WRONG_MAGIC_BYTE', retriable: false });
    await expect(serde.decode(orders.name, Buffer.from([0, 0]))).rejects.toMatchObject({ code: 'WRONG_MAGIC_BYTE' });
  });

  it('refuses an unknown schema id with UNKNOWN_SCHEMA_ID', async () => {
    const bytes = await serde.encode(orders.name, 'lading.erp.OrderPlaced', orderPlaced());
    bytes.writeInt32BE(2_000_000_000, 1);
    const attempt = serde.decode(orders.name, bytes);
    await expect(attempt).rejects.toBeInstanceOf(UnknownSchemaIdError);
    await expect(attempt).rejects.toThrow(/schema id 2000000000/);
  });

  it('refuses a record type the catalog does not allow on the topic, on encode and on decode', async () => {
    const encode = serde.encode(other.name, 'lading.erp.OrderPlaced', orderPlaced());
    await expect(encode).rejects.toBeInstanceOf(RecordTypeNotAllowedError);
    await expect(encode).rejects.toThrow(`record type lading.erp.OrderPlaced is not allowed on ${other.name} (allowed: lading.erp.OrderAmended)`);
    // an OrderPlaced framed for `orders` that lands on `other`
    const bytes = await serde.encode(orders.name, 'lading.erp.OrderPlaced', orderPlaced());
    await expect(serde.decode(other.name, bytes)).rejects.toMatchObject({ code: 'RECORD_TYPE_NOT_ALLOWED', retriable: false });
  });

  it('refuses to encode with a schema that was never registered', async () => {
    const unregistered = testTopic(['lading.erp.OrderPlaced']);
    const attempt = createAvroSerde({ registryUrl, catalog: [unregistered] }).encode(unregistered.name, 'lading.erp.OrderPlaced', orderPlaced());
    await expect(attempt).rejects.toBeInstanceOf(SchemaNotRegisteredError);
  });

  it('reports an unreachable registry as retriable', async () => {
    const bytes = await serde.encode(orders.name, 'lading.erp.OrderPlaced', orderPlaced());
    const offline = createAvroSerde({ registryUrl: 'http://127.0.0.1:9/apis/ccompat/v7', catalog: [orders] });
    const attempt = offline.decode(orders.name, bytes);
    await expect(attempt).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(attempt.catch((e: unknown) => isRetriable(e))).resolves.toBe(true);
    await expect(offline.encode(orders.name, 'lading.erp.OrderPlaced', orderPlaced())).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retriable: true });
  });

  it('types every refusal as non-retriable', async () => {
    await expect(serde.decode(orders.name, Buffer.from([1, 0, 0, 0, 1]))).rejects.toBeInstanceOf(NonRetriableError);
  });
});
