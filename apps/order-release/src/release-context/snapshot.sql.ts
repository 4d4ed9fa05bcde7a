import {
  byteOrder,
  customerKey,
  operatingDayFor,
  reservedBeyondLevel,
  siteDayKey,
  siteQueueKey,
  stockKey,
  type HeldOrder,
  type ReleaseScope,
  type ReleaseSnapshot,
  type Reservation,
  type SiteStatusFact,
  type StockLevelFact,
} from '@lading/order-release-domain';
import { heldOrderOfRow, type HeldRow } from './held-orders.sql';
import { isReported, type Queryable, type ReleaseTables } from './schema';

/**
 * Loads what the decisions in `scope` read, taking the row locks that make reservation atomic
 * across instances. Lock order, the same in every transaction (facts take theirs in it too):
 *   1. stock rows by (tenant, site, sku) — created empty (-infinity) when missing, so a decision
 *      that found no stock and a first level arriving at that moment meet on a lock;
 *   2. the sites by site (FOR SHARE: a status being changed now is committed before we read, or
 *      waits for our commit and its wake-ups then find our hold);
 *   3. the sites' capacity rows for the operating day by (site, day) — one pool per site-day,
 *      shared by every tenant the site serves;
 *   4. the customers' credit holds by (tenant, customer, hold) (FOR SHARE, as sites).
 * Two such transactions wait for each other and never deadlock; the second reads after the
 * first committed (READ COMMITTED: statements after a lock wait see what it committed).
 * The order streams themselves were locked before all of this (the kit's decision loop).
 */
export async function lockReleaseSnapshot(t: ReleaseTables, q: Queryable, scope: ReleaseScope, now: Date): Promise<Omit<ReleaseSnapshot, 'serves'>> {
  const stock: ReleaseSnapshot['stock'] = new Map();
  const levels = new Map<string, StockLevelFact | undefined>();
  if (scope.stock.length > 0) {
    // The no-op update of an existing row takes its lock and returns it as last committed.
    const { rows } = await q.query(
      `insert into ${t.stockLevels} as s (tenant_id, site_id, sku, on_hand, allocated, unit_of_measure, as_of)
       select k.tenant_id, k.site_id, k.sku, 0, 0, '', '-infinity'::timestamptz
         from unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku)
        order by k.tenant_id collate "C", k.site_id collate "C", k.sku collate "C"
       on conflict (tenant_id, site_id, sku) do update set as_of = s.as_of
       returning s.tenant_id, s.site_id, s.sku, s.on_hand::text as on_hand, s.allocated::text as allocated, s.unit_of_measure, s.change_reason, s.as_of`,
      [scope.stock.map((k) => k.tenantId), scope.stock.map((k) => k.siteId), scope.stock.map((k) => k.sku)],
    );
    for (const row of rows as StockRow[]) levels.set(stockKey(row.tenant_id, row.site_id, row.sku), stockLevelOfRow(row));
  }

  const { rows: siteRows } = await q.query(`select * from ${t.siteReadiness} where site_id = any($1::text[]) order by site_id collate "C" for share`, [scope.sites]);
  const sites = new Map((siteRows as SiteRow[]).filter((row): row is SiteRow & { as_of: Date } => isReported(row.as_of)).map((row) => [row.site_id, siteStatusOfRow(row)]));

  // Every capacity row is created if missing and locked (the same upsert): two first releases
  // of a day must not both read "none yet".
  const days = [...sites.values()]
    .map((site) => ({ siteId: site.siteId, operatingDay: operatingDayFor(site, now) }))
    .filter((d): d is { siteId: string; operatingDay: string } => d.operatingDay !== undefined)
    .sort((a, b) => byteOrder(a.siteId, b.siteId));
  const releasedOrders: ReleaseSnapshot['releasedOrders'] = new Map();
  if (days.length > 0) {
    const { rows } = await q.query(
      `insert into ${t.siteDayReleases} as r (site_id, operating_day)
       select d.site_id, d.operating_day from unnest($1::text[], $2::date[]) as d(site_id, operating_day) order by d.site_id collate "C", d.operating_day
       on conflict (site_id, operating_day) do update set released_orders = r.released_orders
       returning r.site_id, r.operating_day::text as operating_day, r.released_orders`,
      [days.map((d) => d.siteId), days.map((d) => d.operatingDay)],
    );
    for (const row of rows as { site_id: string; operating_day: string; released_orders: number }[]) releasedOrders.set(siteDayKey(row.site_id, row.operating_day), row.released_orders);
  }

  // After the locks, in one statement: our reservations of these sku@site, the held queues and the credit holds.
  const { rows } = await q.query(
    `with credit as (
       select c.tenant_id, c.customer_id, c.order_id, c.in_force
         from ${t.creditHolds} c
         join unnest($6::text[], $7::text[]) as k(tenant_id, customer_id) on (c.tenant_id, c.customer_id) = (k.tenant_id, k.customer_id)
        order by c.tenant_id collate "C", c.customer_id collate "C", c.hold_id collate "C"
        for share of c
     )
     select
       (select coalesce(json_agg(r), '[]') from (
          select r.tenant_id, r.site_id, r.sku, r.quantity::text as quantity, r.handed_over_at
            from ${t.reservations} r
            join unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku) on (r.tenant_id, r.site_id, r.sku) = (k.tenant_id, k.site_id, k.sku)) r) as reservations,
       (select coalesce(json_agg(h), '[]') from (
          select h.* from ${t.heldOrders} h
            join unnest($4::text[], $5::text[]) as k(tenant_id, site_id) on (h.tenant_id, h.site_id) = (k.tenant_id, k.site_id)) h) as held,
       (select coalesce(json_agg(c), '[]') from credit c) as credit`,
    [
      scope.stock.map((k) => k.tenantId),
      scope.stock.map((k) => k.siteId),
      scope.stock.map((k) => k.sku),
      scope.queues.map((k) => k.tenantId),
      scope.queues.map((k) => k.siteId),
      scope.customers.map((k) => k.tenantId),
      scope.customers.map((k) => k.customerId),
    ],
  );
  const rest = rows[0] as {
    reservations: { tenant_id: string; site_id: string; sku: string; quantity: string; handed_over_at: string | null }[];
    held: (Omit<HeldRow, 'queued_since'> & { queued_since: string })[];
    credit: { tenant_id: string; customer_id: string; order_id: string | null; in_force: boolean }[];
  };
  const reservations = new Map<string, Reservation[]>();
  for (const row of rest.reservations) {
    const key = stockKey(row.tenant_id, row.site_id, row.sku);
    // json_agg renders timestamptz as ISO text with an offset; the domain compares instants
    reservations.set(key, [...(reservations.get(key) ?? []), { quantity: Number(row.quantity), handedOverAt: row.handed_over_at && new Date(row.handed_over_at).toISOString() }]);
  }
  for (const [key, level] of levels) stock.set(key, { ...(level ? { level } : {}), reserved: reservedBeyondLevel(level, reservations.get(key) ?? []) });

  const held: ReleaseSnapshot['held'] = new Map();
  for (const order of rest.held.map((row) => heldOrderOfRow({ ...row, queued_since: new Date(row.queued_since) }))) {
    const key = siteQueueKey(order.tenantId, order.siteId);
    const queue = held.get(key) ?? new Map<string, HeldOrder>();
    queue.set(order.orderId, order);
    held.set(key, queue);
  }
  const credit: ReleaseSnapshot['credit'] = new Map();
  for (const row of rest.credit) {
    const key = customerKey(row.tenant_id, row.customer_id);
    credit.set(key, [...(credit.get(key) ?? []), { orderId: row.order_id, inForce: row.in_force }]);
  }
  return { stock, sites, releasedOrders, held, credit };
}

export interface StockRow {
  tenant_id: string;
  site_id: string;
  sku: string;
  on_hand: string;
  allocated: string;
  unit_of_measure: string;
  change_reason: string | null;
  as_of: Date | number;
}

/** A stock row as the domain's level; undefined for a row created only to be locked. */
export function stockLevelOfRow(row: StockRow): StockLevelFact | undefined {
  if (!isReported(row.as_of)) return undefined;
  return {
    tenantId: row.tenant_id,
    siteId: row.site_id,
    sku: row.sku,
    onHand: Number(row.on_hand),
    allocated: Number(row.allocated),
    unitOfMeasure: row.unit_of_measure,
    changeReason: row.change_reason,
    occurredAt: row.as_of.toISOString(),
  };
}

export interface SiteRow {
  site_id: string;
  reported_by: string;
  status: string;
  time_zone: string;
  opens_at: string;
  cut_off: string;
  daily_capacity: number;
  orders_accepted_today: number;
  as_of: Date | number;
}

export function siteStatusOfRow(row: SiteRow & { as_of: Date }): SiteStatusFact {
  return {
    siteId: row.site_id,
    status: row.status as SiteStatusFact['status'],
    timeZone: row.time_zone,
    releaseWindow: { opensAt: row.opens_at, cutOff: row.cut_off },
    dailyCapacity: row.daily_capacity,
    ordersAcceptedToday: row.orders_accepted_today,
    reportedBy: row.reported_by,
    occurredAt: row.as_of.toISOString(),
  };
}
