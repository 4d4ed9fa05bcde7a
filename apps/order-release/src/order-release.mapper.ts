import type {
  FulfilmentPolicy as AvroFulfilmentPolicy,
  HoldReasonCode as AvroHoldReasonCode,
  ErpCreditV1Record,
  ErpOrdersV1Record,
  OrderLine as AvroOrderLine,
  RecordTypeName,
  WmsFulfilmentV1Record,
  WmsInventoryV1Record,
  WmsSitesV1Record,
} from '@lading/contracts';
import { assertNever } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import type {
  CreditFact,
  FulfilmentPolicy,
  HoldReason,
  HoldReasonCode,
  OrderAmendment,
  OrderDetails,
  OrderLine,
  OrderReleaseCommand,
  OrderReleaseMessage,
  ReleaseFact,
  ReleaseLine,
  StockLevelFact,
  WarehouseProgressFact,
} from '@lading/order-release-domain';
import { avroAddressFrom, avroUnitOfMeasure, isoInstant, postalAddressFrom, unitOfMeasureFrom, type DecisionInput, type FactInput, type Inbound, type OutgoingRecord, type PublishedStoredEvent, type RecordNaming } from '@lading/service-kit';
import type { SiteDirectory } from '@lading/tenancy';
import type { LocalDate, UnitOfMeasure } from '@lading/shared-domain';

// =============================================================================================
// The one place where order-release meets the Avro contracts (STYLE: one *.mapper.ts per app):
// each inbound record becomes the kit's inputs once (a decision about an order, or a fact), each
// stored decision the records it publishes. Nothing here decides: a value the domain cannot
// accept is passed on in a form the domain holds with a reason.
// =============================================================================================

export const ORDER_RELEASE_STREAM_TYPE = 'order-release';

/** What order-release's fact handler applies: a fact for the release context, or the WMS's progress on a warehouse order. */
export type OrderReleaseFact = { source: 'release'; fact: ReleaseFact } | { source: 'warehouse'; fact: WarehouseProgressFact };

// ---------------------------------------------------------------------------------------------
// Inbound: ERP orders → decisions
// ---------------------------------------------------------------------------------------------

/**
 * The revision an ERP placement has. `OrderAmended.amendmentNumber` counts amendments from 1, so
 * the placement is amendment 0 and the domain's revision is the ERP's amendment number.
 */
export const ERP_PLACEMENT_REVISION = 0;

/**
 * A producer before OrderPlaced v2 sends no policy (the reader default is SHIP_COMPLETE);
 * UNKNOWN (a policy added after this build) is taken as SHIP_COMPLETE, the policy that never
 * splits an order the ERP may not want split.
 */
const DOMAIN_FULFILMENT_POLICY_OF: Readonly<Record<AvroFulfilmentPolicy, FulfilmentPolicy>> = { UNKNOWN: 'SHIP_COMPLETE', SHIP_COMPLETE: 'SHIP_COMPLETE', ALLOW_PARTIAL: 'ALLOW_PARTIAL' };

export function fulfilmentPolicyFrom(policy: AvroFulfilmentPolicy): FulfilmentPolicy {
  return DOMAIN_FULFILMENT_POLICY_OF[policy] ?? 'SHIP_COMPLETE';
}

/** The promised delivery as the domain keeps it: the UTC date of the contract's instant. */
function promisedDateFrom(epochMillis: number): LocalDate {
  return isoInstant(epochMillis, 'promisedDeliveryAt').slice(0, 10);
}

function orderLineFrom(line: AvroOrderLine): OrderLine {
  return { lineNumber: line.lineNumber, sku: line.sku, quantity: line.quantity.value, unitOfMeasure: unitOfMeasureFrom(line.quantity.unit) };
}

/** `erp.orders.v1` → one decision about the order (its context is loaded when the unit commits). */
export function erpOrderInputs(record: ErpOrdersV1Record, inbound: Inbound): DecisionInput<OrderReleaseCommand>[] {
  const decision = (command: OrderReleaseCommand): DecisionInput<OrderReleaseCommand>[] => [
    { kind: 'decision', tenantId: inbound.tenantId, streamType: ORDER_RELEASE_STREAM_TYPE, key: record.value.orderId, command, cause: inbound.cause },
  ];
  const noContext = { credit: { customerId: '', onHold: false }, inventory: {} };
  switch (record.recordType) {
    case 'lading.erp.OrderPlaced': {
      const v = record.value;
      const order: OrderDetails = {
        orderId: v.orderId,
        tenantId: v.meta.tenantId,
        customerId: v.customerId,
        siteId: v.siteId,
        revision: ERP_PLACEMENT_REVISION,
        placedAt: isoInstant(v.meta.occurredAt, 'meta.occurredAt'),
        promisedDate: promisedDateFrom(v.promisedDeliveryAt),
        fulfilment: fulfilmentPolicyFrom(v.fulfilmentPolicy),
        shipTo: postalAddressFrom(v.shipTo),
        lines: v.lines.map(orderLineFrom),
      };
      return decision({ type: 'PlaceOrder', data: { order, context: noContext } });
    }
    case 'lading.erp.OrderAmended': {
      const v = record.value;
      // The ERP sends the whole new order: lines, address, promise and the site it assigns now.
      const amendment: OrderAmendment = {
        orderId: v.orderId,
        revision: v.amendmentNumber,
        amendedAt: isoInstant(v.meta.occurredAt, 'meta.occurredAt'),
        changes: { lines: v.lines.map(orderLineFrom), shipTo: postalAddressFrom(v.shipTo), promisedDate: promisedDateFrom(v.promisedDeliveryAt), siteId: v.siteId },
      };
      return decision({ type: 'AmendOrder', data: { amendment, context: noContext } });
    }
    case 'lading.erp.OrderCancelled': {
      const v = record.value;
      return decision({ type: 'CancelOrder', data: { orderId: v.orderId, tenantId: v.meta.tenantId, reason: v.reason ?? ERP_CANCEL_REASON_UNSTATED, cancelledAt: isoInstant(v.meta.occurredAt, 'meta.occurredAt') } });
    }
    default:
      return assertNever(record, 'erp.orders.v1 record');
  }
}

/** Used when the ERP gives no cancellation reason: the domain's events always carry one. */
export const ERP_CANCEL_REASON_UNSTATED = 'cancelled in the ERP (no reason given)';

// ---------------------------------------------------------------------------------------------
// Inbound: credit, inventory and site facts; WMS progress
// ---------------------------------------------------------------------------------------------

const fact = (inbound: Inbound, value: OrderReleaseFact): FactInput<OrderReleaseFact>[] => [{ kind: 'fact', tenantId: inbound.tenantId, fact: value, cause: inbound.cause }];

export function creditFactInputs(record: ErpCreditV1Record, inbound: Inbound): FactInput<OrderReleaseFact>[] {
  const { meta, customerId, holdId, orderId } = record.value;
  const common = { tenantId: meta.tenantId, customerId, holdId, orderId, occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt') };
  const credit: CreditFact =
    record.recordType === 'lading.erp.CreditHoldPlaced' ? { kind: 'CreditHoldPlaced', ...common, reason: record.value.reason } : { kind: 'CreditHoldReleased', ...common };
  return fact(inbound, { source: 'release', fact: credit });
}

export function stockLevelFrom(record: WmsInventoryV1Record['value']): StockLevelFact {
  const { meta, sku, siteId, onHand, allocated, changeReason } = record;
  const onHandUnit = unitOfMeasureFrom(onHand.unit);
  const allocatedUnit = unitOfMeasureFrom(allocated.unit);
  // nothing allocated is 0 of any unit; a real amount in another unit cannot be subtracted
  const unitOfMeasure = allocated.value === 0 || allocatedUnit === onHandUnit ? onHandUnit : `MIXED(${onHandUnit},${allocatedUnit})`;
  return { tenantId: meta.tenantId, siteId, sku, onHand: onHand.value, allocated: allocated.value, unitOfMeasure, changeReason, occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt') };
}

export function inventoryFactInputs(record: WmsInventoryV1Record, inbound: Inbound): FactInput<OrderReleaseFact>[] {
  return fact(inbound, { source: 'release', fact: { kind: 'StockLevel', ...stockLevelFrom(record.value) } });
}

/**
 * Where a site states no opening (a producer before v2) it takes releases from local midnight
 * until its cut-off; a cut-off at midnight then means open around the clock.
 */
export const SITE_WINDOW_OPENS_AT = '00:00';
const DAY_MS = 24 * 60 * 60 * 1000;

/** `time-millis` after local midnight → `HH:mm`, seconds dropped; outside a day, text the domain refuses (UNKNOWN_SITE). */
export function localTimeFrom(millisAfterMidnight: number): string {
  if (!Number.isInteger(millisAfterMidnight) || millisAfterMidnight < 0 || millisAfterMidnight >= DAY_MS) return `invalid(${millisAfterMidnight}ms)`;
  const minutes = Math.floor(millisAfterMidnight / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * `wms.sites.v1` → the site's status. A site is shared and belongs to its operator: a status
 * from a tenant that is neither its operator nor served by it is refused (dead-lettered with
 * the reason), never applied (DESIGN §9).
 */
export function siteFactInputs(record: WmsSitesV1Record, inbound: Inbound, sites: SiteDirectory): FactInput<OrderReleaseFact>[] {
  const { meta, siteId, status, cutOffLocalTime, releaseWindowOpensAt, timeZone, dailyOrderCapacity, ordersReleasedToday } = record.value;
  if (!sites.mayReport(siteId, meta.tenantId)) throw new NonRetriableError(sites.refusalOf(siteId, meta.tenantId), 'SITE_NOT_SERVING_TENANT');
  return fact(inbound, {
    source: 'release',
    fact: {
      kind: 'SiteStatus',
      siteId,
      status,
      timeZone,
      releaseWindow: { opensAt: releaseWindowOpensAt === null ? SITE_WINDOW_OPENS_AT : localTimeFrom(releaseWindowOpensAt), cutOff: localTimeFrom(cutOffLocalTime) },
      dailyCapacity: dailyOrderCapacity,
      ordersAcceptedToday: ordersReleasedToday,
      reportedBy: meta.tenantId,
      occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt'),
    },
  });
}

/** `wms.fulfilment.v1`: acceptance hands a reservation over to the WMS, a cancellation frees it; picks, packs and ships change nothing here. */
export function warehouseProgressInputs(record: WmsFulfilmentV1Record, inbound: Inbound): FactInput<OrderReleaseFact>[] {
  if (record.recordType !== 'lading.wms.WarehouseOrderAccepted' && record.recordType !== 'lading.wms.WarehouseOrderCancelled') return [];
  const { meta, orderId, siteId, warehouseOrderId } = record.value;
  // an empty id is no id: matching by it would hand over nothing and hide the acceptance
  const id = typeof warehouseOrderId === 'string' && warehouseOrderId.length > 0 ? warehouseOrderId : null;
  const kind = record.recordType === 'lading.wms.WarehouseOrderAccepted' ? 'WarehouseOrderAccepted' : 'WarehouseOrderCancelled';
  return fact(inbound, { source: 'warehouse', fact: { kind, tenantId: meta.tenantId, orderId, siteId, warehouseOrderId: id, occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt') } });
}

// ---------------------------------------------------------------------------------------------
// Outbound: stored decisions → records
// ---------------------------------------------------------------------------------------------

/** Domain hold reason → Avro `HoldReasonCode`; a new domain code fails to compile until mapped here. */
export const AVRO_HOLD_REASON_CODE: Readonly<Record<HoldReasonCode, AvroHoldReasonCode>> = {
  CREDIT_HOLD: 'CREDIT_HOLD',
  INVALID_LINES: 'INVALID_LINES',
  INVALID_ADDRESS: 'INVALID_ADDRESS',
  INSUFFICIENT_INVENTORY: 'INSUFFICIENT_INVENTORY',
  UNKNOWN_SITE: 'UNKNOWN_SITE',
  WAREHOUSE_CLOSED: 'WAREHOUSE_CLOSED',
  PAST_CUT_OFF: 'PAST_CUT_OFF',
  NO_CAPACITY: 'WAREHOUSE_AT_CAPACITY',
};

/** The Avro hold reasons of a domain hold: code mapped, the domain's readable message as detail. */
export function avroHoldReasonsFrom(reasons: readonly HoldReason[]): { code: AvroHoldReasonCode; detail: string | null }[] {
  return reasons.map((reason) => ({ code: AVRO_HOLD_REASON_CODE[reason.code], detail: reason.message }));
}

/** A release line as an Avro order line, numbered with the first ERP line it covers. */
function avroLineFrom(line: ReleaseLine): AvroOrderLine {
  return { lineNumber: line.lineNumbers[0] ?? 0, sku: line.sku, quantity: { value: line.quantity, unit: avroUnitOfMeasure(line.unitOfMeasure as UnitOfMeasure) }, unitPrice: null };
}

/** The contract wants an instant: the start (UTC) of the promised date, never later than the promise; without one, the release. */
function promisedDeliveryAt(promisedDate: LocalDate | undefined, releasedAt: string): number {
  const promised = promisedDate === undefined ? Number.NaN : Date.parse(`${promisedDate}T00:00:00.000Z`);
  return Number.isNaN(promised) ? Date.parse(releasedAt) : promised;
}

/** The order-release events the relay publishes (it reads only these). */
export const PUBLISHED_ORDER_RELEASE_EVENTS: readonly OrderReleaseMessage['type'][] = ['OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse', 'CancelWarehouseOrder'];

/**
 * The records to publish for one stored decision: OrderHeld and OrderReleased become the
 * orchestration events, the warehouse commands WMS commands; the other messages are internal
 * (no contract carries them; a cancel reaches the WMS as CancelWarehouseOrder).
 */
export function outgoingRecordsFor(naming: RecordNaming, stored: PublishedStoredEvent<OrderReleaseMessage>): OutgoingRecord<RecordTypeName>[] {
  const message = stored.payload;
  if (stored.eventType !== message.type) throw new NonRetriableError(`stored event ${stored.eventId} is typed ${stored.eventType} but holds a ${message.type}`, 'EVENT_TYPE_MISMATCH');
  switch (message.type) {
    case 'OrderHeld': {
      const { orderId, siteId, reasons, heldAt } = message.data;
      const type = 'lading.orchestration.OrderHeld';
      return [naming.record(stored, type, { meta: naming.metaFor(stored, type, heldAt), orderId, siteId, reasons: avroHoldReasonsFrom(reasons) })];
    }
    case 'OrderReleased': {
      const { orderId, siteId, lines, releasedAt } = message.data;
      const type = 'lading.orchestration.OrderReleased';
      return [naming.record(stored, type, { meta: naming.metaFor(stored, type, releasedAt), orderId, siteId, lines: lines.map(avroLineFrom) })];
    }
    case 'ReleaseOrderToWarehouse': {
      const { orderId, siteId, lines, shipTo, promisedDate, releasedAt, warehouseOrderId } = message.data;
      const type = 'lading.commands.ReleaseOrderToWarehouse';
      const value = {
        meta: naming.metaFor(stored, type, releasedAt),
        orderId,
        siteId,
        lines: lines.map(avroLineFrom),
        shipTo: avroAddressFrom(shipTo),
        promisedDeliveryAt: promisedDeliveryAt(promisedDate, releasedAt),
        warehouseOrderId,
      };
      return [naming.record(stored, type, value)];
    }
    case 'CancelWarehouseOrder': {
      const { orderId, siteId, reason, requestedAt, warehouseOrderId } = message.data;
      const type = 'lading.commands.CancelWarehouseOrder';
      return [naming.record(stored, type, { meta: naming.metaFor(stored, type, requestedAt), orderId, siteId, reason, warehouseOrderId })];
    }
    case 'OrderReceived':
    case 'AmendmentDeferred':
    case 'OrderAmended':
    case 'AmendmentRefused':
    case 'OrderCancelled':
      return [];
    default:
      return assertNever(message, 'order-release message');
  }
}
