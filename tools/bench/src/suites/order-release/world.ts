import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { keyOf, schemaVersions, type EventMeta, type InventoryLevelChanged, type OrderPlaced, type RecordTypeName, type WarehouseStatusChanged } from '@lading/contracts';
import { childTraceparent, metaHeaders } from '@lading/messaging';
import type { AvroSerde } from '@lading/schema-registry';

/** The seeded world of the order-release bench: one tenant, its sites, SKUs and customers. */
export const SKUS = 20;
export const SITES = 4;
export const CUSTOMERS = 50;

function meta(recordType: RecordTypeName, tenantId: string, correlationId: string, sourceSystem: 'ERP' | 'WMS'): EventMeta {
  return { eventId: randomUUID(), tenantId, correlationId, causationId: null, occurredAt: Date.now(), recordedAt: null, sourceSystem, schemaVersion: schemaVersions[recordType] };
}

export interface World {
  tenantId: string;
  sites: string[];
  skus: string[];
}

/** A two-line order an ERP would send, always releasable in the seeded world. */
export function orderPlaced(world: World, orderId: string, i: number): OrderPlaced {
  const sku = (k: number) => world.skus[(i * 7 + k * 3) % world.skus.length];
  return {
    meta: meta('lading.erp.OrderPlaced', world.tenantId, orderId, 'ERP'),
    orderId,
    customerId: `CUST-${String(i % CUSTOMERS).padStart(4, '0')}`,
    siteId: world.sites[i % world.sites.length],
    lines: [
      { lineNumber: 1, sku: sku(0), quantity: { value: 2, unit: 'EACH' }, unitPrice: null },
      { lineNumber: 2, sku: sku(1), quantity: { value: 1, unit: 'EACH' }, unitPrice: null },
    ],
    shipTo: { name: 'Harbour Supplies GmbH', line1: 'Kaistraße 12', line2: null, city: 'Hamburg', region: null, postalCode: '20457', countryCode: 'DE', residential: false, timeZone: null },
    promisedDeliveryAt: Date.parse('2027-06-30T23:59:59.999Z'),
    orderTotal: null,
    fulfilmentPolicy: 'SHIP_COMPLETE',
    hazmat: false,
    liftgateRequired: false,
  };
}

export function siteStatus(world: World, siteId: string): WarehouseStatusChanged {
  // opens at 0 and cut-off 0: open around the clock (order-release.mapper siteStatusFrom)
  return {
    meta: meta('lading.wms.WarehouseStatusChanged', world.tenantId, siteId, 'WMS'),
    siteId,
    status: 'OPEN',
    cutOffLocalTime: 0,
    releaseWindowOpensAt: 0,
    timeZone: 'UTC',
    dailyOrderCapacity: 10_000_000,
    ordersReleasedToday: 0,
  };
}

export function stockLevel(world: World, siteId: string, sku: string): InventoryLevelChanged {
  return {
    meta: meta('lading.wms.InventoryLevelChanged', world.tenantId, `${sku}@${siteId}`, 'WMS'),
    sku,
    siteId,
    onHand: { value: 10_000_000, unit: 'EACH' },
    allocated: { value: 0, unit: 'EACH' },
    changeReason: 'CYCLE_COUNT',
  };
}

export async function encodeOrders(serde: AvroSerde, world: World, prefix: string, n: number): Promise<{ messages: Message[]; ids: string[] }> {
  const messages: Message[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const orderId = `${prefix}-SO-${String(i).padStart(6, '0')}`;
    const value = orderPlaced(world, orderId, i);
    ids.push(orderId);
    messages.push({
      key: keyOf('erp.orders.v1', value),
      value: await serde.encode('erp.orders.v1', 'lading.erp.OrderPlaced', value),
      // the headers the Lading producer (an ERP adapter) puts on every record
      headers: metaHeaders('lading.erp.OrderPlaced', value.meta, childTraceparent()),
    });
  }
  return { messages, ids };
}
