import type { AddressProblem, LocalDate, PostalAddress, ReleaseWindow, UnitOfMeasure } from '@lading/shared-domain';

/**
 * One stream per ERP order: `order-release:<orderId>`. It records what order-release decided
 * about the order (received, held and why, released to which warehouse order, amended,
 * cancelled) and the commands it sent to the warehouse, so the outbox publishes a command in
 * the same transaction that decided it.
 */
export const ORDER_RELEASE_STREAM_TYPE = 'order-release';

export function orderReleaseStreamId(orderId: string): string {
  return `${ORDER_RELEASE_STREAM_TYPE}:${orderId}`;
}

// ---------------------------------------------------------------------------------------------
// The order as the ERP states it
// ---------------------------------------------------------------------------------------------

/** An order line as the ERP sent it; validated by order-release, never trusted. */
export interface OrderLine {
  lineNumber: number;
  sku: string;
  quantity: number;
  unitOfMeasure: string;
}

/** The address an order ships to (the shared postal address rules validate it). */
export type ShipTo = PostalAddress;

/**
 * SHIP_COMPLETE: the order goes to the warehouse whole or not at all.
 * ALLOW_PARTIAL: what is in stock is released now, the rest is backordered (held for inventory)
 * and released as a further warehouse order when stock arrives.
 */
export type FulfilmentPolicy = 'SHIP_COMPLETE' | 'ALLOW_PARTIAL';

export interface OrderDetails {
  orderId: string;
  tenantId: string;
  customerId: string;
  /** The warehouse site the ERP assigned. */
  siteId: string;
  /** ERP revision; the placement is usually 1, each amendment higher. */
  revision: number;
  /** ERP's occurred-at for the placement (ISO-8601). */
  placedAt: string;
  promisedDate?: LocalDate;
  fulfilment: FulfilmentPolicy;
  shipTo: ShipTo;
  lines: OrderLine[];
}

/**
 * What an amendment changes. Each field present replaces the order's field whole (the ERP sends
 * the full new line set, not a diff); the site assignment cannot be amended.
 */
export interface OrderChanges {
  lines?: OrderLine[];
  shipTo?: ShipTo;
  fulfilment?: FulfilmentPolicy;
  promisedDate?: LocalDate;
  /**
   * The ERP reassigned the order to another warehouse site. Before release the order moves
   * (it is decided again at the new site, queued there from its original place in time);
   * after a release it is refused like any amendment.
   */
  siteId?: string;
}

export interface OrderAmendment {
  orderId: string;
  revision: number;
  /** ERP's occurred-at for the amendment (ISO-8601). */
  amendedAt: string;
  changes: OrderChanges;
}

/**
 * A line as order-release releases it: one per SKU. ERP lines for the same SKU in the same unit
 * are merged (their quantities summed, their line numbers kept), because availability and
 * reservation are per SKU: checking two lines of 5 each against 6 in stock one at a time would
 * pass both.
 */
export interface ReleaseLine {
  sku: string;
  quantity: number;
  unitOfMeasure: UnitOfMeasure;
  /** The ERP line numbers this line covers, ascending. */
  lineNumbers: number[];
}

// ---------------------------------------------------------------------------------------------
// The facts from outside the order stream that a release decision needs
// ---------------------------------------------------------------------------------------------

/** Credit standing of the order's customer, from the ERP's credit events (no event = not on hold). */
export interface CreditStanding {
  customerId: string;
  onHold: boolean;
}

/** Stock of one SKU at the order's site, in the SKU's stocking unit. */
export interface StockPosition {
  /** Available to promise: on hand minus what released orders have reserved. */
  available: number;
  /**
   * What older held orders at this site are waiting for (see `stockAwaitedByOlderOrders`): the
   * order being decided may not take it. 0 when no older order waits for this SKU.
   */
  awaitedByOlderOrders: number;
  /** The unit the SKU is stocked in; when given, lines must use it. */
  unitOfMeasure?: string;
}

export type SiteOperatingStatus = 'OPEN' | 'CLOSED';

export interface SiteReadiness {
  siteId: string;
  /** IANA zone of the site, e.g. `America/New_York`. Cut-offs are local to it. */
  timeZone: string;
  status: SiteOperatingStatus;
  releaseWindow: ReleaseWindow;
  /** Warehouse orders the site takes per operating day. */
  dailyCapacity: number;
  /** Warehouse orders already released for an operating day (count OrderReleased by operatingDay). */
  releasedOrders: { operatingDay: LocalDate; count: number };
  /**
   * Whether the site serves the order's tenant (the site directory): a shared 3PL site takes
   * only its clients' orders; another tenant's order is held as UNKNOWN_SITE.
   */
  servesTenant: boolean;
}

/**
 * A snapshot of everything outside the order stream that the release decision reads, built by
 * the app from its projections right before deciding (see `releaseContextNeededFor`). The
 * reservation itself is made atomically by the app; if it fails because another instance took
 * the stock, the app rebuilds the context and decides again.
 */
export interface ReleaseContext {
  credit: CreditStanding;
  /** The assigned site's readiness; absent when the site has never reported (→ UNKNOWN_SITE). */
  site?: SiteReadiness;
  /** Stock at the assigned site by SKU; a SKU missing here has nothing available. */
  inventory: Readonly<Record<string, StockPosition>>;
}

// ---------------------------------------------------------------------------------------------
// Why an order is held
// ---------------------------------------------------------------------------------------------

export type HoldReasonCode =
  | 'CREDIT_HOLD'
  | 'INVALID_LINES'
  | 'INVALID_ADDRESS'
  | 'INSUFFICIENT_INVENTORY'
  | 'UNKNOWN_SITE'
  | 'WAREHOUSE_CLOSED'
  | 'PAST_CUT_OFF'
  | 'NO_CAPACITY';

export type LineProblemCode =
  | 'NO_LINES'
  | 'MISSING_SKU'
  | 'NON_POSITIVE_QUANTITY'
  | 'FRACTIONAL_QUANTITY'
  | 'UNKNOWN_UNIT_OF_MEASURE'
  | 'CONFLICTING_UNITS_FOR_SKU'
  | 'DUPLICATE_LINE_NUMBER'
  | 'UNIT_NOT_STOCKED';

export interface LineProblem {
  /** null for problems of the line set as a whole (NO_LINES). */
  lineNumber: number | null;
  sku?: string;
  problem: LineProblemCode;
}


export interface Shortage {
  sku: string;
  requested: number;
  /** What this order could have taken (available minus what older orders wait for). */
  available: number;
  unitOfMeasure: UnitOfMeasure;
}

/** Every reason carries a human-readable `message`; the other fields are for machines. */
export type HoldReason =
  | { code: 'CREDIT_HOLD'; message: string; customerId: string }
  | { code: 'INVALID_LINES'; message: string; problems: LineProblem[] }
  | { code: 'INVALID_ADDRESS'; message: string; problems: AddressProblem[] }
  | { code: 'INSUFFICIENT_INVENTORY'; message: string; shortages: Shortage[] }
  | { code: 'UNKNOWN_SITE'; message: string; siteId: string }
  | { code: 'WAREHOUSE_CLOSED'; message: string; siteId: string }
  | { code: 'PAST_CUT_OFF'; message: string; siteId: string; nextWindowOpensAt: string }
  | { code: 'NO_CAPACITY'; message: string; siteId: string; operatingDay: LocalDate; dailyCapacity: number; nextWindowOpensAt: string };

/** Reasons only the order itself can cure (by amendment or a credit release), not the warehouse. */
export const ORDER_SPECIFIC_HOLD_REASONS: readonly HoldReasonCode[] = ['CREDIT_HOLD', 'INVALID_LINES', 'INVALID_ADDRESS'];
/** Reasons that hold every order at the site alike. */
export const SITE_HOLD_REASONS: readonly HoldReasonCode[] = ['UNKNOWN_SITE', 'WAREHOUSE_CLOSED', 'PAST_CUT_OFF', 'NO_CAPACITY'];

// ---------------------------------------------------------------------------------------------
// Events (what order-release decided) and the warehouse commands it sends
// ---------------------------------------------------------------------------------------------

export type OrderReceived = { type: 'OrderReceived'; data: { order: OrderDetails; receivedAt: string } };

/** An amendment that arrived before its order; applied when the order arrives. */
export type AmendmentDeferred = { type: 'AmendmentDeferred'; data: { amendment: OrderAmendment; deferredAt: string } };

export type OrderAmended = { type: 'OrderAmended'; data: { orderId: string; revision: number; changes: OrderChanges; amendedAt: string; recordedAt: string } };

export type AmendmentRefused = {
  type: 'AmendmentRefused';
  data: { orderId: string; revision: number; reason: 'ALREADY_RELEASED'; message: string; refusedAt: string };
};

export type OrderHeld = {
  type: 'OrderHeld';
  data: {
    orderId: string;
    tenantId: string;
    customerId: string;
    siteId: string;
    reasons: HoldReason[];
    /** The lines waiting: the whole order, or the backordered rest after a partial release. */
    heldLines: ReleaseLine[];
    /** True for the backordered rest of a partially released order. */
    backorder: boolean;
    /** When the order joined the queue; its place for oldest-first re-evaluation. */
    queuedSince: string;
    heldAt: string;
  };
};

export type OrderReleased = {
  type: 'OrderReleased';
  data: {
    orderId: string;
    tenantId: string;
    customerId: string;
    siteId: string;
    /** 1 for the first release; backorder releases count up. */
    releaseNumber: number;
    warehouseOrderId: string;
    /** What is reserved and sent to the warehouse. */
    lines: ReleaseLine[];
    /** What is left waiting (ALLOW_PARTIAL only); empty when the order is released whole. */
    backordered: ReleaseLine[];
    /** The site's operating day the release counts against for capacity. */
    operatingDay: LocalDate;
    releasedAt: string;
  };
};

export type OrderCancelled = {
  type: 'OrderCancelled';
  data: {
    orderId: string;
    /** The order's tenant (order numbers repeat across tenants). */
    tenantId: string;
    reason: string;
    stage: 'BEFORE_PLACEMENT' | 'BEFORE_RELEASE' | 'AFTER_RELEASE';
    /** Warehouse orders to cancel (and whose reservations to free); empty before release. */
    warehouseOrderIds: string[];
    cancelledAt: string;
  };
};

export type OrderReleaseEvent = OrderReceived | AmendmentDeferred | OrderAmended | AmendmentRefused | OrderHeld | OrderReleased | OrderCancelled;

/** Command to the WMS: pick, pack and ship these lines. */
export type ReleaseOrderToWarehouse = {
  type: 'ReleaseOrderToWarehouse';
  data: {
    warehouseOrderId: string;
    orderId: string;
    tenantId: string;
    customerId: string;
    siteId: string;
    shipTo: ShipTo;
    lines: ReleaseLine[];
    promisedDate?: LocalDate;
    /** True when more of the order may follow as a further warehouse order. */
    partial: boolean;
    releasedAt: string;
  };
};

/** Command to the WMS: stop work on a released warehouse order. */
export type CancelWarehouseOrder = {
  type: 'CancelWarehouseOrder';
  data: { warehouseOrderId: string; orderId: string; tenantId: string; siteId: string; reason: string; requestedAt: string };
};

export type WarehouseCommand = ReleaseOrderToWarehouse | CancelWarehouseOrder;

/** Everything the decider appends to an order-release stream. */
export type OrderReleaseMessage = OrderReleaseEvent | WarehouseCommand;

export function isWarehouseCommand(message: OrderReleaseMessage): message is WarehouseCommand {
  return message.type === 'ReleaseOrderToWarehouse' || message.type === 'CancelWarehouseOrder';
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface WarehouseRelease {
  releaseNumber: number;
  warehouseOrderId: string;
  lines: ReleaseLine[];
}

export type OrderReleaseState =
  | { status: 'Unplaced'; deferredAmendment?: OrderAmendment }
  | { status: 'Received'; order: OrderDetails; queuedSince: string }
  | { status: 'Held'; order: OrderDetails; queuedSince: string; reasons: HoldReason[]; heldLines: ReleaseLine[] }
  | {
      status: 'PartiallyReleased';
      order: OrderDetails;
      queuedSince: string;
      releases: WarehouseRelease[];
      backordered: ReleaseLine[];
      reasons: HoldReason[];
      refusedRevision?: number;
    }
  | { status: 'Released'; order: OrderDetails; releases: WarehouseRelease[]; refusedRevision?: number }
  | { status: 'Cancelled'; stage: OrderCancelled['data']['stage'] };

export function initialState(): OrderReleaseState {
  return { status: 'Unplaced' };
}

export function applyChanges(order: OrderDetails, revision: number, changes: OrderChanges): OrderDetails {
  return {
    ...order,
    revision,
    lines: changes.lines ?? order.lines,
    shipTo: changes.shipTo ?? order.shipTo,
    fulfilment: changes.fulfilment ?? order.fulfilment,
    promisedDate: changes.promisedDate ?? order.promisedDate,
    siteId: changes.siteId ?? order.siteId,
  };
}

export function evolve(state: OrderReleaseState, message: OrderReleaseMessage): OrderReleaseState {
  switch (message.type) {
    case 'OrderReceived':
      return { status: 'Received', order: message.data.order, queuedSince: message.data.receivedAt };
    case 'AmendmentDeferred':
      return state.status === 'Unplaced' ? { status: 'Unplaced', deferredAmendment: message.data.amendment } : state;
    case 'OrderAmended':
      if (state.status !== 'Received' && state.status !== 'Held') return state;
      return { ...state, order: applyChanges(state.order, message.data.revision, message.data.changes) };
    case 'AmendmentRefused':
      if (state.status !== 'Released' && state.status !== 'PartiallyReleased') return state;
      return { ...state, refusedRevision: message.data.revision };
    case 'OrderHeld':
      if (state.status === 'Received' || state.status === 'Held')
        return { status: 'Held', order: state.order, queuedSince: state.queuedSince, reasons: message.data.reasons, heldLines: message.data.heldLines };
      if (state.status === 'PartiallyReleased') return { ...state, reasons: message.data.reasons, backordered: message.data.heldLines };
      return state;
    case 'OrderReleased': {
      if (state.status !== 'Received' && state.status !== 'Held' && state.status !== 'PartiallyReleased') return state;
      const release: WarehouseRelease = { releaseNumber: message.data.releaseNumber, warehouseOrderId: message.data.warehouseOrderId, lines: message.data.lines };
      const releases = state.status === 'PartiallyReleased' ? [...state.releases, release] : [release];
      const refusedRevision = state.status === 'PartiallyReleased' ? state.refusedRevision : undefined;
      if (message.data.backordered.length === 0) return { status: 'Released', order: state.order, releases, refusedRevision };
      return {
        status: 'PartiallyReleased',
        order: state.order,
        queuedSince: state.queuedSince,
        releases,
        backordered: message.data.backordered,
        reasons: [],
        refusedRevision,
      };
    }
    case 'OrderCancelled':
      return { status: 'Cancelled', stage: message.data.stage };
    case 'ReleaseOrderToWarehouse':
    case 'CancelWarehouseOrder':
      // Commands are recorded for the outbox; the events beside them carry the state change.
      return state;
  }
}
