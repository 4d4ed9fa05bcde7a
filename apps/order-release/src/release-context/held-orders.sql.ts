import { assertNever } from '@lading/decider';
import { heldOrdersToReevaluate, type HeldOrder, type HoldReasonCode, type ReleaseTrigger } from '@lading/order-release-domain';
import type { Queryable, ReleaseTables } from './schema';

// The queue of held orders (and backordered rests), one row per (tenant, order): the domain's
// HeldOrder. SQL narrows by key; the domain decides which orders a change concerns and in
// which order (heldOrdersToReevaluate; the sweep's worthReevaluating, see sweep.sql.ts).

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
