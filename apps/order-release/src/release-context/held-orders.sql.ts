import { assertNever } from '@lading/decider';
import { heldOrdersToReevaluate, type HeldOrder, type HoldReasonCode, type ReleaseTrigger, type StockLevelFact } from '@lading/order-release-domain';
import type { Queryable, ReleaseTables } from './schema';

// The queue of held orders (and backordered rests), one row per (tenant, order): the domain's
// HeldOrder. SQL narrows by key; the domain decides which orders a change concerns and in
// which order (heldOrdersToReevaluate, worthReevaluating).

export interface HeldRow {
  order_id: string;
  tenant_id: string;
  customer_id: string;
  site_id: string;
  queued_since: Date;
  reasons: string[];
  waiting_for: { sku: string; quantity: number }[];
  backorder: boolean;
}

export function heldOrderOfRow(row: HeldRow): HeldOrder {
  return {
    orderId: row.order_id,
    tenantId: row.tenant_id,
    customerId: row.customer_id,
    siteId: row.site_id,
    queuedSince: row.queued_since.toISOString(),
    reasons: row.reasons as HoldReasonCode[],
    waitingFor: row.waiting_for,
    backorder: row.backorder,
  };
}

/** The held orders a change concerns, oldest first. */
export async function heldOrdersFor(t: ReleaseTables, q: Queryable, trigger: ReleaseTrigger): Promise<HeldOrder[]> {
  const { rows } = await (() => {
    switch (trigger.kind) {
      case 'INVENTORY_CHANGED':
        return q.query(`select * from ${t.heldOrders} where tenant_id = $1 and site_id = $2 and waiting_for @> $3::jsonb`, [
          trigger.tenantId,
          trigger.siteId,
          JSON.stringify([{ sku: trigger.sku }]),
        ]);
      case 'SITE_STATUS_CHANGED':
      case 'RELEASE_WINDOW_OPENED':
        // a shared site: the held orders of every tenant it serves
        return q.query(`select * from ${t.heldOrders} where site_id = $1`, [trigger.siteId]);
      case 'CREDIT_CHANGED':
        return q.query(`select * from ${t.heldOrders} where tenant_id = $1 and customer_id = $2`, [trigger.tenantId, trigger.customerId]);
      default:
        return assertNever(trigger, 'release trigger');
    }
  })();
  return heldOrdersToReevaluate((rows as HeldRow[]).map(heldOrderOfRow), trigger);
}

/**
 * Held orders waiting for stock, oldest first, with the levels of what they wait for: the
 * sweep's candidates (the domain's `worthReevaluating` picks). `after` pages through the queue
 * across sweeps so that a long queue is covered, not just its head.
 */
export async function heldOrdersWaitingForStock(
  t: ReleaseTables,
  q: Queryable,
  options: { limit: number; after?: { queuedSince: string; tenantId: string; orderId: string } },
): Promise<{ held: HeldOrder; levels: Map<string, Pick<StockLevelFact, 'onHand' | 'allocated'>> }[]> {
  const after = options.after;
  const { rows } = await q.query(
    `select h.*,
            (select coalesce(json_agg(json_build_object('sku', s.sku, 'on_hand', s.on_hand, 'allocated', s.allocated)), '[]')
               from jsonb_array_elements(h.waiting_for) w
               join ${t.stockLevels} s on s.tenant_id = h.tenant_id and s.site_id = h.site_id and s.sku = w->>'sku') as levels
       from ${t.heldOrders} h
      where 'INSUFFICIENT_INVENTORY' = any(h.reasons)
        and ($2::timestamptz is null or (h.queued_since, h.tenant_id, h.order_id) > ($2::timestamptz, $3::text, $4::text))
      order by h.queued_since, h.tenant_id, h.order_id limit $1`,
    [options.limit, after?.queuedSince ?? null, after?.tenantId ?? null, after?.orderId ?? null],
  );
  return (rows as (HeldRow & { levels: { sku: string; on_hand: number; allocated: number }[] })[]).map((row) => ({
    held: heldOrderOfRow(row),
    levels: new Map(row.levels.map((l) => [l.sku, { onHand: Number(l.on_hand), allocated: Number(l.allocated) }])),
  }));
}
