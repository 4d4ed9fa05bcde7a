import type { OrderReleaseMessage, ReleaseContext, StockPosition } from '../order-release/order-release';
import { heldOrderFromEvent, stockAwaitedByOlderOrders, type HeldOrder, type ReleaseContextNeeds } from '../order-release/reevaluation';
import { creditStandingOf, siteReadinessAt, stockPositionOf, type CreditHold, type SiteStatusFact, type StockLevelFact } from './release-facts';

/** What a release decision reads for: the domain's needs plus the order they are for. */
export interface ReleaseContextRequest extends ReleaseContextNeeds {
  /** The order being decided: a credit hold on this very order counts, and it is not older than itself in the queue. */
  orderId: string;
}

/**
 * Everything outside the order streams that a set of release decisions reads, as the app loaded
 * (and locked) it in one transaction: the stock of every sku@site the decisions may touch, the
 * sites and their count for the operating day, the held queues at those sites, the customers'
 * credit holds, and which sites serve which tenants.
 */
export interface ReleaseSnapshot {
  /** By `stockKey`: the WMS level (absent: never reported) and what our releases reserved beyond it (`reservedBeyondLevel`). */
  stock: Map<string, { level?: StockLevelFact; reserved: number }>;
  sites: Map<string, SiteStatusFact>;
  /** Releases counted per `siteDayKey(siteId, operatingDay)`: one pool per site and day, shared by its tenants. */
  releasedOrders: Map<string, number>;
  /** Held orders by `siteQueueKey(tenantId, siteId)`, then by order id. */
  held: Map<string, Map<string, HeldOrder>>;
  /** Credit holds by `customerKey(tenantId, customerId)`. */
  credit: Map<string, Pick<CreditHold, 'orderId' | 'inForce'>[]>;
  /** Whether a site serves a tenant (the site directory). */
  serves(siteId: string, tenantId: string): boolean;
}

/** The rows a set of decisions reads (and locks), each once, in lock order. */
export interface ReleaseScope {
  stock: { tenantId: string; siteId: string; sku: string }[];
  sites: string[];
  customers: { tenantId: string; customerId: string }[];
  /** Held queues: a tenant's orders at a site. */
  queues: { tenantId: string; siteId: string }[];
}

const SEP = '\u0000';
export const stockKey = (tenantId: string, siteId: string, sku: string) => `${tenantId}${SEP}${siteId}${SEP}${sku}`;
export const siteDayKey = (siteId: string, operatingDay: string) => `${siteId}${SEP}${operatingDay}`;
export const siteQueueKey = (tenantId: string, siteId: string) => `${tenantId}${SEP}${siteId}`;
export const customerKey = (tenantId: string, customerId: string) => `${tenantId}${SEP}${customerId}`;

/** Byte order (PostgreSQL's `collate "C"`): the order every transaction takes row locks in. */
export const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Accumulates the rows a set of release requests needs; `scope()` lists each once, in lock order. */
export function releaseScopeBuilder() {
  const stock = new Map<string, { tenantId: string; siteId: string; sku: string }>();
  const sites = new Set<string>();
  const customers = new Map<string, { tenantId: string; customerId: string }>();
  const queues = new Map<string, { tenantId: string; siteId: string }>();
  const builder = {
    add(request: { tenantId: string; customerId: string; siteId: string; skus: readonly string[] }) {
      const { tenantId, customerId, siteId } = request;
      for (const sku of request.skus) stock.set(stockKey(tenantId, siteId, sku), { tenantId, siteId, sku });
      sites.add(siteId);
      customers.set(customerKey(tenantId, customerId), { tenantId, customerId });
      queues.set(siteQueueKey(tenantId, siteId), { tenantId, siteId });
      return builder;
    },
    scope(): ReleaseScope {
      return {
        stock: [...stock.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([, key]) => key),
        sites: [...sites].sort(byteOrder),
        customers: [...customers.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([, key]) => key),
        queues: [...queues.values()],
      };
    },
  };
  return builder;
}

/**
 * The snapshot as a set of decisions sees it, one after another in arrival order: each
 * decision's context is built from the snapshot as the decisions before it left it (their
 * reservations, capacity counts, queue places), so a batch decides exactly as the same orders
 * would one transaction each. This is the decisions' evolve over the shared facts.
 */
export function createReleaseLedger(snapshot: ReleaseSnapshot) {
  const heldQueue = (tenantId: string, siteId: string) => {
    const key = siteQueueKey(tenantId, siteId);
    let queue = snapshot.held.get(key);
    if (!queue) snapshot.held.set(key, (queue = new Map()));
    return queue;
  };
  const stockOf = (tenantId: string, siteId: string, sku: string) => {
    const key = stockKey(tenantId, siteId, sku);
    let entry = snapshot.stock.get(key);
    if (!entry) snapshot.stock.set(key, (entry = { reserved: 0 }));
    return entry;
  };

  return {
    /** The ReleaseContext of one decision. Throws when the request reaches beyond the loaded scope (a bug: those rows are not locked). */
    contextFor(request: ReleaseContextRequest, now: Date): ReleaseContext {
      const { tenantId, customerId, siteId, orderId } = request;
      const queuedSince = request.queuedSince ?? now.toISOString();
      const awaited = stockAwaitedByOlderOrders([...heldQueue(tenantId, siteId).values()], { orderId, tenantId, siteId, queuedSince });
      const inventory: Record<string, StockPosition> = {};
      for (const sku of new Set(request.skus)) {
        const entry = snapshot.stock.get(stockKey(tenantId, siteId, sku));
        if (!entry) throw new Error(`release context for ${orderId}: ${sku}@${siteId} of tenant ${tenantId} was not loaded (outside the locked scope)`);
        inventory[sku] = stockPositionOf(entry.level, entry.reserved, awaited[sku] ?? 0);
      }
      const credit = creditStandingOf(snapshot.credit.get(customerKey(tenantId, customerId)) ?? [], customerId, orderId);
      const releasedOn = (operatingDay: string) => snapshot.releasedOrders.get(siteDayKey(siteId, operatingDay)) ?? 0;
      const site = siteReadinessAt(snapshot.sites.get(siteId), releasedOn, snapshot.serves(siteId, tenantId), now);
      return { credit, ...(site === undefined ? {} : { site }), inventory };
    },

    /** A decision's messages, in order, as the read models will record them. */
    apply(messages: readonly OrderReleaseMessage[]): void {
      for (const message of messages) {
        switch (message.type) {
          case 'OrderReleased': {
            const { tenantId, siteId, orderId, operatingDay, lines } = message.data;
            for (const line of lines) stockOf(tenantId, siteId, line.sku).reserved += line.quantity;
            const day = siteDayKey(siteId, operatingDay);
            snapshot.releasedOrders.set(day, (snapshot.releasedOrders.get(day) ?? 0) + 1);
            heldQueue(tenantId, siteId).delete(orderId);
            break;
          }
          case 'OrderHeld': {
            const held = heldOrderFromEvent(message);
            heldQueue(held.tenantId, held.siteId).set(held.orderId, held);
            break;
          }
          case 'OrderCancelled':
            // What was released stays reserved: the warehouse may have picked it already. The WMS
            // frees it (WarehouseOrderCancelled) or its stock levels reconcile it.
            for (const [key, queue] of snapshot.held) if (key.startsWith(`${message.data.tenantId}${SEP}`)) queue.delete(message.data.orderId);
            break;
          default:
            break;
        }
      }
    },
  };
}

export type ReleaseLedger = ReturnType<typeof createReleaseLedger>;
