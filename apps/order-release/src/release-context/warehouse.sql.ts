import type { WarehouseProgressFact } from '@lading/order-release-domain';
import type { Queryable, ReleaseTables } from './schema';

type Row = { tenant_id: string; warehouse_order_id: string; sku: string; site_id: string };

// Every statement names the tenant: warehouse order ids repeat across tenants (order numbers
// do), and one tenant's WMS message never touches another tenant's reservations.

/**
 * The WMS accepted a warehouse order at its occurredAt: from a stock level as of then on, its
 * `allocated` includes the reservation. A redelivered acceptance keeps the first instant.
 * Returns the reservation rows handed over.
 */
export async function markHandedOver(t: ReleaseTables, q: Queryable, accepted: WarehouseProgressFact): Promise<number> {
  if (accepted.warehouseOrderId !== null) {
    const byId = await q.query(
      `update ${t.reservations} set handed_over_at = coalesce(handed_over_at, $3) where tenant_id = $1 and warehouse_order_id = $2 and order_id = $4`,
      [accepted.tenantId, accepted.warehouseOrderId, accepted.occurredAt, accepted.orderId],
    );
    // a match (even an old one) means the id is ours: the order-wide fallback must not run
    if ((byId.rowCount ?? 0) > 0) return byId.rowCount ?? 0;
  }
  // The WMS named the order by its own id (or none): everything of the order not yet handed over.
  const byOrder = await q.query(`update ${t.reservations} set handed_over_at = $3 where tenant_id = $1 and order_id = $2 and handed_over_at is null`, [
    accepted.tenantId,
    accepted.orderId,
    accepted.occurredAt,
  ]);
  return byOrder.rowCount ?? 0;
}

/**
 * The WMS cancelled a warehouse order (before picking it): its reservations are dropped, handed
 * over or not (the WMS freed its allocation). Returns the sku@site whose stock that freed.
 */
export async function freeCancelledWarehouseOrder(t: ReleaseTables, q: Queryable, cancelled: WarehouseProgressFact): Promise<{ tenantId: string; siteId: string; sku: string }[]> {
  const columns = 'tenant_id, warehouse_order_id, sku, site_id';
  const byId: Row[] =
    cancelled.warehouseOrderId === null
      ? []
      : (await q.query(`select ${columns} from ${t.reservations} where tenant_id = $1 and warehouse_order_id = $2 and order_id = $3`, [cancelled.tenantId, cancelled.warehouseOrderId, cancelled.orderId])).rows;
  // The WMS named the order by its own id (or none): every warehouse order of the order it has
  // not accepted. One it accepted may still be picked; its stock levels reconcile it.
  const doomed: Row[] =
    byId.length > 0
      ? byId
      : (await q.query(`select ${columns} from ${t.reservations} where tenant_id = $1 and order_id = $2 and handed_over_at is null`, [cancelled.tenantId, cancelled.orderId])).rows;
  if (doomed.length === 0) return [];
  // The stock rows first, in lock order, as a decision locks them: a decision reading these
  // reservations right now commits its hold before the wake-ups look for held orders, or it
  // reads after they are gone.
  await q.query(
    `select 1 from ${t.stockLevels} s
       join unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku) on (s.tenant_id, s.site_id, s.sku) = (k.tenant_id, k.site_id, k.sku)
      order by s.tenant_id collate "C", s.site_id collate "C", s.sku collate "C"
      for update of s`,
    [doomed.map((r) => r.tenant_id), doomed.map((r) => r.site_id), doomed.map((r) => r.sku)],
  );
  const { rows } = await q.query(
    `delete from ${t.reservations} where (tenant_id, warehouse_order_id, sku) in (select * from unnest($1::text[], $2::text[], $3::text[])) returning tenant_id, site_id, sku`,
    [doomed.map((r) => r.tenant_id), doomed.map((r) => r.warehouse_order_id), doomed.map((r) => r.sku)],
  );
  return (rows as Row[]).map((r) => ({ tenantId: r.tenant_id, siteId: r.site_id, sku: r.sku }));
}
