import {
  creditHoldAfter,
  isReflectedInLevel,
  siteStatusAfter,
  stockKey,
  stockLevelAfter,
  type CreditFact,
  type CreditHold,
  type SiteStatusFact,
  type StockLevelFact,
} from '@lading/order-release-domain';
import { siteStatusOfRow, stockLevelOfRow, type SiteRow, type StockRow } from './snapshot.sql';
import { isReported, type Queryable, type ReleaseTables } from './schema';

// Facts are stored set-wise, a kind at a time, in the common lock order (stock, sites, credit):
// the rows they touch are created if missing and locked in one statement, the domain's
// sequencing rule decides which facts win (in arrival order), the winners are written in one
// more. Each returns the facts that changed something: only those wake held orders.

/** Stock levels (absolute, per tenant, site and SKU); reservations the new levels reflect are reconciled (dropped). */
export async function applyStockLevels<F extends StockLevelFact>(t: ReleaseTables, q: Queryable, facts: readonly F[]): Promise<F[]> {
  if (facts.length === 0) return [];
  const keys = [...new Map(facts.map((f) => [stockKey(f.tenantId, f.siteId, f.sku), f])).values()];
  const { rows } = await q.query(
    `insert into ${t.stockLevels} as s (tenant_id, site_id, sku, on_hand, allocated, unit_of_measure, as_of)
     select k.tenant_id, k.site_id, k.sku, 0, 0, '', '-infinity'::timestamptz
       from unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku)
      order by k.tenant_id collate "C", k.site_id collate "C", k.sku collate "C"
     on conflict (tenant_id, site_id, sku) do update set as_of = s.as_of
     returning s.tenant_id, s.site_id, s.sku, s.on_hand::text as on_hand, s.allocated::text as allocated, s.unit_of_measure, s.change_reason, s.as_of`,
    [keys.map((k) => k.tenantId), keys.map((k) => k.siteId), keys.map((k) => k.sku)],
  );
  const current = new Map((rows as StockRow[]).map((row) => [stockKey(row.tenant_id, row.site_id, row.sku), stockLevelOfRow(row)]));
  const changed = new Map<string, StockLevelFact>();
  const applied: F[] = [];
  for (const fact of facts) {
    const key = stockKey(fact.tenantId, fact.siteId, fact.sku);
    const next = stockLevelAfter(current.get(key), fact);
    if (!next) continue;
    current.set(key, next);
    changed.set(key, next);
    applied.push(fact);
  }
  if (changed.size === 0) return [];
  const levels = [...changed.values()];
  await q.query(
    `update ${t.stockLevels} s
        set on_hand = v.on_hand, allocated = v.allocated, unit_of_measure = v.unit_of_measure, change_reason = v.change_reason, as_of = v.as_of
       from jsonb_to_recordset($1::jsonb) as v(tenant_id text, site_id text, sku text, on_hand numeric, allocated numeric, unit_of_measure text, change_reason text, as_of timestamptz)
      where (s.tenant_id, s.site_id, s.sku) = (v.tenant_id, v.site_id, v.sku)`,
    [
      JSON.stringify(
        levels.map((l) => ({ tenant_id: l.tenantId, site_id: l.siteId, sku: l.sku, on_hand: l.onHand, allocated: l.allocated, unit_of_measure: l.unitOfMeasure, change_reason: l.changeReason, as_of: l.occurredAt })),
      ),
    ],
  );
  // Reservations the WMS accepted at or before a new level's instant are in its allocation now.
  const { rows: handedOver } = await q.query(
    `select r.tenant_id, r.site_id, r.sku, r.warehouse_order_id, r.handed_over_at from ${t.reservations} r
       join unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku) on (r.tenant_id, r.site_id, r.sku) = (k.tenant_id, k.site_id, k.sku)
      where r.handed_over_at is not null`,
    [levels.map((l) => l.tenantId), levels.map((l) => l.siteId), levels.map((l) => l.sku)],
  );
  const reconciled = (handedOver as { tenant_id: string; site_id: string; sku: string; warehouse_order_id: string; handed_over_at: Date }[]).filter((r) =>
    isReflectedInLevel({ handedOverAt: r.handed_over_at.toISOString() }, changed.get(stockKey(r.tenant_id, r.site_id, r.sku))),
  );
  if (reconciled.length > 0) {
    await q.query(`delete from ${t.reservations} where (tenant_id, warehouse_order_id, sku) in (select * from unnest($1::text[], $2::text[], $3::text[]))`, [
      reconciled.map((r) => r.tenant_id),
      reconciled.map((r) => r.warehouse_order_id),
      reconciled.map((r) => r.sku),
    ]);
  }
  return applied;
}

/** Site statuses: one row per site, shared by the tenants it serves (who may report it is checked before). */
export async function applySiteStatuses<F extends SiteStatusFact>(t: ReleaseTables, q: Queryable, facts: readonly F[]): Promise<F[]> {
  if (facts.length === 0) return [];
  const siteIds = [...new Set(facts.map((f) => f.siteId))].sort();
  const { rows } = await q.query(
    `insert into ${t.siteReadiness} as s (site_id, reported_by, status, time_zone, opens_at, cut_off, daily_capacity, orders_accepted_today, as_of)
     select k.site_id, '', 'UNKNOWN', '', '', '', 0, 0, '-infinity'::timestamptz from unnest($1::text[]) as k(site_id) order by k.site_id collate "C"
     on conflict (site_id) do update set as_of = s.as_of
     returning s.*`,
    [siteIds],
  );
  const current = new Map<string, SiteStatusFact | undefined>(
    (rows as SiteRow[]).map((row) => [row.site_id, isReported(row.as_of) ? siteStatusOfRow(row as SiteRow & { as_of: Date }) : undefined]),
  );
  const applied: F[] = [];
  for (const fact of facts) {
    const next = siteStatusAfter(current.get(fact.siteId), fact);
    if (!next) continue;
    current.set(fact.siteId, next);
    applied.push(fact);
  }
  const latest = [...new Map(applied.map((f) => [f.siteId, current.get(f.siteId)!])).values()];
  if (latest.length > 0) {
    await q.query(
      `update ${t.siteReadiness} s
          set reported_by = v.reported_by, status = v.status, time_zone = v.time_zone, opens_at = v.opens_at, cut_off = v.cut_off,
              daily_capacity = v.daily_capacity, orders_accepted_today = v.orders_accepted_today, as_of = v.as_of
         from jsonb_to_recordset($1::jsonb) as v(site_id text, reported_by text, status text, time_zone text, opens_at text, cut_off text,
                                                 daily_capacity int, orders_accepted_today int, as_of timestamptz)
        where s.site_id = v.site_id`,
      [
        JSON.stringify(
          latest.map((f) => ({
            site_id: f.siteId,
            reported_by: f.reportedBy,
            status: f.status,
            time_zone: f.timeZone,
            opens_at: f.releaseWindow.opensAt,
            cut_off: f.releaseWindow.cutOff,
            daily_capacity: f.dailyCapacity,
            orders_accepted_today: f.ordersAcceptedToday,
            as_of: f.occurredAt,
          })),
        ),
      ],
    );
  }
  return applied;
}

/** Credit holds placed and released, per tenant, customer and hold. */
export async function applyCreditFacts<F extends CreditFact>(t: ReleaseTables, q: Queryable, facts: readonly F[]): Promise<F[]> {
  if (facts.length === 0) return [];
  const key = (f: { tenantId: string; customerId: string; holdId: string }) => `${f.tenantId}\u0000${f.customerId}\u0000${f.holdId}`;
  const keys = [...new Map(facts.map((f) => [key(f), f])).values()];
  const { rows } = await q.query(
    `insert into ${t.creditHolds} as h (tenant_id, customer_id, hold_id, order_id, in_force, reason, as_of)
     select k.tenant_id, k.customer_id, k.hold_id, null, false, null, '-infinity'::timestamptz
       from unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, customer_id, hold_id)
      order by k.tenant_id collate "C", k.customer_id collate "C", k.hold_id collate "C"
     on conflict (tenant_id, customer_id, hold_id) do update set as_of = h.as_of
     returning h.*`,
    [keys.map((k) => k.tenantId), keys.map((k) => k.customerId), keys.map((k) => k.holdId)],
  );
  const current = new Map<string, CreditHold | undefined>(
    (rows as { tenant_id: string; customer_id: string; hold_id: string; order_id: string | null; in_force: boolean; reason: string | null; as_of: Date | number }[]).map((row) => [
      key({ tenantId: row.tenant_id, customerId: row.customer_id, holdId: row.hold_id }),
      isReported(row.as_of)
        ? { tenantId: row.tenant_id, customerId: row.customer_id, holdId: row.hold_id, orderId: row.order_id, inForce: row.in_force, reason: row.reason, occurredAt: row.as_of.toISOString() }
        : undefined,
    ]),
  );
  const applied: F[] = [];
  for (const fact of facts) {
    const next = creditHoldAfter(current.get(key(fact)), fact);
    if (!next) continue;
    current.set(key(fact), next);
    applied.push(fact);
  }
  const latest = [...new Map(applied.map((f) => [key(f), current.get(key(f))!])).values()];
  if (latest.length > 0) {
    await q.query(
      `update ${t.creditHolds} h
          set order_id = v.order_id, in_force = v.in_force, reason = v.reason, as_of = v.as_of
         from jsonb_to_recordset($1::jsonb) as v(tenant_id text, customer_id text, hold_id text, order_id text, in_force boolean, reason text, as_of timestamptz)
        where (h.tenant_id, h.customer_id, h.hold_id) = (v.tenant_id, v.customer_id, v.hold_id)`,
      [JSON.stringify(latest.map((h) => ({ tenant_id: h.tenantId, customer_id: h.customerId, hold_id: h.holdId, order_id: h.orderId, in_force: h.inForce, reason: h.reason, as_of: h.occurredAt })))],
    );
  }
  return applied;
}
