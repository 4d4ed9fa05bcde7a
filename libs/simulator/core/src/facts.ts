/**
 * What the simulated systems publish: plain typed facts, each stamped with the moment the
 * system publishes it ("at time T, system S publishes fact F"). The lead maps them to the Avro
 * contracts and Kafka topics; nothing here knows about either.
 */

export type SimulatedSystem = 'ERP' | 'WMS';

export interface Address {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
}

export interface OrderLine {
  lineNumber: number;
  sku: string;
  quantity: number;
  unitOfMeasure: string;
}

export type FulfilmentPolicy = 'SHIP_COMPLETE' | 'ALLOW_PARTIAL';

// --- ERP -------------------------------------------------------------------------------------

export interface OrderPlaced {
  type: 'OrderPlaced';
  orderId: string;
  tenantId: string;
  customerId: string;
  siteId: string;
  revision: number;
  placedAt: string;
  /** `YYYY-MM-DD`. */
  promisedDate: string;
  fulfilment: FulfilmentPolicy;
  shipTo: Address;
  lines: OrderLine[];
}

export interface OrderAmended {
  type: 'OrderAmended';
  orderId: string;
  tenantId: string;
  revision: number;
  amendedAt: string;
  /** Fields present replace the order's fields whole. */
  changes: { lines?: OrderLine[]; shipTo?: Address; promisedDate?: string };
  /** The whole order after the amendment: contracts carry the complete state, not a delta. */
  order: { siteId: string; lines: OrderLine[]; shipTo: Address; promisedDate: string };
}

export interface OrderCancelled {
  type: 'OrderCancelled';
  orderId: string;
  tenantId: string;
  reason: string;
  cancelledAt: string;
}

export interface CreditHoldPlaced {
  type: 'CreditHoldPlaced';
  tenantId: string;
  customerId: string;
  /** The ERP's id of this hold; the release names it. */
  holdId: string;
  reason: string;
}

export interface CreditHoldReleased {
  type: 'CreditHoldReleased';
  tenantId: string;
  customerId: string;
  holdId: string;
}

export type ErpFact = OrderPlaced | OrderAmended | OrderCancelled | CreditHoldPlaced | CreditHoldReleased;

// --- WMS -------------------------------------------------------------------------------------

/** A site's status, reported once by the site's operator for every tenant it serves. */
export interface SiteStatusChanged {
  type: 'SiteStatusChanged';
  siteId: string;
  /** The site's operator, who reports it (not a tenant: the site is not tenant data). */
  operator: string;
  status: 'OPEN' | 'CLOSED';
  timeZone: string;
  releaseWindow: { opensAt: string; cutOff: string };
  dailyCapacity: number;
  reason?: string;
}

export type InventoryChangeReason = 'INITIAL' | 'RECEIPT' | 'PICK' | 'ADJUSTMENT' | 'PUTAWAY';

/** The WMS is the system of record for stock: `onHand` is absolute, so a lost message heals at the next one. */
export interface InventoryLevelChanged {
  type: 'InventoryLevelChanged';
  tenantId: string;
  siteId: string;
  sku: string;
  onHand: number;
  /** Change from the previous level (negative for picks and losses). */
  delta: number;
  unitOfMeasure: string;
  reason: InventoryChangeReason;
}

export interface WarehouseOrderAccepted {
  type: 'WarehouseOrderAccepted';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
}

export interface PickedLine {
  sku: string;
  ordered: number;
  picked: number;
  unitOfMeasure: string;
}

export interface WarehouseOrderPicked {
  type: 'WarehouseOrderPicked';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
  lines: PickedLine[];
  /** True when any line was picked short; nothing is packed when nothing was picked. */
  short: boolean;
}

export interface Package {
  packageId: string;
  weightKg: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
  contents: { sku: string; quantity: number }[];
}

export interface OrderPacked {
  type: 'OrderPacked';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
  packages: Package[];
}

export interface OrderShipped {
  type: 'OrderShipped';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
  packageIds: string[];
}

export interface WarehouseOrderCancelled {
  type: 'WarehouseOrderCancelled';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
}

export interface WarehouseCancellationRejected {
  type: 'WarehouseCancellationRejected';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
  reason: 'ALREADY_SHIPPED' | 'UNKNOWN_WAREHOUSE_ORDER';
}

export type WmsFact =
  | SiteStatusChanged
  | InventoryLevelChanged
  | WarehouseOrderAccepted
  | WarehouseOrderPicked
  | OrderPacked
  | OrderShipped
  | WarehouseOrderCancelled
  | WarehouseCancellationRejected;

/** At `at`, `system` publishes `fact`. */
export interface SimulatedFact<F = ErpFact | WmsFact> {
  /** When the system publishes it (ISO-8601). */
  at: string;
  system: SimulatedSystem;
  /** Deterministic for the seed; a duplicate publication repeats it. */
  eventId: string;
  /** The tenant the fact belongs to; for a site's status (SiteStatusChanged), the site's operator. */
  tenantId: string;
  /**
   * The business key the fact belongs to: order id, `tenant@sku@site`, site id or customer id.
   * Order and customer ids repeat across tenants: only with `tenantId` is it unique.
   */
  key: string;
  fact: F;
}

// --- Commands the WMS answers -------------------------------------------------------------------

export interface ReleaseOrderToWarehouseCommand {
  type: 'ReleaseOrderToWarehouse';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
  lines: { sku: string; quantity: number; unitOfMeasure: string }[];
}

export interface CancelWarehouseOrderCommand {
  type: 'CancelWarehouseOrder';
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
}

export type WarehouseCommandInput = ReleaseOrderToWarehouseCommand | CancelWarehouseOrderCommand;
