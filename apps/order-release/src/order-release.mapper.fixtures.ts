import type {
  ErpCreditV1Record,
  ErpOrdersV1Record,
  WmsFulfilmentV1Record,
  WmsInventoryV1Record,
  WmsSitesV1Record,
  CreditHoldPlaced,
  CreditHoldReleased,
  EventMeta,
  InventoryLevelChanged,
  OrderAmended,
  OrderCancelled,
  OrderLine,
  OrderPlaced,
  SourceSystem,
  UnitOfMeasure,
  WarehouseStatusChanged,
} from '@lading/contracts';
import type {
  AmendOrder,
  CancelOrder,
  OrderAmendment,
  OrderDetails,
  OrderReleaseCommand,
  OrderReleaseMessage,
  PlaceOrder,
  ReleaseFact,
  SiteStatusFact,
  WarehouseProgressFact,
} from '@lading/order-release-domain';
import { createRecordNaming, type Inbound, type PublishedStoredEvent } from '@lading/service-kit';
import { SiteDirectory } from '@lading/tenancy';
import { ORDER_RELEASE_EVENT_ID_NAMESPACE } from './main';
import { creditFactInputs, erpOrderInputs, inventoryFactInputs, siteFactInputs, warehouseProgressInputs } from './order-release.mapper';

// Avro records as the ERP and WMS adapters publish them, and the mapper one record at a time;
// for the specs only.

/** 10:00 in New York on an ordinary Thursday: inside a 00:00–15:00 window. */
export const NOW = new Date('2026-01-15T15:00:00.000Z');
export const TENANT = 'acme';
export const HOUR_MS = 60 * 60 * 1000;

export function meta(overrides: Partial<EventMeta> = {}, sourceSystem: SourceSystem = 'ERP'): EventMeta {
  return {
    eventId: 'a3c1e4f0-1d2b-4c5d-8e6f-7a8b9c0d1e2f',
    tenantId: TENANT,
    correlationId: 'SO-1001',
    causationId: null,
    occurredAt: Date.parse('2026-01-15T14:59:58.000Z'),
    recordedAt: null,
    sourceSystem,
    schemaVersion: 1,
    ...overrides,
  };
}

export function line(lineNumber: number, sku: string, value: number, unit: UnitOfMeasure = 'EACH'): OrderLine {
  return { lineNumber, sku, quantity: { value, unit }, unitPrice: null };
}

export function orderPlaced(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  return {
    meta: meta(),
    orderId: 'SO-1001',
    customerId: 'CUST-42',
    siteId: 'US-NJ1',
    lines: [line(1, 'BOLT-M8', 5), line(2, 'NUT-M8', 2, 'CASE')],
    shipTo: { name: 'Harbor Hardware', line1: '12 Dock St', line2: null, city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US', residential: false, timeZone: null },
    promisedDeliveryAt: Date.parse('2026-01-20T17:00:00.000Z'),
    orderTotal: { amount: '129.90', currency: 'USD' },
    fulfilmentPolicy: 'SHIP_COMPLETE',
    hazmat: false,
    liftgateRequired: false,
    ...overrides,
  };
}

export function orderAmended(overrides: Partial<OrderAmended> = {}): OrderAmended {
  return {
    meta: meta({ eventId: 'b3c1e4f0-1d2b-4c5d-8e6f-7a8b9c0d1e2f', occurredAt: Date.parse('2026-01-15T14:59:59.000Z') }),
    orderId: 'SO-1001',
    amendmentNumber: 1,
    siteId: 'US-NJ1',
    lines: [line(1, 'BOLT-M8', 8)],
    shipTo: { name: 'Harbor Hardware', line1: '14 Dock St', line2: 'Gate 3', city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US', residential: false, timeZone: null },
    promisedDeliveryAt: Date.parse('2026-01-22T17:00:00.000Z'),
    hazmat: false,
    liftgateRequired: false,
    ...overrides,
  };
}

export function orderCancelled(overrides: Partial<OrderCancelled> = {}): OrderCancelled {
  return { meta: meta({ eventId: 'c3c1e4f0-1d2b-4c5d-8e6f-7a8b9c0d1e2f' }), orderId: 'SO-1001', reason: 'customer changed mind', ...overrides };
}

export function creditHoldPlaced(overrides: Partial<CreditHoldPlaced> = {}): CreditHoldPlaced {
  return { meta: meta({ correlationId: 'CUST-42' }), customerId: 'CUST-42', holdId: 'H-7', orderId: null, reason: 'invoice 991 overdue', ...overrides };
}

export function creditHoldReleased(overrides: Partial<CreditHoldReleased> = {}): CreditHoldReleased {
  return { meta: meta({ correlationId: 'CUST-42' }), customerId: 'CUST-42', holdId: 'H-7', orderId: null, ...overrides };
}

export function inventoryLevelChanged(overrides: Partial<InventoryLevelChanged> = {}): InventoryLevelChanged {
  return {
    meta: meta({ correlationId: 'BOLT-M8@US-NJ1' }, 'WMS'),
    sku: 'BOLT-M8',
    siteId: 'US-NJ1',
    onHand: { value: 120, unit: 'EACH' },
    allocated: { value: 20, unit: 'EACH' },
    changeReason: 'receipt',
    ...overrides,
  };
}

export function warehouseStatusChanged(overrides: Partial<WarehouseStatusChanged> = {}): WarehouseStatusChanged {
  return {
    meta: meta({ correlationId: 'US-NJ1' }, 'WMS'),
    siteId: 'US-NJ1',
    status: 'OPEN',
    cutOffLocalTime: 15 * HOUR_MS,
    // A producer before v2 states no opening: the window runs from local midnight.
    releaseWindowOpensAt: null,
    timeZone: 'America/New_York',
    dailyOrderCapacity: 100,
    ordersReleasedToday: 10,
    ...overrides,
  };
}

/** A decider message as the event store returns it to the outbox relay. */
export function stored(payload: OrderReleaseMessage, overrides: Partial<PublishedStoredEvent<OrderReleaseMessage>> = {}): PublishedStoredEvent<OrderReleaseMessage> {
  return {
    eventId: '0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a37',
    eventType: payload.type,
    streamId: 'acme/order-release:SO-1001',
    tenantId: TENANT,
    payload,
    metadata: { correlationId: 'SO-1001', causationId: 'a3c1e4f0-1d2b-4c5d-8e6f-7a8b9c0d1e2f', occurredAt: '2026-01-15T14:59:58.000Z' },
    recordedAt: new Date('2026-01-15T15:00:00.125Z'),
    ...overrides,
  };
}

/** What the kit tells a topic handler about a record: its tenant and cause, from its meta. */
export function inboundOf(value: { meta: EventMeta }, traceparent?: string): Inbound {
  const { meta } = value;
  return { tenantId: meta.tenantId, cause: { eventId: meta.eventId, correlationId: meta.correlationId, occurredAt: meta.occurredAt, ...(traceparent ? { traceparent } : {}) } };
}

// ---------------------------------------------------------------------------------------------
// The mapper's inbound functions one record at a time, as the specs read them
// ---------------------------------------------------------------------------------------------

const onlyInput = <T>(inputs: readonly T[]): T => {
  if (inputs.length !== 1) throw new Error(`expected one input, got ${inputs.length}`);
  return inputs[0];
};

export const naming = createRecordNaming({ namespace: ORDER_RELEASE_EVENT_ID_NAMESPACE, sourceSystem: 'ORDER_RELEASE' });

export function commandOf(record: ErpOrdersV1Record, traceparent?: string): OrderReleaseCommand {
  return onlyInput(erpOrderInputs(record, inboundOf(record.value, traceparent))).command;
}

export function orderDetailsFrom(value: OrderPlaced): OrderDetails {
  return (commandOf({ recordType: 'lading.erp.OrderPlaced', value }) as PlaceOrder).data.order;
}

export function orderAmendmentFrom(value: OrderAmended): OrderAmendment {
  return (commandOf({ recordType: 'lading.erp.OrderAmended', value }) as AmendOrder).data.amendment;
}

export function cancelOrderFrom(value: OrderCancelled): CancelOrder['data'] {
  return (commandOf({ recordType: 'lading.erp.OrderCancelled', value }) as CancelOrder).data;
}

export function releaseFactOf(record: ErpCreditV1Record | WmsInventoryV1Record | WmsSitesV1Record, sites: SiteDirectory = SiteDirectory.open()): ReleaseFact {
  const inbound = inboundOf(record.value);
  const input =
    record.recordType === 'lading.wms.InventoryLevelChanged'
      ? onlyInput(inventoryFactInputs(record, inbound))
      : record.recordType === 'lading.wms.WarehouseStatusChanged'
        ? onlyInput(siteFactInputs(record, inbound, sites))
        : onlyInput(creditFactInputs(record, inbound));
  if (input.fact.source !== 'release') throw new Error('not a release fact');
  return input.fact.fact;
}

export function siteStatusFrom(value: WarehouseStatusChanged): SiteStatusFact {
  return releaseFactOf({ recordType: 'lading.wms.WarehouseStatusChanged', value }) as SiteStatusFact;
}

export function warehouseProgressOf(record: WmsFulfilmentV1Record): WarehouseProgressFact | undefined {
  const inputs = warehouseProgressInputs(record, inboundOf(record.value));
  const input = inputs[0];
  return input?.fact.source === 'warehouse' ? input.fact.fact : undefined;
}
