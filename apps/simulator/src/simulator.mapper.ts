import {
  schemaVersions,
  type Address,
  type CancelWarehouseOrder,
  type EventMeta,
  type OrderLine,
  type ReleaseOrderToWarehouse,
  type RecordTypeName,
  type SourceSystem,
  type TopicName,
  type TopicRecords,
  type UnitOfMeasure,
} from '@lading/contracts';
import {
  type Address as SimulatedAddress,
  type CancelWarehouseOrderCommand,
  type ErpFact,
  type OrderLine as SimulatedOrderLine,
  type PickedLine,
  type ReleaseOrderToWarehouseCommand,
  type SimulatedFact,
  type WmsFact,
} from '@lading/simulator-core';

/**
 * The only place that knows both the simulator's facts and the Avro contracts. Everything here
 * is pure: the adapters bring the clock and the WMS's bookkeeping in a context.
 */

/** A record ready for the serde: the topic, its record type and the value (the key comes from keyOf). */
export type OutboundRecord = { [T in TopicName]: { readonly topic: T } & TopicRecords[T] }[TopicName];

// --- units, addresses, dates ------------------------------------------------------------------

const UNIT_TO_CONTRACT: Readonly<Record<string, UnitOfMeasure>> = {
  EA: 'EACH',
  // A pack is an inner carton; the contract has no PACK, and CASE keeps it a discrete unit.
  PK: 'CASE',
  CS: 'CASE',
  PL: 'PALLET',
  KG: 'KILOGRAM',
  M: 'METRE',
};
const UNIT_FROM_CONTRACT: Readonly<Partial<Record<UnitOfMeasure, string>>> = { EACH: 'EA', CASE: 'CS', PALLET: 'PL', KILOGRAM: 'KG', METRE: 'M', POUND: 'LB', LITRE: 'L' };

/** An ERP unit code the contract does not know (a spoilt order's `BOX`) becomes UNKNOWN, which a reader treats as invalid. */
export function toContractUnit(unit: string): UnitOfMeasure {
  return UNIT_TO_CONTRACT[unit] ?? 'UNKNOWN';
}

/**
 * PK and CS both travel as CASE, so the way back asks the catalogue first: the WMS knows
 * which unit it stocks a SKU in.
 */
export function fromContractUnit(unit: UnitOfMeasure, catalogueUnit: string | undefined): string {
  if (catalogueUnit !== undefined && UNIT_TO_CONTRACT[catalogueUnit] === unit) return catalogueUnit;
  return UNIT_FROM_CONTRACT[unit] ?? unit;
}

/** The simulated world knows neither residential addresses nor their zones: the schema defaults. */
export function toContractAddress(address: SimulatedAddress): Address {
  return {
    name: address.name,
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city,
    region: address.region ?? null,
    postalCode: address.postalCode ?? null,
    countryCode: address.countryCode,
    residential: false,
    timeZone: null,
  };
}

function toContractLines(lines: SimulatedOrderLine[]): OrderLine[] {
  return lines.map((line) => ({ lineNumber: line.lineNumber, sku: line.sku, quantity: { value: line.quantity, unit: toContractUnit(line.unitOfMeasure) }, unitPrice: null }));
}

/** A promised date is a whole day: the promise holds until its last millisecond, UTC. */
export function promisedDeliveryAt(date: string): number {
  return Date.parse(`${date}T23:59:59.999Z`);
}

/** `HH:MM` → milliseconds after local midnight. */
export function localTimeMillis(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`not a local time HH:MM: '${hhmm}'`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
}

function meta(recordType: RecordTypeName, fields: { eventId: string; tenantId: string; correlationId: string; causationId: string | null; occurredAt: number; sourceSystem: SourceSystem }): EventMeta {
  return { ...fields, recordedAt: null, schemaVersion: schemaVersions[recordType] };
}

// --- ERP -----------------------------------------------------------------------------------

/**
 * One ERP fact as the record an ERP adapter publishes. The ERP starts every journey it reports
 * on (placements, amendments and cancels are people's decisions, not reactions to a Lading
 * message), so causationId is null; the order id is the journey.
 */
export function erpRecordFor(published: SimulatedFact<ErpFact>, occurredAt: number): OutboundRecord {
  const { eventId, tenantId, fact } = published;
  const base = { eventId, tenantId, causationId: null, occurredAt, sourceSystem: 'ERP' as const };
  switch (fact.type) {
    case 'OrderPlaced': {
      const recordType = 'lading.erp.OrderPlaced';
      return {
        topic: 'erp.orders.v1',
        recordType,
        value: {
          meta: meta(recordType, { ...base, correlationId: fact.orderId }),
          orderId: fact.orderId,
          customerId: fact.customerId,
          siteId: fact.siteId,
          lines: toContractLines(fact.lines),
          shipTo: toContractAddress(fact.shipTo),
          promisedDeliveryAt: promisedDeliveryAt(fact.promisedDate),
          orderTotal: null,
          fulfilmentPolicy: fact.fulfilment,
          // the simulated ERP sells no hazmat and knows no liftgate deliveries: the schema defaults
          hazmat: false,
          liftgateRequired: false,
        },
      };
    }
    case 'OrderAmended': {
      const recordType = 'lading.erp.OrderAmended';
      return {
        topic: 'erp.orders.v1',
        recordType,
        value: {
          meta: meta(recordType, { ...base, correlationId: fact.orderId }),
          orderId: fact.orderId,
          // Revision 1 is the placement, so the first amendment is number 1.
          amendmentNumber: fact.revision - 1,
          siteId: fact.order.siteId,
          lines: toContractLines(fact.order.lines),
          shipTo: toContractAddress(fact.order.shipTo),
          promisedDeliveryAt: promisedDeliveryAt(fact.order.promisedDate),
          hazmat: false,
          liftgateRequired: false,
        },
      };
    }
    case 'OrderCancelled': {
      const recordType = 'lading.erp.OrderCancelled';
      return { topic: 'erp.orders.v1', recordType, value: { meta: meta(recordType, { ...base, correlationId: fact.orderId }), orderId: fact.orderId, reason: fact.reason } };
    }
    case 'CreditHoldPlaced': {
      const recordType = 'lading.erp.CreditHoldPlaced';
      return {
        topic: 'erp.credit.v1',
        recordType,
        // A customer-wide hold is its own journey: placement and release share the hold id.
        value: { meta: meta(recordType, { ...base, correlationId: fact.holdId }), customerId: fact.customerId, holdId: fact.holdId, orderId: null, reason: fact.reason },
      };
    }
    case 'CreditHoldReleased': {
      const recordType = 'lading.erp.CreditHoldReleased';
      return { topic: 'erp.credit.v1', recordType, value: { meta: meta(recordType, { ...base, correlationId: fact.holdId }), customerId: fact.customerId, holdId: fact.holdId, orderId: null } };
    }
  }
}

// --- WMS -----------------------------------------------------------------------------------

/** What the WMS adapter remembers about a warehouse order: the command it came from. */
export interface ReleasedWarehouseOrder {
  /** The release command's meta: answers continue its journey and name it as their cause. */
  commandEventId: string;
  correlationId: string;
  tenantId: string;
  orderId: string;
  /** The contract lines released, in command order (the WMS answers line by line in that order). */
  lines: OrderLine[];
}

export interface WmsMappingContext {
  occurredAt: number;
  /** The tenant's warehouse order: two tenants may release under the same warehouse order id. */
  warehouseOrder(tenantId: string, warehouseOrderId: string): ReleasedWarehouseOrder | undefined;
  /** Stock of the tenant's SKU the WMS has allocated to released orders not yet picked. */
  allocated(tenantId: string, siteId: string, sku: string): number;
  /** Orders the site has accepted on its current local day, over every tenant it serves. */
  ordersReleasedToday(siteId: string): number;
}

/** The result of mapping one WMS fact: records to publish, or why there are none. */
export type WmsMapping = { records: OutboundRecord[] } | { records: []; unpublishable: WmsFact['type']; why: string };

function pickedLines(picked: PickedLine[], released: ReleasedWarehouseOrder | undefined): OrderLine[] {
  return picked.map((line, index) => ({
    lineNumber: released?.lines[index]?.lineNumber ?? (index + 1) * 10,
    sku: line.sku,
    quantity: { value: line.picked, unit: released?.lines[index]?.quantity.unit ?? toContractUnit(line.unitOfMeasure) },
    unitPrice: null,
  }));
}

export function wmsRecordsFor(published: SimulatedFact<WmsFact>, context: WmsMappingContext): WmsMapping {
  const { eventId, fact } = published;
  const { occurredAt } = context;
  const base = { occurredAt, sourceSystem: 'WMS' as const };
  switch (fact.type) {
    case 'SiteStatusChanged': {
      const recordType = 'lading.wms.WarehouseStatusChanged';
      // The site is the operator's, not any tenant's (DESIGN §9): one status, reported by the
      // operator, counting every tenant's releases — LADING_SITES names it the site's operator.
      return {
        records: [
          {
            topic: 'wms.sites.v1',
            recordType,
            value: {
              meta: meta(recordType, { ...base, eventId, tenantId: fact.operator, correlationId: fact.siteId, causationId: null }),
              siteId: fact.siteId,
              status: fact.status,
              cutOffLocalTime: localTimeMillis(fact.releaseWindow.cutOff),
              // Always stated, even 00:00: a reader that falls back to midnight for null would be
              // right by luck only, and a night shift (14:00–02:00) needs it to be right at all.
              releaseWindowOpensAt: localTimeMillis(fact.releaseWindow.opensAt),
              timeZone: fact.timeZone,
              dailyOrderCapacity: fact.dailyCapacity,
              ordersReleasedToday: context.ordersReleasedToday(fact.siteId),
            },
          },
        ],
      };
    }
    case 'InventoryLevelChanged': {
      const recordType = 'lading.wms.InventoryLevelChanged';
      const unit = toContractUnit(fact.unitOfMeasure);
      // v2, keyed tenant@sku@site: two tenants' levels of one SKU at one shared site are two keys,
      // and compaction keeps both (v1's sku@site kept one). Nothing goes to v1 any more.
      return {
        records: [
          {
            topic: 'wms.inventory.v2',
            recordType,
            value: {
              meta: meta(recordType, { ...base, eventId, tenantId: fact.tenantId, correlationId: `${fact.sku}@${fact.siteId}`, causationId: null }),
              sku: fact.sku,
              siteId: fact.siteId,
              onHand: { value: fact.onHand, unit },
              allocated: { value: context.allocated(fact.tenantId, fact.siteId, fact.sku), unit },
              changeReason: fact.reason,
            },
          },
        ],
      };
    }
    case 'WarehouseOrderAccepted':
    case 'WarehouseOrderCancelled':
    case 'WarehouseOrderPicked':
    case 'OrderPacked':
    case 'OrderShipped': {
      const released = context.warehouseOrder(fact.tenantId, fact.warehouseOrderId);
      // Every answer names the warehouse order it is about: Lading's id when the release carried one.
      const { warehouseOrderId } = fact;
      const journey = {
        ...base,
        eventId,
        tenantId: fact.tenantId,
        correlationId: released?.correlationId ?? fact.orderId,
        causationId: released?.commandEventId ?? null,
      };
      if (fact.type === 'WarehouseOrderAccepted') {
        const recordType = 'lading.wms.WarehouseOrderAccepted';
        return { records: [{ topic: 'wms.fulfilment.v1', recordType, value: { meta: meta(recordType, journey), orderId: fact.orderId, siteId: fact.siteId, warehouseOrderId } }] };
      }
      if (fact.type === 'WarehouseOrderCancelled') {
        const recordType = 'lading.wms.WarehouseOrderCancelled';
        return { records: [{ topic: 'wms.fulfilment.v1', recordType, value: { meta: meta(recordType, journey), orderId: fact.orderId, siteId: fact.siteId, warehouseOrderId } }] };
      }
      if (fact.type === 'WarehouseOrderPicked') {
        const recordType = 'lading.wms.OrderPicked';
        return { records: [{ topic: 'wms.fulfilment.v1', recordType, value: { meta: meta(recordType, journey), orderId: fact.orderId, siteId: fact.siteId, lines: pickedLines(fact.lines, released), warehouseOrderId } }] };
      }
      if (fact.type === 'OrderPacked') {
        const recordType = 'lading.wms.OrderPacked';
        return {
          records: [
            {
              topic: 'wms.fulfilment.v1',
              recordType,
              value: {
                meta: meta(recordType, journey),
                orderId: fact.orderId,
                siteId: fact.siteId,
                packages: fact.packages.map((p) => ({ packageId: p.packageId, weight: p.weightKg, weightUnit: 'KG', length: p.lengthCm, width: p.widthCm, height: p.heightCm, lengthUnit: 'CM' })),
                warehouseOrderId,
              },
            },
          ],
        };
      }
      const recordType = 'lading.wms.OrderShipped';
      return {
        records: [
          {
            topic: 'wms.fulfilment.v1',
            recordType,
            // No TMS booking reaches the simulated WMS: no shipment or carrier; the package ids stand in for tracking numbers.
            value: { meta: meta(recordType, journey), orderId: fact.orderId, siteId: fact.siteId, shipmentId: null, carrierId: null, trackingNumbers: [...fact.packageIds], warehouseOrderId },
          },
        ],
      };
    }
    case 'WarehouseCancellationRejected':
      return { records: [], unpublishable: fact.type, why: 'wms.fulfilment.v1 has no record type for a refused cancellation (the order goes on: picked, packed, shipped)' };
  }
}

// --- commands, the way back ----------------------------------------------------------------------

/**
 * The warehouse order a release becomes: the id Lading gave it, so every answer can echo it.
 * Only a release from a producer before contract version 2 carries none; the WMS then names it
 * itself, `<orderId>-W<n>` for the order's n-th release (a backorder is released again under the
 * same order id).
 */
export function warehouseOrderIdFor(value: ReleaseOrderToWarehouse, releasedBefore: number): string {
  return value.warehouseOrderId ?? `${value.orderId}-W${releasedBefore + 1}`;
}

/** A release command as the WMS model takes it, for the warehouse order `warehouseOrderIdFor` named. */
export function releaseCommandFrom(value: ReleaseOrderToWarehouse, warehouseOrderId: string, catalogueUnit: (sku: string) => string | undefined): ReleaseOrderToWarehouseCommand {
  return {
    type: 'ReleaseOrderToWarehouse',
    warehouseOrderId,
    orderId: value.orderId,
    tenantId: value.meta.tenantId,
    siteId: value.siteId,
    lines: value.lines.map((line) => ({ sku: line.sku, quantity: line.quantity.value, unitOfMeasure: fromContractUnit(line.quantity.unit, catalogueUnit(line.sku)) })),
  };
}

/**
 * The warehouse orders a cancel stops, out of those the order was released as. A cancel that
 * names one stops exactly that one — the others of a partially shipped order go on — and none
 * when it is not one of this order's; a cancel without one (before contract version 2) stops
 * them all.
 */
export function cancelCommandsFrom(value: CancelWarehouseOrder, warehouseOrderIds: readonly string[]): CancelWarehouseOrderCommand[] {
  const named = value.warehouseOrderId;
  const cancelled = named === null ? warehouseOrderIds : warehouseOrderIds.filter((id) => id === named);
  return cancelled.map((warehouseOrderId) => ({ type: 'CancelWarehouseOrder', warehouseOrderId, orderId: value.orderId, tenantId: value.meta.tenantId, siteId: value.siteId }));
}
