import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { recordSchemas, type OrderPlaced, type TopicSpec } from '@lading/contracts';
import { connectionSettings } from '@lading/infra';
import { avroType, createAvroSerde, createRegistryAdmin, registerSchemas, subjectFor } from '@lading/schema-registry';
import type { BenchSuite } from '../main';

function orderPlaced(i: number): OrderPlaced {
  return {
    meta: { eventId: randomUUID(), tenantId: 'tenant-bench', correlationId: `SO-${i}`, causationId: null, occurredAt: Date.now(), recordedAt: null, sourceSystem: 'ERP', schemaVersion: 1 },
    orderId: `SO-${i}`,
    customerId: 'C-1',
    siteId: 'DC-1',
    lines: [1, 2, 3].map((n) => ({ lineNumber: n, sku: `SKU-${n}`, quantity: { value: n, unit: 'EACH' as const }, unitPrice: { amount: '19.99', currency: 'EUR' } })),
    shipTo: { name: 'Bench', line1: 'Hauptstr. 1', line2: null, city: 'Berlin', region: null, postalCode: '10115', countryCode: 'DE', residential: false, timeZone: null },
    promisedDeliveryAt: Date.now() + 86_400_000,
    orderTotal: { amount: '59.97', currency: 'EUR' },
    fulfilmentPolicy: 'SHIP_COMPLETE',
    hazmat: false,
    liftgateRequired: false,
  };
}

/**
 * What the serde costs on top of plain Avro: catalog check, field validation, the 5-byte frame,
 * and (decode) writer→reader resolution; and what the id cache saves over a cold first message.
 */
export const serdeSuite: BenchSuite = {
  name: 'serde',
  description: 'Avro serde: encode+decode OrderPlaced, warm (cached ids) vs raw avsc vs cold first message',
  async run(args, progress) {
    const count = Number(args[0] ?? 20_000);
    const { schemaRegistryUrl } = connectionSettings();
    const recordType = 'lading.erp.OrderPlaced';
    const topic: TopicSpec = {
      name: `bench-${Date.now().toString(36)}.orders.v1`,
      keyField: 'orderId',
      keyDescription: 'order id',
      partitions: 1,
      cleanupPolicy: 'delete',
      retentionMs: 60_000,
      recordTypes: [recordType],
      producedBy: 'bench',
      alsoProducedBy: [],
      consumedBy: ['bench'],
    };
    await registerSchemas(createRegistryAdmin(schemaRegistryUrl), [
      { topic: topic.name, recordType, subject: subjectFor(topic.name, recordType), schema: JSON.stringify(recordSchemas[recordType]) },
    ]);
    const values = Array.from({ length: count }, (_, i) => orderPlaced(i));

    const coldStart = performance.now();
    const cold = createAvroSerde({ registryUrl: schemaRegistryUrl, catalog: [topic] });
    await cold.decode(topic.name, await cold.encode(topic.name, recordType, values[0]));
    const coldFirstMessageMs = performance.now() - coldStart;

    const serde = createAvroSerde({ registryUrl: schemaRegistryUrl, catalog: [topic] });
    await serde.decode(topic.name, await serde.encode(topic.name, recordType, values[0]));
    let start = performance.now();
    for (const value of values) await serde.decode(topic.name, await serde.encode(topic.name, recordType, value));
    const serdeSeconds = (performance.now() - start) / 1000;
    progress(`serde: ${count} encode+decode in ${serdeSeconds.toFixed(2)} s`);

    const type = avroType(recordSchemas[recordType]);
    start = performance.now();
    for (const value of values) type.fromBuffer(type.toBuffer(value));
    const rawSeconds = (performance.now() - start) / 1000;
    progress(`raw avsc: ${count} toBuffer+fromBuffer in ${rawSeconds.toFixed(2)} s`);

    const serdeRate = count / serdeSeconds;
    const rawRate = count / rawSeconds;
    const warmMsPerMessage = (serdeSeconds * 1000) / count;
    return {
      ratios: { serdeVsRawAvsc: Number((serdeRate / rawRate).toFixed(3)), coldFirstMessageVsWarm: Number((coldFirstMessageMs / warmMsPerMessage).toFixed(1)) },
      messages: count,
      serdeRoundTripsPerSecond: Math.round(serdeRate),
      rawAvscRoundTripsPerSecond: Math.round(rawRate),
      warmMsPerMessage: Number(warmMsPerMessage.toFixed(4)),
      coldFirstMessageMs: Number(coldFirstMessageMs.toFixed(1)),
    };
  },
};
