import type { LocalDate } from '@lading/shared-domain';
import { SITE_HOLD_REASONS, type HoldReasonCode, type OrderReleaseMessage, type OrderReleaseState } from '../order-release/order-release';
import type { HeldOrder, ReleaseTrigger } from '../order-release/reevaluation';
import { nextWindowAwaited, siteHoldReasons } from '../order-release/release-decision';
import { creditStandingOf, siteReadinessAt, type CreditHold, type ReleaseFact, type SiteStatusFact, type StockLevelFact } from './release-facts';

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
 * The hold reasons that may clear without a message of the order itself: with time (a window
 * opens, a new operating day brings capacity) or with facts order-release stores (stock, credit,
 * a site's status). Invalid lines or address wait for the ERP to amend the order.
 */
export const REASONS_THAT_CLEAR_WITHOUT_THE_ORDER: readonly HoldReasonCode[] = ['CREDIT_HOLD', 'INSUFFICIENT_INVENTORY', ...SITE_HOLD_REASONS];

/** What the sweep read of a held order's world, without locks (the decision it asks for reads it again, locked). */
export interface StoredFactsOfHeldOrder {
  /** The levels of the SKUs it waits for, by SKU (a SKU never reported is absent). */
  levels: ReadonlyMap<string, Pick<StockLevelFact, 'onHand' | 'allocated'>>;
  /** Its customer's credit holds (of its tenant). */
  creditHolds: readonly Pick<CreditHold, 'orderId' | 'inForce'>[];
  /** Its site's status; undefined when the site never reported. */
  site?: SiteStatusFact;
  /** Releases counted at its site for an operating day. */
  releasedOn(operatingDay: LocalDate): number;
  /** Whether its site serves its tenant (the site directory). */
  servesTenant: boolean;
}

/**
 * Anti-entropy: whether a held order may be releasable now although nothing woke it — one of
 * its reasons has cleared by the stored facts and the clock: stock of a SKU it waits for is on
 * hand and not allocated, its customer's credit holds are lifted, or its site would take it now
 * (reported, serving its tenant, open, inside its window, with capacity left). Wake-ups come from
 * facts, decisions and window timers, and row locks make a fact either visible to a decision or
 * wait for its hold; this bounds the cost of a wake-up lost anyway (a timer removed by hand,
 * deleted by a defect, rows edited by an operator) to one sweep interval.
 */
export function worthReevaluating(held: HeldOrder, facts: StoredFactsOfHeldOrder, now: Date): boolean {
  let siteTakesIt: boolean | undefined;
  const siteWouldTakeIt = () => (siteTakesIt ??= siteHoldReasons(siteReadinessAt(facts.site, facts.releasedOn, facts.servesTenant, now), held, now).reasons.length === 0);
  return held.reasons.some((code) => {
    if (!REASONS_THAT_CLEAR_WITHOUT_THE_ORDER.includes(code)) return false;
    switch (code) {
      case 'INSUFFICIENT_INVENTORY':
        return held.waitingFor.some((line) => {
          const level = facts.levels.get(line.sku);
          return !!level && level.onHand - level.allocated > 0;
        });
      case 'CREDIT_HOLD':
        return !creditStandingOf(facts.creditHolds, held.customerId, held.orderId).onHold;
      default:
        return siteWouldTakeIt();
    }
  });
}
