import type { HeldOrder, HoldReasonCode, StoredFactsOfHeldOrder } from '@lading/order-release-domain';
import { heldOrderOfRow, type HeldRow } from './held-orders.sql';
import type { Queryable, ReleaseTables } from './schema';
import { siteStatusOfRow, type SiteRow } from './snapshot.sql';

// The held-order sweep's read: candidates and the stored facts the domain's worthReevaluating
// needs, in one statement, without locks (the decision a sweep asks for reads again, locked).

/**
 * A page of held orders with a reason in `reasons` (the domain's
 * REASONS_THAT_CLEAR_WITHOUT_THE_ORDER), oldest first, with what the domain's `worthReevaluating`
 * reads of each: the levels of what it waits for, its customer's credit holds (its tenant's),
 * its site's status and the site's release counts around `now`. The sweep's candidates, read
 * without locks; `after` pages through the queue across sweeps so that a long queue is covered,
 * not just its head.
 */
export async function heldOrdersToSweep(
  t: ReleaseTables,
  q: Queryable,
  options: { reasons: readonly HoldReasonCode[]; now: Date; limit: number; after?: { queuedSince: string; tenantId: string; orderId: string } },
): Promise<{ held: HeldOrder; facts: Omit<StoredFactsOfHeldOrder, 'servesTenant'> }[]> {
  const after = options.after;
  const { rows } = await q.query(
    `select h.*,
            (select coalesce(json_agg(json_build_object('sku', s.sku, 'on_hand', s.on_hand, 'allocated', s.allocated)), '[]')
               from jsonb_array_elements(h.waiting_for) w
               join ${t.stockLevels} s on s.tenant_id = h.tenant_id and s.site_id = h.site_id and s.sku = w->>'sku') as levels,
            (select coalesce(json_agg(json_build_object('order_id', c.order_id, 'in_force', c.in_force)), '[]')
               from ${t.creditHolds} c where c.tenant_id = h.tenant_id and c.customer_id = h.customer_id and c.in_force) as credit_holds,
            (select row_to_json(r) from ${t.siteReadiness} r where r.site_id = h.site_id and r.as_of > '-infinity') as site,
            (select coalesce(json_object_agg(d.operating_day, d.released_orders), '{}')
               from ${t.siteDayReleases} d where d.site_id = h.site_id and d.operating_day between $6::date - 2 and $6::date + 2) as released
       from ${t.heldOrders} h
      where h.reasons && $5::text[]
        and ($2::timestamptz is null or (h.queued_since, h.tenant_id, h.order_id) > ($2::timestamptz, $3::text, $4::text))
      order by h.queued_since, h.tenant_id, h.order_id limit $1`,
    [options.limit, after?.queuedSince ?? null, after?.tenantId ?? null, after?.orderId ?? null, options.reasons, options.now.toISOString().slice(0, 10)],
  );
  type SweepRow = HeldRow & {
    levels: { sku: string; on_hand: number; allocated: number }[];
    credit_holds: { order_id: string | null; in_force: boolean }[];
    site: (Omit<SiteRow, 'as_of'> & { as_of: string }) | null;
    released: Record<string, number>;
  };
  return (rows as SweepRow[]).map((row) => ({
    held: heldOrderOfRow(row),
    facts: {
      levels: new Map(row.levels.map((l) => [l.sku, { onHand: Number(l.on_hand), allocated: Number(l.allocated) }])),
      creditHolds: row.credit_holds.map((c) => ({ orderId: c.order_id, inForce: c.in_force })),
      // json renders timestamptz as ISO text
      ...(row.site ? { site: siteStatusOfRow({ ...row.site, as_of: new Date(row.site.as_of) }) } : {}),
      releasedOn: (operatingDay: string) => row.released[operatingDay] ?? 0,
    },
  }));
}
