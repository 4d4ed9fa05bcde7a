import { assertNever } from '@lading/decider';
import {
  heldOrderFromEvent,
  heldOrdersToReevaluate,
  type HeldOrder,
  type HoldReasonCode,
  type OrderHeld,
  type OrderReleased,
  type OrderReleaseMessage,
  type ReleaseContext,
  type ReleaseTrigger,
  type SiteOperatingStatus,
} from '@lading/order-release-domain';
import type { CreditFact, ReleaseFact, SiteStatusFact, StockLevelFact } from '../order-release.mapper';
import {
  byteOrder,
  createReleaseLedger,
  customerKey,
  operatingDayFor,
  releaseScopeBuilder,
  siteDayKey,
  siteQueueKey,
  stockKey,
  type ReleaseContextRequest,
  type ReleaseScope,
  type ReleaseSnapshot,
} from './release-ledger';
import { DEFAULT_ORDER_RELEASE_SCHEMA, releaseTablesOf, type Queryable, type ReleaseTables } from './schema';

export type { ReleaseContextRequest } from './release-ledger';

/** Which warehouse order the WMS accepted (`warehouseProgressFrom` of a WarehouseOrderAccepted). */
export interface WarehouseOrderRef {
  orderId: string;
  /** Null when the WMS did not echo it: then every reservation of the order not yet handed over is. */
  warehouseOrderId: string | null;
}

/**
 * order-release's read models and its atomic inventory reservation, over one PostgreSQL schema.
 * Every function runs on the caller's transaction (`Queryable`), so what it reads, locks and
 * writes commits with the inbox row and the appended events, or not at all. Expects READ
 * COMMITTED (PostgreSQL's default): after waiting for a lock, the next statement sees what the
 * other transaction committed.
 */
export interface ReleaseReadModels {
  /**
   * Applies a credit, stock or site fact from the mapper. Sequencing by the source's occurredAt:
   * a fact older than the one applied for its key (credit hold, sku@site, site) changes nothing,
   * and so does a redelivery. Returns whether it changed the read model (re-evaluate held orders
   * only then). A stock level also reconciles reservations: those the WMS accepted at or before
   * the level's instant are in its `allocated` now, and are dropped.
   */
  applyReleaseFact(q: Queryable, fact: ReleaseFact): Promise<boolean>;
  /**
   * The domain's ReleaseContext for one decision, taking row locks (FOR UPDATE) on the stock rows
   * of the needed SKUs (byte order, so two such transactions never deadlock) and then the site's
   * capacity row for the operating day, so two instances deciding for the last units or the
   * last slot serialise: the second reads after the first committed its reservations.
   */
  loadReleaseContext(q: Queryable, needed: ReleaseContextRequest, now: Date): Promise<ReleaseContext>;
  /**
   * Loads (and locks, in the order `loadReleaseContext` does) what a set of decisions reads: the
   * snapshot a `ReleaseLedger` decides them against one after another. Decisions of many orders
   * then take their locks once, in one common order, instead of once per order.
   */
  lockReleaseSnapshot(q: Queryable, scope: ReleaseScope, now: Date): Promise<ReleaseSnapshot>;
  /**
   * Applies the decider's new messages (of one or many orders), in order: OrderReleased reserves
   * its lines and counts against the site's operating day, and takes the order out of the held
   * queue; OrderHeld puts it (back) in the queue; OrderCancelled frees what the WMS has not taken
   * over and leaves the queue. Other messages change nothing here.
   */
  recordReleaseDecision(q: Queryable, messages: readonly OrderReleaseMessage[]): Promise<void>;
  /**
   * The WMS accepted a warehouse order at `at` (its occurredAt): from a stock level as of then
   * on, its `allocated` includes the reservation. Returns the reservation rows handed over.
   */
  markHandedOver(q: Queryable, accepted: WarehouseOrderRef, at: string | Date): Promise<number>;
  /**
   * The WMS cancelled a warehouse order (before picking it): its reservations are dropped, handed
   * over or not (the WMS freed its allocation). Returns the sku@site whose stock that freed.
   */
  freeCancelledWarehouseOrder(q: Queryable, cancelled: WarehouseOrderRef): Promise<{ tenantId: string; siteId: string; sku: string }[]>;
  /** The held orders a change concerns, oldest first (`heldOrdersToReevaluate`). */
  heldOrdersFor(q: Queryable, trigger: ReleaseTrigger): Promise<HeldOrder[]>;
  /**
   * Held orders waiting for stock of which some is on hand and unallocated now, oldest first:
   * the anti-entropy sweep's candidates (a wake-up lost to a race is found here).
   */
  heldOrdersWithStockOnHand(q: Queryable, limit: number): Promise<HeldOrder[]>;
}

/** The read models in `schema` (default `order_release`, as `migrateOrderRelease` creates it). */
export function createReleaseReadModels(options: { schema?: string } = {}): ReleaseReadModels {
  const t = releaseTablesOf(options.schema ?? DEFAULT_ORDER_RELEASE_SCHEMA);
  return {
    applyReleaseFact: (q, fact) => applyFact(t, q, fact),
    loadReleaseContext: (q, needed, now) => loadContext(t, q, needed, now),
    lockReleaseSnapshot: (q, scope, now) => lockSnapshot(t, q, scope, now),
    recordReleaseDecision: (q, messages) => recordDecisions(t, q, messages),
    markHandedOver: (q, accepted, at) => handOver(t, q, accepted, at),
    freeCancelledWarehouseOrder: (q, cancelled) => freeCancelled(t, q, cancelled),
    heldOrdersFor: (q, trigger) => heldFor(t, q, trigger),
    heldOrdersWithStockOnHand: async (q, limit) =>
      (
        await q.query(
          `select h.* from ${t.heldOrders} h
            where 'INSUFFICIENT_INVENTORY' = any(h.reasons)
              and exists (select 1 from jsonb_array_elements(h.waiting_for) w
                            join ${t.stockLevels} s on s.tenant_id = h.tenant_id and s.site_id = h.site_id and s.sku = w->>'sku'
                           where s.on_hand - s.allocated > 0)
            order by h.queued_since, h.order_id limit $1`,
          [limit],
        )
      ).rows.map(heldOrderOfRow),
  };
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

async function applyFact(t: ReleaseTables, q: Queryable, fact: ReleaseFact): Promise<boolean> {
  switch (fact.kind) {
    case 'CreditHoldPlaced':
    case 'CreditHoldReleased':
      return applyCredit(t, q, fact);
    case 'StockLevel':
      return applyStockLevel(t, q, fact);
    case 'SiteStatus':
      return applySiteStatus(t, q, fact);
    default:
      return assertNever(fact, 'release fact');
  }
}

async function applyCredit(t: ReleaseTables, q: Queryable, fact: CreditFact): Promise<boolean> {
  const inForce = fact.kind === 'CreditHoldPlaced';
  const reason = fact.kind === 'CreditHoldPlaced' ? fact.reason : null;
  // Newer wins; at the same instant the release wins, since a hold is placed before it can be
  // released and a tie means both fell in one clock tick.
  const result = await q.query(
    `insert into ${t.creditHolds} as h (tenant_id, customer_id, hold_id, order_id, in_force, reason, as_of)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id, customer_id, hold_id) do update
       set order_id = excluded.order_id, in_force = excluded.in_force, reason = coalesce(excluded.reason, h.reason), as_of = excluded.as_of
       where h.as_of < excluded.as_of or (h.as_of = excluded.as_of and h.in_force and not excluded.in_force)`,
    [fact.tenantId, fact.customerId, fact.holdId, fact.orderId, inForce, reason, fact.occurredAt],
  );
  return (result.rowCount ?? 0) > 0;
}

async function applyStockLevel(t: ReleaseTables, q: Queryable, fact: StockLevelFact): Promise<boolean> {
  // Newer wins; at an equal instant, a different level wins (see the statement).
  const result = await q.query(
    `insert into ${t.stockLevels} as s (tenant_id, site_id, sku, on_hand, allocated, unit_of_measure, change_reason, as_of)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (tenant_id, site_id, sku) do update
       set on_hand = excluded.on_hand, allocated = excluded.allocated, unit_of_measure = excluded.unit_of_measure,
           change_reason = excluded.change_reason, as_of = excluded.as_of
       where s.as_of < excluded.as_of
          -- Two changes in one WMS clock tick carry the same instant. Levels of one sku@site
          -- arrive in order on one partition (redeliveries stop at the inbox), so a different
          -- level at the same instant is the later one; the same level again changes nothing.
          or (s.as_of = excluded.as_of and (s.on_hand, s.allocated) is distinct from (excluded.on_hand, excluded.allocated))`,
    [fact.tenantId, fact.siteId, fact.sku, fact.onHand, fact.allocated, fact.unitOfMeasure, fact.changeReason, fact.occurredAt],
  );
  if ((result.rowCount ?? 0) === 0) return false;
  await q.query(`delete from ${t.reservations} where tenant_id = $1 and site_id = $2 and sku = $3 and handed_over_at <= $4`, [
    fact.tenantId,
    fact.siteId,
    fact.sku,
    fact.occurredAt,
  ]);
  return true;
}

async function applySiteStatus(t: ReleaseTables, q: Queryable, fact: SiteStatusFact): Promise<boolean> {
  const result = await q.query(
    `insert into ${t.siteReadiness} as s (site_id, tenant_id, status, time_zone, opens_at, cut_off, daily_capacity, orders_accepted_today, as_of)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (site_id) do update
       set tenant_id = excluded.tenant_id, status = excluded.status, time_zone = excluded.time_zone, opens_at = excluded.opens_at,
           cut_off = excluded.cut_off, daily_capacity = excluded.daily_capacity, orders_accepted_today = excluded.orders_accepted_today, as_of = excluded.as_of
       where s.as_of < excluded.as_of`,
    [
      fact.siteId,
      fact.tenantId,
      fact.status,
      fact.timeZone,
      fact.releaseWindow.opensAt,
      fact.releaseWindow.cutOff,
      fact.dailyCapacity,
      fact.ordersAcceptedToday,
      fact.occurredAt,
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------
// The snapshot a set of decisions runs against
// ---------------------------------------------------------------------------------------------

async function loadContext(t: ReleaseTables, q: Queryable, needed: ReleaseContextRequest, now: Date): Promise<ReleaseContext> {
  const snapshot = await lockSnapshot(t, q, releaseScopeBuilder().add(needed).scope(), now);
  return createReleaseLedger(snapshot).contextFor(needed, now);
}

/**
 * Loads what the decisions in `scope` read, taking the row locks that make reservation atomic
 * across instances. Lock order, the same in every transaction: stock rows by (tenant, site,
 * sku), then the sites (shared) by site, then the sites' capacity rows for the operating day by
 * (site, day), then the customers' credit holds (shared) by (tenant, customer, hold). Two such transactions wait for each other, never
 * deadlock; the second reads after the first committed its reservations (READ COMMITTED: the
 * statements after a lock wait see what the other transaction committed).
 */
async function lockSnapshot(t: ReleaseTables, q: Queryable, scope: ReleaseScope, now: Date): Promise<ReleaseSnapshot> {
  const stockTenants = scope.stock.map((k) => k.tenantId);
  const stockSites = scope.stock.map((k) => k.siteId);
  const stockSkus = scope.stock.map((k) => k.sku);
  const stock: ReleaseSnapshot['stock'] = new Map();
  if (scope.stock.length > 0) {
    // Inserts a row for every needed sku@site that has none (an empty row, -infinity, that any
    // real level overwrites) and locks every row, in lock order, in one statement: the no-op
    // update of an existing row takes its lock and returns it as last committed (after a wait).
    // Without a row to lock, a decision that found no stock and a first stock level arriving at
    // the same moment would not meet on a lock, the level's re-evaluation would look for held
    // orders before the decision committed its hold, and the order would wait forever.
    const stockRows = (
      await q.query(
        `insert into ${t.stockLevels} as s (tenant_id, site_id, sku, on_hand, allocated, unit_of_measure, as_of)
         select k.tenant_id, k.site_id, k.sku, 0, 0, '', '-infinity'::timestamptz
           from unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku)
          order by k.tenant_id collate "C", k.site_id collate "C", k.sku collate "C"
         on conflict (tenant_id, site_id, sku) do update set as_of = s.as_of
         returning s.tenant_id, s.site_id, s.sku, s.on_hand::text as on_hand, s.allocated::text as allocated, s.unit_of_measure, s.change_reason, s.as_of`,
        [stockTenants, stockSites, stockSkus],
      )
    ).rows as StockRow[];
    for (const row of stockRows) {
      // the empty rows carry -infinity: no level reported yet
      const level: StockLevelFact | undefined =
        row.as_of instanceof Date
          ? {
              tenantId: row.tenant_id,
              siteId: row.site_id,
              sku: row.sku,
              onHand: Number(row.on_hand),
              allocated: Number(row.allocated),
              unitOfMeasure: row.unit_of_measure,
              changeReason: row.change_reason,
              occurredAt: row.as_of.toISOString(),
            }
          : undefined;
      stock.set(stockKey(row.tenant_id, row.site_id, row.sku), { ...(level ? { level } : {}), reserved: 0 });
    }
  }

  // FOR SHARE, as credit below: a site status being changed right now is either committed before
  // we read it, or waits for our commit, and the re-evaluation it schedules then finds our hold
  // (read without a lock, a CLOSED read racing an OPEN would leave the order held for good).
  const sites = new Map(
    (
      (await q.query(`select * from ${t.siteReadiness} where site_id = any($1::text[]) order by site_id collate "C" for share`, [scope.sites])).rows as SiteRow[]
    ).map((row) => [row.site_id, siteFactOf(row)]),
  );
  // Every capacity row is created if missing and locked (the same upsert): two first releases of
  // a day must not both read "none yet".
  const days = [...sites.values()]
    .map((site) => ({ siteId: site.siteId, operatingDay: operatingDayFor(site, now) }))
    .filter((d): d is { siteId: string; operatingDay: string } => d.operatingDay !== undefined)
    .sort((a, b) => byteOrder(a.siteId, b.siteId));
  const releasedOrders: ReleaseSnapshot['releasedOrders'] = new Map();
  if (days.length > 0) {
    const dayRows = (
      await q.query(
        `insert into ${t.siteDayReleases} as r (site_id, operating_day)
         select d.site_id, d.operating_day from unnest($1::text[], $2::date[]) as d(site_id, operating_day) order by d.site_id collate "C", d.operating_day
         on conflict (site_id, operating_day) do update set released_orders = r.released_orders
         returning r.site_id, r.operating_day::text as operating_day, r.released_orders`,
        [days.map((d) => d.siteId), days.map((d) => d.operatingDay)],
      )
    ).rows as { site_id: string; operating_day: string; released_orders: number }[];
    for (const row of dayRows) releasedOrders.set(siteDayKey(row.site_id, row.operating_day), row.released_orders);
  }

  // After the locks, in one statement: what our releases reserved beyond the WMS's levels, the
  // held queues and the credit holds (FOR SHARE: a hold being released right now is either
  // committed before we read, or waits for our commit and its re-evaluation then finds our
  // hold). Read after the lock waits, it sees what a transaction we waited for committed.
  const rest = (
    await q.query(
      `with keys as (select * from unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku)),
       credit as (
         select c.tenant_id, c.customer_id, c.order_id, c.in_force
           from ${t.creditHolds} c
           join unnest($6::text[], $7::text[]) as k(tenant_id, customer_id) on (c.tenant_id, c.customer_id) = (k.tenant_id, k.customer_id)
          order by c.tenant_id collate "C", c.customer_id collate "C", c.hold_id collate "C"
          for share of c
       )
       select
         (select coalesce(json_agg(x), '[]') from (
            select r.tenant_id, r.site_id, r.sku, sum(r.quantity)::text as reserved
              from ${t.reservations} r
              join keys k on (r.tenant_id, r.site_id, r.sku) = (k.tenant_id, k.site_id, k.sku)
              join ${t.stockLevels} s on (s.tenant_id, s.site_id, s.sku) = (r.tenant_id, r.site_id, r.sku)
             where r.handed_over_at is null or r.handed_over_at > s.as_of
             group by 1, 2, 3) x) as reserved,
         (select coalesce(json_agg(h), '[]') from (
            select h.* from ${t.heldOrders} h
              join unnest($4::text[], $5::text[]) as k(tenant_id, site_id) on (h.tenant_id, h.site_id) = (k.tenant_id, k.site_id)) h) as held,
         (select coalesce(json_agg(c), '[]') from credit c) as credit`,
      [
        stockTenants,
        stockSites,
        stockSkus,
        scope.queues.map((k) => k.tenantId),
        scope.queues.map((k) => k.siteId),
        scope.customers.map((k) => k.tenantId),
        scope.customers.map((k) => k.customerId),
      ],
    )
  ).rows[0] as {
    reserved: { tenant_id: string; site_id: string; sku: string; reserved: string }[];
    held: (Omit<HeldRow, 'queued_since'> & { queued_since: string })[];
    credit: { tenant_id: string; customer_id: string; order_id: string | null; in_force: boolean }[];
  };
  for (const row of rest.reserved) {
    const entry = stock.get(stockKey(row.tenant_id, row.site_id, row.sku));
    if (entry) entry.reserved = Number(row.reserved);
  }
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

interface StockRow {
  tenant_id: string;
  site_id: string;
  sku: string;
  on_hand: string;
  allocated: string;
  unit_of_measure: string;
  change_reason: string | null;
  as_of: Date | number;
}

interface SiteRow {
  site_id: string;
  tenant_id: string;
  status: string;
  time_zone: string;
  opens_at: string;
  cut_off: string;
  daily_capacity: number;
  orders_accepted_today: number;
  as_of: Date;
}

function siteFactOf(row: SiteRow): SiteStatusFact {
  return {
    tenantId: row.tenant_id,
    siteId: row.site_id,
    status: row.status as SiteOperatingStatus | 'UNKNOWN',
    timeZone: row.time_zone,
    releaseWindow: { opensAt: row.opens_at, cutOff: row.cut_off },
    dailyCapacity: row.daily_capacity,
    ordersAcceptedToday: row.orders_accepted_today,
    occurredAt: row.as_of.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

/**
 * Writes decisions back, set-wise (a few statements however many orders): reservations of every
 * OrderReleased (each warehouse order counted once against its site's day, even if recorded
 * twice), then each order's place in the held queue as its last message left it.
 */
async function recordDecisions(t: ReleaseTables, q: Queryable, messages: readonly OrderReleaseMessage[]): Promise<void> {
  const released: OrderReleased['data'][] = [];
  /** The last queue-changing message per order: held (upsert) or out of the queue (delete). */
  const queue = new Map<string, OrderHeld | undefined>();
  for (const message of messages) {
    switch (message.type) {
      case 'OrderReleased':
        released.push(message.data);
        // A backorder follows as its own OrderHeld in the same decision and re-enters the queue.
        queue.set(message.data.orderId, undefined);
        break;
      case 'OrderHeld':
        queue.set(message.data.orderId, message);
        break;
      case 'OrderCancelled':
        queue.set(message.data.orderId, undefined);
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
         insert into ${t.reservations} (warehouse_order_id, sku, tenant_id, order_id, site_id, quantity, unit_of_measure, reserved_at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::timestamptz[])
         on conflict do nothing
         returning warehouse_order_id
       ),
       counted as (
         select d.site_id, d.operating_day, count(*)::int as n
           from unnest($9::text[], $10::text[], $11::date[]) as d(warehouse_order_id, site_id, operating_day)
          where d.warehouse_order_id in (select warehouse_order_id from inserted)
          group by 1, 2
       )
       insert into ${t.siteDayReleases} as r (site_id, operating_day, released_orders)
       select site_id, operating_day, n from counted order by site_id collate "C", operating_day
       on conflict (site_id, operating_day) do update set released_orders = r.released_orders + excluded.released_orders`,
      [
        lines.map(({ data }) => data.warehouseOrderId),
        lines.map(({ line }) => line.sku),
        lines.map(({ data }) => data.tenantId),
        lines.map(({ data }) => data.orderId),
        lines.map(({ data }) => data.siteId),
        lines.map(({ line }) => line.quantity),
        lines.map(({ line }) => line.unitOfMeasure),
        lines.map(({ data }) => data.releasedAt),
        released.map((data) => data.warehouseOrderId),
        released.map((data) => data.siteId),
        released.map((data) => data.operatingDay),
      ],
    );
  }
  const leaving = [...queue.entries()].filter(([, held]) => held === undefined).map(([orderId]) => orderId);
  const entering = [...queue.values()]
    .filter((held): held is OrderHeld => held !== undefined)
    .map((event) => ({ held: heldOrderFromEvent(event), heldAt: event.data.heldAt }))
    .sort((a, b) => byteOrder(a.held.orderId, b.held.orderId));
  if (leaving.length === 0 && entering.length === 0) return;
  // One statement: each order takes the place in the held queue its last message left it in.
  // A cancel leaves the queue but frees no stock: what was released stays reserved until the WMS
  // confirms the cancel (freeCancelledWarehouseOrder) or its stock levels reconcile it.
  await q.query(
    `with leaving as (
       delete from ${t.heldOrders} where order_id = any($1::text[])
     )
     insert into ${t.heldOrders} (order_id, tenant_id, customer_id, site_id, queued_since, reasons, waiting_for, backorder, held_at)
     select h.order_id, h.tenant_id, h.customer_id, h.site_id, h.queued_since, h.reasons, h.waiting_for, h.backorder, h.held_at
       from jsonb_to_recordset($2::jsonb) as h(order_id text, tenant_id text, customer_id text, site_id text, queued_since timestamptz,
                                               reasons text[], waiting_for jsonb, backorder boolean, held_at timestamptz)
     on conflict (order_id) do update
       set customer_id = excluded.customer_id, site_id = excluded.site_id, queued_since = excluded.queued_since, reasons = excluded.reasons,
           waiting_for = excluded.waiting_for, backorder = excluded.backorder, held_at = excluded.held_at`,
    [
      leaving.sort(byteOrder),
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

async function freeCancelled(t: ReleaseTables, q: Queryable, cancelled: WarehouseOrderRef): Promise<{ tenantId: string; siteId: string; sku: string }[]> {
  type Row = { warehouse_order_id: string; sku: string; tenant_id: string; site_id: string };
  const columns = 'warehouse_order_id, sku, tenant_id, site_id';
  const byId: Row[] =
    cancelled.warehouseOrderId === null
      ? []
      : (await q.query(`select ${columns} from ${t.reservations} where warehouse_order_id = $1 and order_id = $2`, [cancelled.warehouseOrderId, cancelled.orderId])).rows;
  // The WMS named the order by its own id (or none): every warehouse order of the order it has
  // not accepted. One it accepted may still be picked; its stock levels reconcile it.
  const doomed: Row[] =
    byId.length > 0 ? byId : (await q.query(`select ${columns} from ${t.reservations} where order_id = $1 and handed_over_at is null`, [cancelled.orderId])).rows;
  if (doomed.length === 0) return [];
  // The stock rows first, in lock order, as a decision locks them: a decision reading these
  // reservations right now commits its hold before the caller looks for held orders to wake,
  // or it reads after they are gone.
  await q.query(
    `select 1 from ${t.stockLevels} s
       join unnest($1::text[], $2::text[], $3::text[]) as k(tenant_id, site_id, sku) on (s.tenant_id, s.site_id, s.sku) = (k.tenant_id, k.site_id, k.sku)
      order by s.tenant_id collate "C", s.site_id collate "C", s.sku collate "C"
      for update of s`,
    [doomed.map((r) => r.tenant_id), doomed.map((r) => r.site_id), doomed.map((r) => r.sku)],
  );
  const { rows } = await q.query(
    `delete from ${t.reservations} where (warehouse_order_id, sku) in (select * from unnest($1::text[], $2::text[])) returning tenant_id, site_id, sku`,
    [doomed.map((r) => r.warehouse_order_id), doomed.map((r) => r.sku)],
  );
  return (rows as Row[]).map((r) => ({ tenantId: r.tenant_id, siteId: r.site_id, sku: r.sku }));
}

async function handOver(t: ReleaseTables, q: Queryable, accepted: WarehouseOrderRef, at: string | Date): Promise<number> {
  const instant = typeof at === 'string' ? at : at.toISOString();
  if (accepted.warehouseOrderId !== null) {
    // A redelivered acceptance keeps the first instant; a match here (even an old one) means
    // the id is ours, so the order-wide fallback below must not run.
    const byId = await q.query(
      `update ${t.reservations} set handed_over_at = coalesce(handed_over_at, $2) where warehouse_order_id = $1 and order_id = $3`,
      [accepted.warehouseOrderId, instant, accepted.orderId],
    );
    if ((byId.rowCount ?? 0) > 0) return byId.rowCount ?? 0;
  }
  // The WMS named the order by its own id (or none): everything of the order not yet handed over.
  const byOrder = await q.query(`update ${t.reservations} set handed_over_at = $2 where order_id = $1 and handed_over_at is null`, [accepted.orderId, instant]);
  return byOrder.rowCount ?? 0;
}

// ---------------------------------------------------------------------------------------------
// The held queue
// ---------------------------------------------------------------------------------------------

interface HeldRow {
  order_id: string;
  tenant_id: string;
  customer_id: string;
  site_id: string;
  queued_since: Date;
  reasons: string[];
  waiting_for: { sku: string; quantity: number }[];
  backorder: boolean;
}

function heldOrderOfRow(row: HeldRow): HeldOrder {
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

async function heldFor(t: ReleaseTables, q: Queryable, trigger: ReleaseTrigger): Promise<HeldOrder[]> {
  // SQL narrows to the trigger's key; the domain decides which of them the change concerns and in which order.
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
        return q.query(`select * from ${t.heldOrders} where site_id = $1`, [trigger.siteId]);
      case 'CREDIT_CHANGED':
        return q.query(`select * from ${t.heldOrders} where tenant_id = $1 and customer_id = $2`, [trigger.tenantId, trigger.customerId]);
      default:
        return assertNever(trigger, 'release trigger');
    }
  })();
  return heldOrdersToReevaluate(rows.map(heldOrderOfRow), trigger);
}

const defaultReadModels = createReleaseReadModels();

/** `createReleaseReadModels().applyReleaseFact` on the `order_release` schema. */
export const applyReleaseFact = defaultReadModels.applyReleaseFact;
/** `createReleaseReadModels().loadReleaseContext` on the `order_release` schema. */
export const loadReleaseContext = defaultReadModels.loadReleaseContext;
/** `createReleaseReadModels().recordReleaseDecision` on the `order_release` schema. */
export const recordReleaseDecision = defaultReadModels.recordReleaseDecision;
/** `createReleaseReadModels().markHandedOver` on the `order_release` schema. */
export const markHandedOver = defaultReadModels.markHandedOver;
/** `createReleaseReadModels().heldOrdersFor` on the `order_release` schema. */
export const heldOrdersFor = defaultReadModels.heldOrdersFor;
