import { assertNever } from '@lading/decider';
import { byteOrder, heldOrderFromEvent, type OrderHeld, type OrderReleased, type OrderReleaseMessage } from '@lading/order-release-domain';
import type { Queryable, ReleaseTables } from './schema';

/**
 * Writes a unit's decisions back, set-wise (a few statements however many orders): the
 * reservations of every OrderReleased, each warehouse order counted once against its site's
 * operating day (one capacity pool per site-day, shared by the site's tenants), then each
 * order's place in its tenant's held queue as its last message left it. A cancel leaves the
 * queue but frees no stock: what was released stays reserved until the WMS confirms the cancel
 * or its stock levels reconcile it.
 */
export async function recordReleaseDecisions(t: ReleaseTables, q: Queryable, messages: readonly OrderReleaseMessage[]): Promise<void> {
  const released: OrderReleased['data'][] = [];
  /** The last queue-changing message per (tenant, order): held (upsert) or out of the queue (delete). */
  const queue = new Map<string, { tenantId: string; orderId: string; held?: OrderHeld }>();
  const queueKey = (tenantId: string, orderId: string) => `${tenantId}\u0000${orderId}`;
  for (const message of messages) {
    switch (message.type) {
      case 'OrderReleased':
        released.push(message.data);
        // A backorder follows as its own OrderHeld in the same decision and re-enters the queue.
        queue.set(queueKey(message.data.tenantId, message.data.orderId), { tenantId: message.data.tenantId, orderId: message.data.orderId });
        break;
      case 'OrderHeld':
        queue.set(queueKey(message.data.tenantId, message.data.orderId), { tenantId: message.data.tenantId, orderId: message.data.orderId, held: message });
        break;
      case 'OrderCancelled':
        queue.set(queueKey(message.data.tenantId, message.data.orderId), { tenantId: message.data.tenantId, orderId: message.data.orderId });
        break;
      case 'OrderReceived':
      case 'AmendmentDeferred':
      case 'OrderAmended':
      case 'AmendmentRefused':
      case 'ReleaseOrderToWarehouse':
      case 'CancelWarehouseOrder':
        break;
      default:
        assertNever(message, 'order-release message');
    }
  }
  if (released.length > 0) {
    const lines = released.flatMap((data) => data.lines.map((line) => ({ data, line })));
    // A warehouse order counts once against capacity, even if its release were recorded twice.
    await q.query(
      `with inserted as (
         insert into ${t.reservations} (tenant_id, warehouse_order_id, sku, order_id, site_id, quantity, unit_of_measure, reserved_at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::timestamptz[])
         on conflict do nothing
         returning tenant_id, warehouse_order_id
       ),
       counted as (
         select d.site_id, d.operating_day, count(*)::int as n
           from unnest($9::text[], $10::text[], $11::text[], $12::date[]) as d(tenant_id, warehouse_order_id, site_id, operating_day)
          where (d.tenant_id, d.warehouse_order_id) in (select tenant_id, warehouse_order_id from inserted)
          group by 1, 2
       )
       insert into ${t.siteDayReleases} as r (site_id, operating_day, released_orders)
       select site_id, operating_day, n from counted order by site_id collate "C", operating_day
       on conflict (site_id, operating_day) do update set released_orders = r.released_orders + excluded.released_orders`,
      [
        lines.map(({ data }) => data.tenantId),
        lines.map(({ data }) => data.warehouseOrderId),
        lines.map(({ line }) => line.sku),
        lines.map(({ data }) => data.orderId),
        lines.map(({ data }) => data.siteId),
        lines.map(({ line }) => line.quantity),
        lines.map(({ line }) => line.unitOfMeasure),
        lines.map(({ data }) => data.releasedAt),
        released.map((data) => data.tenantId),
        released.map((data) => data.warehouseOrderId),
        released.map((data) => data.siteId),
        released.map((data) => data.operatingDay),
      ],
    );
  }
  if (queue.size === 0) return;
  const leaving = [...queue.values()].filter((entry) => !entry.held).sort((a, b) => byteOrder(a.tenantId, b.tenantId) || byteOrder(a.orderId, b.orderId));
  const entering = [...queue.values()]
    .filter((entry): entry is { tenantId: string; orderId: string; held: OrderHeld } => !!entry.held)
    .map(({ held }) => ({ held: heldOrderFromEvent(held), heldAt: held.data.heldAt }))
    .sort((a, b) => byteOrder(a.held.tenantId, b.held.tenantId) || byteOrder(a.held.orderId, b.held.orderId));
  // One statement: each order takes the place in the held queue its last message left it in.
  await q.query(
    `with leaving as (
       delete from ${t.heldOrders} where (tenant_id, order_id) in (select * from unnest($1::text[], $2::text[]))
     )
     insert into ${t.heldOrders} (order_id, tenant_id, customer_id, site_id, queued_since, reasons, waiting_for, backorder, held_at)
     select h.order_id, h.tenant_id, h.customer_id, h.site_id, h.queued_since, h.reasons, h.waiting_for, h.backorder, h.held_at
       from jsonb_to_recordset($3::jsonb) as h(order_id text, tenant_id text, customer_id text, site_id text, queued_since timestamptz,
                                               reasons text[], waiting_for jsonb, backorder boolean, held_at timestamptz)
     on conflict (tenant_id, order_id) do update
       set customer_id = excluded.customer_id, site_id = excluded.site_id, queued_since = excluded.queued_since, reasons = excluded.reasons,
           waiting_for = excluded.waiting_for, backorder = excluded.backorder, held_at = excluded.held_at`,
    [
      leaving.map((e) => e.tenantId),
      leaving.map((e) => e.orderId),
      JSON.stringify(
        entering.map(({ held, heldAt }) => ({
          order_id: held.orderId,
          tenant_id: held.tenantId,
          customer_id: held.customerId,
          site_id: held.siteId,
          queued_since: held.queuedSince,
          reasons: held.reasons,
          waiting_for: held.waitingFor,
          backorder: held.backorder,
          held_at: heldAt,
        })),
      ),
    ],
  );
}
