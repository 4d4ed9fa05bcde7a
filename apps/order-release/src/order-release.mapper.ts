import { createHash } from 'node:crypto';
import {
  keyOf,
  schemaVersions,
  topicForRecordType,
  type Address,
  type CreditHoldPlaced,
  type CreditHoldReleased,
  type ErpCreditV1Record,
  type ErpOrdersV1Record,
  type EventMeta,
  type FulfilmentPolicy as AvroFulfilmentPolicy,
  type HoldReasonCode as AvroHoldReasonCode,
  type InventoryLevelChanged,
  type OrderAmended as ErpOrderAmended,
  type OrderCancelled as ErpOrderCancelled,
  type OrderLine as AvroOrderLine,
  type OrderPlaced as ErpOrderPlaced,
  type RecordTypes,
  type SiteStatus,
  type UnitOfMeasure as AvroUnitOfMeasure,
  type WarehouseStatusChanged,
  type WmsFulfilmentV1Record,
  type WmsInventoryV1Record,
  type WmsSitesV1Record,
} from '@lading/contracts';
import { assertNever } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import type {
  CancelOrder,
  CreditStanding,
  FulfilmentPolicy,
  HoldReason,
  HoldReasonCode,
  LocalDate,
  OrderAmendment,
  OrderDetails,
  OrderLine,
  OrderReleaseMessage,
  ReleaseLine,
  ReleaseTrigger,
  ReleaseWindow,
  ShipTo,
  SiteReadiness,
  StockPosition,
  UnitOfMeasure,
} from '@lading/order-release-domain';

// =============================================================================================
// The one place where order-release meets the Avro contracts (STYLE: one *.mapper.ts per app).
// Inbound records become the decider's command payloads or plain facts for the read models;
// stored decider messages become outgoing records. Nothing here decides anything: a value the
// domain cannot accept is passed on in a form the domain rejects with a reason.
// =============================================================================================

// ---------------------------------------------------------------------------------------------
// Shared conversions
// ---------------------------------------------------------------------------------------------

/** Avro unit symbol → domain unit code. LITRE and UNKNOWN have none: the domain does not stock them. */
const DOMAIN_UNIT_OF: Readonly<Record<AvroUnitOfMeasure, UnitOfMeasure | undefined>> = {
  UNKNOWN: undefined,
  EACH: 'EA',
  CASE: 'CS',
  PALLET: 'PL',
  KILOGRAM: 'KG',
  POUND: 'LB',
  LITRE: undefined,
  METRE: 'M',
};

/** Domain unit code → Avro unit symbol. The contract has no pack unit (PK). */
const AVRO_UNIT_OF: Readonly<Record<UnitOfMeasure, AvroUnitOfMeasure | undefined>> = {
  EA: 'EACH',
  PK: undefined,
  CS: 'CASE',
  PL: 'PALLET',
  KG: 'KILOGRAM',
  LB: 'POUND',
  M: 'METRE',
};

/**
 * The domain's unit code for an Avro unit, or the Avro symbol itself when the domain has no such
 * unit (`LITRE`, `UNKNOWN`): the domain then finds the line invalid (UNKNOWN_UNIT_OF_MEASURE),
 * or a stocked unit nobody can order in (UNIT_NOT_STOCKED), and holds the order with that reason.
 */
export function unitOfMeasureFrom(unit: AvroUnitOfMeasure): string {
  return DOMAIN_UNIT_OF[unit] ?? unit;
}

/** The Avro unit for a domain unit; throws for PK, which the contract cannot express (see README). */
export function avroUnitOfMeasure(unit: UnitOfMeasure): AvroUnitOfMeasure {
  const symbol = AVRO_UNIT_OF[unit];
  if (!symbol) throw new NonRetriableError(`unit of measure ${unit} has no symbol in lading.common.UnitOfMeasure`, 'UNIT_NOT_IN_CONTRACT');
  return symbol;
}

/** ISO-8601 of an Avro timestamp-millis; an instant JS cannot represent is a malformed record (dead-lettered). */
function isoInstant(epochMillis: number, field: string): string {
  const date = new Date(epochMillis);
  if (Number.isNaN(date.getTime())) throw new NonRetriableError(`${field} ${epochMillis} is not a representable instant`, 'INVALID_TIMESTAMP');
  return date.toISOString();
}

/**
 * The promised delivery as the domain keeps it: a calendar date, taken in UTC because the
 * contract carries an instant and no zone. The time of day is not kept (see `promisedDeliveryAt`).
 */
function promisedDateFrom(epochMillis: number): LocalDate {
  return isoInstant(epochMillis, 'promisedDeliveryAt').slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Inbound: ERP orders → command payloads
// ---------------------------------------------------------------------------------------------

/**
 * The revision an ERP placement has. `OrderAmended.amendmentNumber` counts amendments from 1, so
 * the placement is amendment 0 and the domain's revision is the ERP's amendment number: the
 * first amendment (1) is newer than the placement, a redelivered one is not.
 */
export const ERP_PLACEMENT_REVISION = 0;

/**
 * Avro fulfilment policy → the domain's. A producer before OrderPlaced v2 sends none (the reader
 * default is SHIP_COMPLETE); UNKNOWN (a policy added after this build) is taken as SHIP_COMPLETE,
 * the policy that never splits an order the ERP may not want split.
 */
const DOMAIN_FULFILMENT_POLICY_OF: Readonly<Record<AvroFulfilmentPolicy, FulfilmentPolicy>> = {
  UNKNOWN: 'SHIP_COMPLETE',
  SHIP_COMPLETE: 'SHIP_COMPLETE',
  ALLOW_PARTIAL: 'ALLOW_PARTIAL',
};

export function fulfilmentPolicyFrom(policy: AvroFulfilmentPolicy): FulfilmentPolicy {
  return DOMAIN_FULFILMENT_POLICY_OF[policy] ?? 'SHIP_COMPLETE';
}

/** What the decider's metadata records about the inbound message that caused a decision. */
export interface InboundCause {
  correlationId: string;
  /** The inbound record's eventId, so published consequences name their cause. */
  causationId: string;
  /** The inbound record's occurred-at on its source clock (epoch milliseconds). */
  occurredAt: number;
  traceparent?: string;
}

/**
 * The stored-event metadata for a decision caused by an inbound record (`traceparent` from the
 * Kafka headers). A credit, stock or site fact re-evaluates orders of other journeys: pass the
 * held order's `correlationId` so its events stay on its own journey.
 */
export function inboundCauseOf(meta: EventMeta, options: { traceparent?: string; correlationId?: string } = {}): InboundCause {
  const { traceparent, correlationId = meta.correlationId } = options;
  return { correlationId, causationId: meta.eventId, occurredAt: meta.occurredAt, ...(traceparent === undefined ? {} : { traceparent }) };
}

function orderLineFrom(line: AvroOrderLine): OrderLine {
  return { lineNumber: line.lineNumber, sku: line.sku, quantity: line.quantity.value, unitOfMeasure: unitOfMeasureFrom(line.quantity.unit) };
}

/** A missing addressee becomes blank, which the domain holds as INVALID_ADDRESS (name MISSING). */
function shipToFrom(address: Address): ShipTo {
  return {
    name: address.name ?? '',
    line1: address.line1,
    ...(address.line2 === null ? {} : { line2: address.line2 }),
    city: address.city,
    ...(address.region === null ? {} : { region: address.region }),
    ...(address.postalCode === null ? {} : { postalCode: address.postalCode }),
    countryCode: address.countryCode,
  };
}

/** `OrderPlaced` → the order of a `PlaceOrder` command. The order total is not used by release. */
export function orderDetailsFrom(record: ErpOrderPlaced): OrderDetails {
  return {
    orderId: record.orderId,
    tenantId: record.meta.tenantId,
    customerId: record.customerId,
    siteId: record.siteId,
    revision: ERP_PLACEMENT_REVISION,
    placedAt: isoInstant(record.meta.occurredAt, 'meta.occurredAt'),
    promisedDate: promisedDateFrom(record.promisedDeliveryAt),
    fulfilment: fulfilmentPolicyFrom(record.fulfilmentPolicy),
    shipTo: shipToFrom(record.shipTo),
    lines: record.lines.map(orderLineFrom),
  };
}

/** An ERP amendment: what the decider takes, and the site the ERP now names. */
export interface AmendmentFromErp {
  amendment: OrderAmendment;
  /**
   * The site the ERP assigns after the amendment. The domain cannot move an order between sites
   * (its amendment has no site), so the app compares this with the order's site and reports a
   * reassignment rather than letting it vanish.
   */
  assignedSiteId: string;
}

/** `OrderAmended` (complete new lines, address and promise) → the payload of an `AmendOrder` command. */
export function orderAmendmentFrom(record: ErpOrderAmended): AmendmentFromErp {
  return {
    amendment: {
      orderId: record.orderId,
      revision: record.amendmentNumber,
      amendedAt: isoInstant(record.meta.occurredAt, 'meta.occurredAt'),
      changes: { lines: record.lines.map(orderLineFrom), shipTo: shipToFrom(record.shipTo), promisedDate: promisedDateFrom(record.promisedDeliveryAt) },
    },
    assignedSiteId: record.siteId,
  };
}

/** Used when the ERP gives no cancellation reason: the domain's events always carry one. */
export const ERP_CANCEL_REASON_UNSTATED = 'cancelled in the ERP (no reason given)';

/** `OrderCancelled` → the payload of a `CancelOrder` command. */
export function cancelOrderFrom(record: ErpOrderCancelled): CancelOrder['data'] {
  return { orderId: record.orderId, reason: record.reason ?? ERP_CANCEL_REASON_UNSTATED, cancelledAt: isoInstant(record.meta.occurredAt, 'meta.occurredAt') };
}

/** What an `erp.orders.v1` record asks of the decider, before the app adds the release context. */
export type ErpOrderInput =
  | { command: 'PlaceOrder'; order: OrderDetails; cause: InboundCause }
  | { command: 'AmendOrder'; amendment: OrderAmendment; assignedSiteId: string; cause: InboundCause }
  | { command: 'CancelOrder'; cancel: CancelOrder['data']; cause: InboundCause };

/** Maps any decoded `erp.orders.v1` record (as the serde returns it, discriminated by recordType). */
export function erpOrderInputFrom(record: ErpOrdersV1Record, traceparent?: string): ErpOrderInput {
  const cause = inboundCauseOf(record.value.meta, { traceparent });
  switch (record.recordType) {
    case 'lading.erp.OrderPlaced':
      return { command: 'PlaceOrder', order: orderDetailsFrom(record.value), cause };
    case 'lading.erp.OrderAmended':
      return { command: 'AmendOrder', ...orderAmendmentFrom(record.value), cause };
    case 'lading.erp.OrderCancelled':
      return { command: 'CancelOrder', cancel: cancelOrderFrom(record.value), cause };
    default:
      return assertNever(record, 'erp.orders.v1 record');
  }
}

// ---------------------------------------------------------------------------------------------
// Inbound: credit, inventory and site facts for the read models
// ---------------------------------------------------------------------------------------------

/** One credit hold as the credit read model keeps it (key: tenant, customer, holdId). */
export interface CreditHoldFact {
  tenantId: string;
  customerId: string;
  holdId: string;
  /** The one order the hold covers; null when it covers every order of the customer. */
  orderId: string | null;
  occurredAt: string;
}

export type CreditFact = ({ kind: 'CreditHoldPlaced'; reason: string } & CreditHoldFact) | ({ kind: 'CreditHoldReleased' } & CreditHoldFact);

export function creditHoldPlacedFrom(record: CreditHoldPlaced): CreditFact {
  const { meta, customerId, holdId, orderId, reason } = record;
  return { kind: 'CreditHoldPlaced', tenantId: meta.tenantId, customerId, holdId, orderId, reason, occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt') };
}

export function creditHoldReleasedFrom(record: CreditHoldReleased): CreditFact {
  const { meta, customerId, holdId, orderId } = record;
  return { kind: 'CreditHoldReleased', tenantId: meta.tenantId, customerId, holdId, orderId, occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt') };
}

/**
 * The credit standing of one order's customer from the holds in force (placed and not yet
 * released): on hold when a customer-wide hold or a hold on this very order is in force.
 */
export function creditStandingFor(holdsInForce: readonly CreditHoldFact[], order: Pick<OrderDetails, 'tenantId' | 'customerId' | 'orderId'>): CreditStanding {
  const onHold = holdsInForce.some(
    (hold) => hold.tenantId === order.tenantId && hold.customerId === order.customerId && (hold.orderId === null || hold.orderId === order.orderId),
  );
  return { customerId: order.customerId, onHold };
}

/** The latest stock level of one sku@site (the WMS sends absolute levels; the newest wins). */
export interface StockLevelFact {
  tenantId: string;
  siteId: string;
  sku: string;
  onHand: number;
  /** What the WMS has already allocated to released orders. */
  allocated: number;
  /**
   * The domain unit the SKU is stocked in; the Avro symbol when the domain has no such unit, or
   * `MIXED(<on hand>,<allocated>)` when the WMS reports the two in different units. Neither
   * matches an order line's unit, so lines for the SKU are held as UNIT_NOT_STOCKED.
   */
  unitOfMeasure: string;
  changeReason: string | null;
  occurredAt: string;
}

export function stockLevelFrom(record: InventoryLevelChanged): StockLevelFact {
  const { meta, sku, siteId, onHand, allocated, changeReason } = record;
  const onHandUnit = unitOfMeasureFrom(onHand.unit);
  const allocatedUnit = unitOfMeasureFrom(allocated.unit);
  // nothing allocated is 0 of any unit; a real amount in another unit cannot be subtracted
  const unitOfMeasure = allocated.value === 0 || allocatedUnit === onHandUnit ? onHandUnit : `MIXED(${onHandUnit},${allocatedUnit})`;
  return {
    tenantId: meta.tenantId,
    siteId,
    sku,
    onHand: onHand.value,
    allocated: allocated.value,
    unitOfMeasure,
    changeReason,
    occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt'),
  };
}

/**
 * The domain's stock position of a SKU: on hand, minus what the WMS has allocated, minus what
 * order-release has reserved for releases the WMS level does not reflect yet (`reservedNotYetAllocated`,
 * from the app's reservation table), never below 0. No level yet → nothing available.
 */
export function stockPositionOf(level: StockLevelFact | undefined, reservedNotYetAllocated: number, awaitedByOlderOrders: number): StockPosition {
  if (!level) return { available: 0, awaitedByOlderOrders };
  const available = Math.max(0, Math.round((level.onHand - level.allocated - reservedNotYetAllocated) * 1000) / 1000);
  return { available: Number.isFinite(available) ? available : 0, awaitedByOlderOrders, unitOfMeasure: level.unitOfMeasure };
}

/** The latest status of a warehouse site (the WMS sends the full status; the newest wins). */
export interface SiteStatusFact {
  tenantId: string;
  siteId: string;
  /** UNKNOWN: a status this build does not know (reader default); the site is not ready. */
  status: SiteStatus;
  /** IANA zone as reported; the domain holds orders as UNKNOWN_SITE when it does not know it. */
  timeZone: string;
  releaseWindow: ReleaseWindow;
  dailyCapacity: number;
  /** The WMS's own count of orders it accepted today; order-release counts its releases itself. */
  ordersAcceptedToday: number;
  occurredAt: string;
}

/**
 * Where a site states no opening (`releaseWindowOpensAt` null: a producer before v2, or a site
 * without one) it takes releases from local midnight until its cut-off; a cut-off at midnight (0)
 * then means open around the clock (`opensAt` = `cutOff`). A stated opening after the cut-off is
 * a window across midnight (a night shift, 14:00–02:00), which the domain's calendar handles.
 */
export const SITE_WINDOW_OPENS_AT = '00:00';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `time-millis` after local midnight → `HH:mm`, seconds dropped (an earlier cut-off, never a
 * later one). Outside a day it becomes text the domain refuses as a release window (UNKNOWN_SITE).
 */
export function localTimeFrom(millisAfterMidnight: number): string {
  if (!Number.isInteger(millisAfterMidnight) || millisAfterMidnight < 0 || millisAfterMidnight >= DAY_MS) return `invalid(${millisAfterMidnight}ms)`;
  const minutes = Math.floor(millisAfterMidnight / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function siteStatusFrom(record: WarehouseStatusChanged): SiteStatusFact {
  const { meta, siteId, status, cutOffLocalTime, releaseWindowOpensAt, timeZone, dailyOrderCapacity, ordersReleasedToday } = record;
  return {
    tenantId: meta.tenantId,
    siteId,
    status,
    timeZone,
    releaseWindow: { opensAt: releaseWindowOpensAt === null ? SITE_WINDOW_OPENS_AT : localTimeFrom(releaseWindowOpensAt), cutOff: localTimeFrom(cutOffLocalTime) },
    dailyCapacity: dailyOrderCapacity,
    ordersAcceptedToday: ordersReleasedToday,
    occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt'),
  };
}

/**
 * The domain's readiness of a site, with the releases order-release counted for an operating
 * day. Undefined — the domain's UNKNOWN_SITE — when the site never reported or reported a status
 * this build does not know; a bad zone or window is left for the domain to refuse the same way.
 */
export function siteReadinessOf(fact: SiteStatusFact | undefined, releasedOrders: SiteReadiness['releasedOrders']): SiteReadiness | undefined {
  if (!fact || fact.status === 'UNKNOWN') return undefined;
  return { siteId: fact.siteId, timeZone: fact.timeZone, status: fact.status, releaseWindow: fact.releaseWindow, dailyCapacity: fact.dailyCapacity, releasedOrders };
}

/** A fact from a credit, inventory or site topic, as the read models store it. */
export type ReleaseFact = CreditFact | ({ kind: 'StockLevel' } & StockLevelFact) | ({ kind: 'SiteStatus' } & SiteStatusFact);

/** Maps any decoded record of `erp.credit.v1`, `wms.inventory.v1` or `wms.sites.v1`. */
export function releaseFactFrom(record: ErpCreditV1Record | WmsInventoryV1Record | WmsSitesV1Record): ReleaseFact {
  switch (record.recordType) {
    case 'lading.erp.CreditHoldPlaced':
      return creditHoldPlacedFrom(record.value);
    case 'lading.erp.CreditHoldReleased':
      return creditHoldReleasedFrom(record.value);
    case 'lading.wms.InventoryLevelChanged':
      return { kind: 'StockLevel', ...stockLevelFrom(record.value) };
    case 'lading.wms.WarehouseStatusChanged':
      return { kind: 'SiteStatus', ...siteStatusFrom(record.value) };
    default:
      return assertNever(record, 'release fact record');
  }
}

/** Which held orders a stored fact may let go (`heldOrdersToReevaluate`). */
export function releaseTriggerFor(fact: ReleaseFact): ReleaseTrigger {
  switch (fact.kind) {
    case 'CreditHoldPlaced':
      return { kind: 'CREDIT_CHANGED', tenantId: fact.tenantId, customerId: fact.customerId, onHold: true };
    case 'CreditHoldReleased':
      // another hold may still be in force; re-evaluating reads the standing again, so this is safe
      return { kind: 'CREDIT_CHANGED', tenantId: fact.tenantId, customerId: fact.customerId, onHold: false };
    case 'StockLevel':
      return { kind: 'INVENTORY_CHANGED', tenantId: fact.tenantId, siteId: fact.siteId, sku: fact.sku };
    case 'SiteStatus':
      return { kind: 'SITE_STATUS_CHANGED', siteId: fact.siteId };
    default:
      return assertNever(fact, 'release fact');
  }
}

// ---------------------------------------------------------------------------------------------
// Inbound: WMS fulfilment progress
// ---------------------------------------------------------------------------------------------

/**
 * A step the WMS reports for a warehouse order. `warehouseOrderId` is the id order-release sent
 * on ReleaseOrderToWarehouse (echoed by the WMS); null when a WMS before the v2 contracts does
 * not echo it, and then the order's warehouse orders are matched by `orderId`.
 */
export interface WarehouseProgressFact {
  kind: 'WarehouseOrderAccepted' | 'WarehouseOrderCancelled' | 'OrderPicked' | 'OrderPacked' | 'OrderShipped';
  tenantId: string;
  orderId: string;
  siteId: string;
  warehouseOrderId: string | null;
  occurredAt: string;
}

/**
 * Maps any decoded `wms.fulfilment.v1` record. Acceptance is what hands a reservation over to the
 * WMS (`markHandedOver`); a cancellation at the warehouse frees it (`freeCancelledWarehouseOrder`).
 */
export function warehouseProgressFrom(record: WmsFulfilmentV1Record): WarehouseProgressFact {
  const { meta, orderId, siteId, warehouseOrderId } = record.value;
  const kind = record.recordType.slice('lading.wms.'.length) as WarehouseProgressFact['kind'];
  // an empty id is no id: matching by it would hand over nothing and hide the acceptance
  const id = typeof warehouseOrderId === 'string' && warehouseOrderId.length > 0 ? warehouseOrderId : null;
  return { kind, tenantId: meta.tenantId, orderId, siteId, warehouseOrderId: id, occurredAt: isoInstant(meta.occurredAt, 'meta.occurredAt') };
}

// ---------------------------------------------------------------------------------------------
// Outbound: stored decider messages → Kafka records
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

/** The metadata the order-release app records with every appended message. */
export interface OrderReleaseEventMetadata {
  correlationId: string;
  causationId?: string | null;
  occurredAt?: number;
  traceparent?: string;
}

/** A decider message as the event store hands it to the outbox relay. */
export interface StoredOrderReleaseEvent {
  eventId: string;
  eventType: string;
  streamId: string;
  tenantId: string;
  payload: OrderReleaseMessage;
  metadata: OrderReleaseEventMetadata;
  recordedAt: Date;
}

/** The records order-release publishes. */
export type OrderReleaseRecordType =
  | 'lading.orchestration.OrderHeld'
  | 'lading.orchestration.OrderReleased'
  | 'lading.commands.ReleaseOrderToWarehouse'
  | 'lading.commands.CancelWarehouseOrder';

/** Kafka headers of a published record: W3C trace context rides here, not in the Avro meta. */
export interface OutgoingHeaders {
  traceparent?: string;
}

/** One record to produce: topic and key from the topic catalog, value typed by its record type. */
export type OutgoingRecord = {
  [R in OrderReleaseRecordType]: { topic: string; recordType: R; key: string; value: RecordTypes[R]; headers: OutgoingHeaders };
}[OrderReleaseRecordType];

/** Namespace of the name-based (v5) UUIDs of order-release's published records. */
export const ORDER_RELEASE_EVENT_ID_NAMESPACE = '4dd9fff7-a78b-4eab-aed0-514843cdd881';

const namespaceBytes = new Map<string, Buffer>();

/** RFC 4122 version-5 UUID (SHA-1, name-based): the same name always gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  // every record the relay publishes needs one: the namespace's bytes are parsed once
  let space = namespaceBytes.get(namespace);
  if (!space) namespaceBytes.set(namespace, (space = Buffer.from(namespace.replace(/-/g, ''), 'hex')));
  const bytes = createHash('sha1').update(space).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The eventId of a published record: derived from the stored event and the record type, so a
 * relay that publishes the same stored event again (crash before its checkpoint) sends the same
 * id and downstream inboxes drop the duplicate.
 */
export function publishedEventId(storedEventId: string, recordType: OrderReleaseRecordType): string {
  return uuidV5(`${storedEventId}/${recordType}`, ORDER_RELEASE_EVENT_ID_NAMESPACE);
}

function metaFor(stored: StoredOrderReleaseEvent, recordType: OrderReleaseRecordType, decidedAt: string): EventMeta {
  return {
    eventId: publishedEventId(stored.eventId, recordType),
    tenantId: stored.tenantId,
    correlationId: stored.metadata.correlationId,
    causationId: stored.metadata.causationId ?? null,
    // the decision's own instant (context.now), not the cause's: that one is in the cause's meta
    occurredAt: Date.parse(decidedAt),
    recordedAt: stored.recordedAt.getTime(),
    sourceSystem: 'ORDER_RELEASE',
    schemaVersion: schemaVersions[recordType],
  };
}

function outgoing<R extends OrderReleaseRecordType>(stored: StoredOrderReleaseEvent, recordType: R, value: RecordTypes[R]): OutgoingRecord {
  const topic = topicForRecordType(recordType).name;
  const { traceparent } = stored.metadata;
  return { topic, recordType, key: keyOf(topic, value), value, headers: traceparent === undefined ? {} : { traceparent } } as OutgoingRecord;
}

/**
 * A release line as an Avro order line: one per SKU, numbered with the first ERP line it covers
 * (merged duplicates keep only that number; their quantities are already summed).
 */
function avroLineFrom(line: ReleaseLine): AvroOrderLine {
  return { lineNumber: line.lineNumbers[0] ?? 0, sku: line.sku, quantity: { value: line.quantity, unit: avroUnitOfMeasure(line.unitOfMeasure) }, unitPrice: null };
}

function avroAddressFrom(shipTo: ShipTo): Address {
  return {
    name: shipTo.name,
    line1: shipTo.line1,
    line2: shipTo.line2 ?? null,
    city: shipTo.city,
    region: shipTo.region ?? null,
    postalCode: shipTo.postalCode ?? null,
    countryCode: shipTo.countryCode,
  };
}

/**
 * The contract wants an instant: the start (UTC) of the promised date, the earliest reading of a
 * date, so the warehouse never deprioritises the order. Without a promise, the release itself.
 */
function promisedDeliveryAt(promisedDate: LocalDate | undefined, releasedAt: string): number {
  const promised = promisedDate === undefined ? Number.NaN : Date.parse(`${promisedDate}T00:00:00.000Z`);
  return Number.isNaN(promised) ? Date.parse(releasedAt) : promised;
}

/** The Avro hold reasons of a domain hold: code mapped, the domain's readable message as detail. */
export function avroHoldReasonsFrom(reasons: readonly HoldReason[]): { code: AvroHoldReasonCode; detail: string | null }[] {
  return reasons.map((reason) => ({ code: AVRO_HOLD_REASON_CODE[reason.code], detail: reason.message }));
}

/**
 * The records to publish for one stored decider message. OrderHeld and OrderReleased become the
 * orchestration events, the warehouse commands become WMS commands; OrderReceived,
 * AmendmentDeferred, OrderAmended, AmendmentRefused and OrderCancelled are internal (no contract
 * carries them) and publish nothing — a cancel reaches the WMS as CancelWarehouseOrder.
 */
/** The order-release events that `outgoingRecordsFor` turns into records: the relay reads only these. */
export const PUBLISHED_ORDER_RELEASE_EVENTS: readonly OrderReleaseMessage['type'][] = ['OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse', 'CancelWarehouseOrder'];

export function outgoingRecordsFor(stored: StoredOrderReleaseEvent): OutgoingRecord[] {
  const message = stored.payload;
  if (stored.eventType !== message.type)
    throw new NonRetriableError(`stored event ${stored.eventId} is typed ${stored.eventType} but holds a ${message.type}`, 'EVENT_TYPE_MISMATCH');
  switch (message.type) {
    case 'OrderHeld': {
      const { orderId, siteId, reasons, heldAt } = message.data;
      const recordType = 'lading.orchestration.OrderHeld';
      return [outgoing(stored, recordType, { meta: metaFor(stored, recordType, heldAt), orderId, siteId, reasons: avroHoldReasonsFrom(reasons) })];
    }
    case 'OrderReleased': {
      const { orderId, siteId, lines, releasedAt } = message.data;
      const recordType = 'lading.orchestration.OrderReleased';
      return [outgoing(stored, recordType, { meta: metaFor(stored, recordType, releasedAt), orderId, siteId, lines: lines.map(avroLineFrom) })];
    }
    case 'ReleaseOrderToWarehouse': {
      const { orderId, siteId, lines, shipTo, promisedDate, releasedAt, warehouseOrderId } = message.data;
      const recordType = 'lading.commands.ReleaseOrderToWarehouse';
      return [
        outgoing(stored, recordType, {
          meta: metaFor(stored, recordType, releasedAt),
          orderId,
          siteId,
          lines: lines.map(avroLineFrom),
          shipTo: avroAddressFrom(shipTo),
          promisedDeliveryAt: promisedDeliveryAt(promisedDate, releasedAt),
          warehouseOrderId,
        }),
      ];
    }
    case 'CancelWarehouseOrder': {
      const { orderId, siteId, reason, requestedAt, warehouseOrderId } = message.data;
      const recordType = 'lading.commands.CancelWarehouseOrder';
      return [outgoing(stored, recordType, { meta: metaFor(stored, recordType, requestedAt), orderId, siteId, reason, warehouseOrderId })];
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
