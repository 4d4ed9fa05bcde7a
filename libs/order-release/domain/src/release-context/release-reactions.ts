import type { OrderReleaseMessage, OrderReleaseState } from '../order-release/order-release';
import type { HeldOrder, ReleaseTrigger } from '../order-release/reevaluation';
import { nextWindowAwaited } from '../order-release/release-decision';
import type { ReleaseFact, StockLevelFact } from './release-facts';

// =============================================================================================
// When a held order must be decided again. Facts and decisions wake the orders they concern
// (the app schedules durable wake-ups in the same transaction); a window timer wakes an order
// held until its site's next window; a periodic sweep catches a wake-up lost anyway.
// =============================================================================================

/** Which held orders a stored fact may let go. */
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
  }
}

/**
 * Stock a decided order no longer claims. A waiting order whose situation changed — released,
 * cancelled, amended, or held for other reasons (a credit hold drops its claim) — gives up its
 * claim on what it waited for (fairness keeps younger orders off it while it waits), so the
 * younger orders waiting for that stock may go now. A cancel after release gives nothing back
 * yet: the warehouse may have picked the order already; the WMS's confirmation frees that stock.
 */
export function claimsGivenUpBy(before: OrderReleaseState, messages: readonly OrderReleaseMessage[]): Extract<ReleaseTrigger, { kind: 'INVENTORY_CHANGED' }>[] {
  if (messages.length === 0) return [];
  const lines = before.status === 'Held' ? before.heldLines : before.status === 'PartiallyReleased' ? before.backordered : [];
  if (lines.length === 0 || (before.status !== 'Held' && before.status !== 'PartiallyReleased')) return [];
  const { tenantId, siteId } = before.order;
  return [...new Set(lines.map((line) => line.sku))].map((sku) => ({ kind: 'INVENTORY_CHANGED', tenantId, siteId, sku }));
}

/**
 * When an order held by its site's window (PAST_CUT_OFF) or capacity (NO_CAPACITY) is to be
 * decided again: the earliest next opening its hold names. One per OrderHeld message.
 */
export function windowReevaluationsFor(messages: readonly OrderReleaseMessage[]): { orderId: string; dueAt: string }[] {
  const due: { orderId: string; dueAt: string }[] = [];
  for (const message of messages) {
    if (message.type !== 'OrderHeld') continue;
    const opensAt = nextWindowAwaited(message.data.reasons);
    if (opensAt) due.push({ orderId: message.data.orderId, dueAt: opensAt });
  }
  return due;
}

/**
 * Anti-entropy: whether a held order may be releasable now although nothing woke it — it
 * waits for stock and some of a SKU it waits for is on hand and not allocated. Wake-ups come
 * from facts and decisions, and row locks make a fact either visible to a decision or wait for
 * its hold; this bounds the cost of a wake-up lost anyway (a timer removed by hand, rows edited
 * by an operator) to one sweep interval.
 */
export function worthReevaluating(held: HeldOrder, levels: ReadonlyMap<string, Pick<StockLevelFact, 'onHand' | 'allocated'>>): boolean {
  if (!held.reasons.includes('INSUFFICIENT_INVENTORY')) return false;
  return held.waitingFor.some((line) => {
    const level = levels.get(line.sku);
    return !!level && level.onHand - level.allocated > 0;
  });
}
