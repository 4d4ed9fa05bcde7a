import { normaliseLines } from './order-lines';
import type { OrderReleaseCommand } from './order-release.decide';
import { HoldReasonCode, ORDER_SPECIFIC_HOLD_REASONS, OrderHeld, OrderReleaseState, SITE_HOLD_REASONS } from './order-release';

/**
 * A held order (or the backordered rest of a partially released one) as the app's held-order
 * projection keeps it: enough to pick which orders a change concerns, in which order, and what
 * stock each one is waiting for.
 */
export interface HeldOrder {
  orderId: string;
  tenantId: string;
  customerId: string;
  siteId: string;
  /** Place in the queue: when order-release first received the order (ISO-8601). */
  queuedSince: string;
  reasons: HoldReasonCode[];
  /** Quantity per SKU the held lines need. */
  waitingFor: { sku: string; quantity: number }[];
  backorder: boolean;
}

/** A change outside the order stream that may let held orders go. */
export type ReleaseTrigger =
  | { kind: 'INVENTORY_CHANGED'; tenantId: string; siteId: string; sku: string }
  | { kind: 'SITE_STATUS_CHANGED'; siteId: string }
  /** A timer at a site's `nextWindowOpensAt` (PAST_CUT_OFF) or at the start of its next operating day (NO_CAPACITY). */
  | { kind: 'RELEASE_WINDOW_OPENED'; siteId: string }
  | { kind: 'CREDIT_CHANGED'; tenantId: string; customerId: string; onHold: boolean };

/** The held-order row for an `OrderHeld` event (the projection upserts it; OrderReleased/OrderCancelled without backorder delete it). */
export function heldOrderFromEvent(event: OrderHeld): HeldOrder {
  const { orderId, tenantId, customerId, siteId, queuedSince, reasons, heldLines, backorder } = event.data;
  return {
    orderId,
    tenantId,
    customerId,
    siteId,
    queuedSince,
    reasons: [...new Set(reasons.map((r) => r.code))],
    waitingFor: heldLines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
    backorder,
  };
}

/** The held-order row for a folded state, or undefined when the order waits for nothing. */
export function heldOrderOf(state: OrderReleaseState): HeldOrder | undefined {
  if (state.status !== 'Held' && state.status !== 'PartiallyReleased') return undefined;
  const { orderId, tenantId, customerId, siteId } = state.order;
  const lines = state.status === 'Held' ? state.heldLines : state.backordered;
  return {
    orderId,
    tenantId,
    customerId,
    siteId,
    queuedSince: state.queuedSince,
    reasons: [...new Set(state.reasons.map((r) => r.code))],
    waitingFor: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
    backorder: state.status === 'PartiallyReleased',
  };
}

/** Oldest first; the order id breaks ties so every instance orders the queue the same way. */
export function compareQueuePosition(a: Pick<HeldOrder, 'queuedSince' | 'orderId'>, b: Pick<HeldOrder, 'queuedSince' | 'orderId'>): number {
  const byTime = Date.parse(a.queuedSince) - Date.parse(b.queuedSince);
  if (byTime !== 0) return byTime;
  return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
}

/**
 * The held orders a change concerns, oldest first. The app re-evaluates them one after another
 * in this order, rebuilding each order's ReleaseContext after the previous one's reservation,
 * so stock that arrives goes to the orders that waited longest.
 */
export function heldOrdersToReevaluate(held: readonly HeldOrder[], trigger: ReleaseTrigger): HeldOrder[] {
  return held.filter((order) => concerns(order, trigger)).sort(compareQueuePosition);
}

function concerns(order: HeldOrder, trigger: ReleaseTrigger): boolean {
  switch (trigger.kind) {
    case 'INVENTORY_CHANGED':
      return (
        order.tenantId === trigger.tenantId &&
        order.siteId === trigger.siteId &&
        order.reasons.includes('INSUFFICIENT_INVENTORY') &&
        order.waitingFor.some((line) => line.sku === trigger.sku)
      );
    case 'SITE_STATUS_CHANGED':
    case 'RELEASE_WINDOW_OPENED':
      return order.siteId === trigger.siteId && order.reasons.some((code) => SITE_HOLD_REASONS.includes(code));
    case 'CREDIT_CHANGED':
      // A new credit hold cannot release anything; a hold lifted can.
      return !trigger.onHold && order.tenantId === trigger.tenantId && order.customerId === trigger.customerId && order.reasons.includes('CREDIT_HOLD');
  }
}

/**
 * The fairness rule, as the stock each SKU's older waiting orders have a claim on (goes into
 * `StockPosition.awaitedByOlderOrders` when building the context for `candidate`).
 *
 * An older held order at the same tenant and site claims the quantities it waits for, unless it
 * is held for a reason only it can cure (credit hold, invalid lines or address): such an order
 * could not take the stock anyway, and letting it block others would starve them behind a
 * customer's unpaid invoice. Site-wide reasons (closed, past cut-off, no capacity) keep the
 * claim, because they hold the younger order too and the older goes first when they clear.
 *
 * The price is head-of-line blocking per SKU: a large SHIP_COMPLETE order waiting for 100 units
 * keeps younger orders for that SKU waiting until 100 are there. Other SKUs are not affected,
 * and ALLOW_PARTIAL orders take what exists and wait only for the rest.
 */
export function stockAwaitedByOlderOrders(held: readonly HeldOrder[], candidate: Pick<HeldOrder, 'orderId' | 'tenantId' | 'siteId' | 'queuedSince'>): Record<string, number> {
  const awaited: Record<string, number> = {};
  for (const order of held) {
    if (order.orderId === candidate.orderId || order.tenantId !== candidate.tenantId || order.siteId !== candidate.siteId) continue;
    if (compareQueuePosition(order, candidate) >= 0) continue;
    if (order.reasons.some((code) => ORDER_SPECIFIC_HOLD_REASONS.includes(code))) continue;
    for (const line of order.waitingFor) awaited[line.sku] = (awaited[line.sku] ?? 0) + line.quantity;
  }
  return awaited;
}

/** Which facts the app must read into a ReleaseContext before running `command` on `state`. */
export interface ReleaseContextNeeds {
  tenantId: string;
  customerId: string;
  siteId: string;
  skus: string[];
  /** Place in the queue the order will have, for `stockAwaitedByOlderOrders`. */
  queuedSince?: string;
}

/**
 * What to load for a command, or undefined when the command needs no context (a cancel, or a
 * command the state will ignore). Covers an amendment deferred before placement, whose lines
 * the placement's context must include.
 */
export function releaseContextNeededFor(command: OrderReleaseCommand, state: OrderReleaseState): ReleaseContextNeeds | undefined {
  const skusOf = (lines: { sku: string }[]) => [...new Set(lines.map((line) => line.sku).filter((sku) => typeof sku === 'string' && sku.length > 0))].sort();
  switch (command.type) {
    case 'PlaceOrder': {
      if (state.status !== 'Unplaced') return undefined;
      const { order } = command.data;
      const deferred = state.deferredAmendment && state.deferredAmendment.revision > order.revision ? state.deferredAmendment.changes : undefined;
      // the placement is decided as the deferred amendment left it: its lines and its site
      return { tenantId: order.tenantId, customerId: order.customerId, siteId: deferred?.siteId ?? order.siteId, skus: skusOf([...order.lines, ...(deferred?.lines ?? [])]) };
    }
    case 'AmendOrder': {
      if (state.status !== 'Held' && state.status !== 'Received') return undefined;
      const { changes } = command.data.amendment;
      const lines = changes.lines ?? state.order.lines;
      return { tenantId: state.order.tenantId, customerId: state.order.customerId, siteId: changes.siteId ?? state.order.siteId, skus: skusOf(lines), queuedSince: state.queuedSince };
    }
    case 'ReevaluateOrder': {
      if (state.status === 'Held' || state.status === 'Received')
        return { tenantId: state.order.tenantId, customerId: state.order.customerId, siteId: state.order.siteId, skus: skusOf(normaliseLines(state.order.lines).lines), queuedSince: state.queuedSince };
      if (state.status === 'PartiallyReleased')
        return { tenantId: state.order.tenantId, customerId: state.order.customerId, siteId: state.order.siteId, skus: skusOf(state.backordered), queuedSince: state.queuedSince };
      return undefined;
    }
    case 'CancelOrder':
      return undefined;
  }
}
