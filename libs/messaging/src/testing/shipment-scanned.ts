import { randomUUID } from 'node:crypto';

/** `meta` as every Lading record has it. */
export const metaSchema = {
  type: 'record',
  name: 'EventMeta',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'tenantId', type: 'string' },
    { name: 'correlationId', type: 'string' },
    { name: 'causationId', type: ['null', 'string'], default: null },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'sourceSystem', type: 'string' },
    { name: 'schemaVersion', type: 'int' },
  ],
};

/** A realistic carrier-scan record (~400–500 bytes of Avro) for tests and the benchmark. */
export const shipmentScannedSchema = {
  type: 'record',
  name: 'ShipmentScanned',
  namespace: 'com.lading.test.v1',
  fields: [
    { name: 'meta', type: metaSchema },
    { name: 'shipmentId', type: 'string' },
    { name: 'carrierCode', type: 'string' },
    { name: 'scanCode', type: 'string' },
    { name: 'facility', type: 'string' },
    { name: 'city', type: 'string' },
    { name: 'countryCode', type: 'string' },
    { name: 'scannedAt', type: 'long' },
    { name: 'sequence', type: 'long' },
    { name: 'remarks', type: 'string' },
  ],
};

export const shipmentScannedType = 'com.lading.test.v1.ShipmentScanned';

export interface ShipmentScanned {
  meta: {
    eventId: string;
    tenantId: string;
    correlationId: string;
    causationId: string | null;
    occurredAt: number;
    sourceSystem: string;
    schemaVersion: number;
  };
  shipmentId: string;
  carrierCode: string;
  scanCode: string;
  facility: string;
  city: string;
  countryCode: string;
  scannedAt: number;
  sequence: number;
  remarks: string;
}

const remarks =
  'Parcel scanned at origin hub conveyor 4; label legible, dimensions within tolerance, no visible damage. ' +
  'Consignee notified by SMS; delivery window confirmed for next business day between 09:00 and 13:00.';

export function shipmentScanned(
  input: Partial<Omit<ShipmentScanned, 'meta'>> & { meta?: Partial<ShipmentScanned['meta']> } = {},
): ShipmentScanned {
  const { meta: metaOverrides, ...overrides } = input;
  const shipmentId = overrides.shipmentId ?? `SHP-${randomUUID().slice(0, 13)}`;
  const now = Date.now();
  return {
    meta: {
      eventId: randomUUID(),
      tenantId: 'tenant-acme',
      correlationId: `order-${shipmentId}`,
      causationId: null,
      occurredAt: now,
      sourceSystem: 'tms-sim',
      schemaVersion: 1,
      ...metaOverrides,
    },
    shipmentId,
    carrierCode: 'DHL-EXPRESS',
    scanCode: 'ARRIVED_AT_SORT_FACILITY',
    facility: 'LEJ-HUB-04',
    city: 'Leipzig',
    countryCode: 'DE',
    scannedAt: now,
    sequence: overrides.sequence ?? 0,
    remarks,
    ...overrides,
  };
}

/** Key of the test topics: the shipment id, as the catalog keys shipment events. */
export function testKeyOf(_topic: string, value: unknown): string {
  return (value as ShipmentScanned).shipmentId;
}
