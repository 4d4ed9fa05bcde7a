import { assertNever } from '@lading/decider';
import {
  heldOrderFromEvent,
  heldOrdersToReevaluate,
  isKnownTimeZone,
  isLocalTime,
  releaseWindowAt,
  stockAwaitedByOlderOrders,
  type HeldOrder,
  type HoldReasonCode,
  type OrderCancelled,
  type OrderHeld,
  type OrderReleased,
  type OrderReleaseMessage,
  type ReleaseContext,
  type ReleaseContextNeeds,
  type ReleaseTrigger,
  type SiteOperatingStatus,
  type StockPosition,
} from '@lading/order-release-domain';
import { siteReadinessOf, stockPositionOf, type CreditFact, type ReleaseFact, type SiteStatusFact, type StockLevelFact } from '../order-release.mapper';
import { DEFAULT_ORDER_RELEASE_SCHEMA, releaseTablesOf, type Queryable, type ReleaseTables } from './schema';

/** What `loadReleaseContext` reads for: the domain's needs plus the order they are for. */
export interface ReleaseContextRequest extends ReleaseContextNeeds {
  /** The order being decided: a credit hold on this very order counts, and it is not older than itself in the queue. */
  orderId: string;
}

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
   * of the needed SKUs (SKU order, so two such transactions never deadlock) and then the site's
   * capacity row for the operating day, so two instances deciding for the last units or the
   * last slot serialise: the second reads after the first committed its reservations.
   */
  loadReleaseContext(q: Queryable, needed: ReleaseContextRequest, now: Date): Promise<ReleaseContext>;
  /**
   * Applies the decider's new messages, in order: OrderReleased reserves its lines and counts
   * against the site's operating day, and takes the order out of the held queue; OrderHeld puts
   * it (back) in the queue; OrderCancelled frees what the WMS has not taken over and leaves the
   * queue. Other messages change nothing here.
   */
  recordReleaseDecision(q: Queryable, messages: readonly OrderReleaseMessage[]): Promise<void>;
  /**
   * The WMS accepted a warehouse order at `at` (its occurredAt): from a stock level as of then
   * on, its `allocated` includes the reservation. Returns the reservation rows handed over.
   */
  markHandedOver(q: Queryable, accepted: WarehouseOrderRef, at: string | Date): Promise<number>;
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
    recordReleaseDecision: (q, messages) => recordDecision(t, q, messages),
    markHandedOver: (q, accepted, at) => handOver(t, q, accepted, at),
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
// The context of one decision
// ---------------------------------------------------------------------------------------------

async function loadContext(t: ReleaseTables, q: Queryable, needed: ReleaseContextRequest, now: Date): Promise<ReleaseContext> {
  const { tenantId, customerId, siteId, orderId } = needed;
  // byte order, as the locks below are taken: the inserts of empty rows lock rows too
  const skus = [...new Set(needed.skus)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  // Lock order: stock rows by SKU (byte order, the same in every session), then the capacity
  // row, then the customer's credit holds. Every decision takes them in this order, so two
  // decisions wait, never deadlock.
  //
  // A row for every needed SKU exists before it is locked (an empty row that any real level
  // overwrites): otherwise a decision that found no stock and a first stock level arriving at
  // the same moment would not meet on a lock, the level's re-evaluation would look for held
  // orders before the decision committed its hold, and the order would wait forever.
  await q.query(
    `insert into ${t.stockLevels} (tenant_id, site_id, sku, on_hand, allocated, unit_of_measure, as_of)
     select $1, $2, unnest($3::text[]), 0, 0, '', '-infinity'::timestamptz
     on conflict do nothing`,
    [tenantId, siteId, skus],
  );
  const stockRows = (
    await q.query(
      `select sku, on_hand::text as on_hand, allocated::text as allocated, unit_of_measure, change_reason, as_of
       from ${t.stockLevels} where tenant_id = $1 and site_id = $2 and sku = any($3::text[])
       order by sku collate "C" for update`,
      [tenantId, siteId, skus],
    )
  ).rows.filter((row) => row.as_of instanceof Date) as {
    sku: string;
    on_hand: string;
    allocated: string;
    unit_of_measure: string;
    change_reason: string | null;
    as_of: Date;
  }[];

  const siteRow = (await q.query(`select * from ${t.siteReadiness} where site_id = $1`, [siteId])).rows[0] as SiteRow | undefined;
  const siteFact = siteRow ? siteFactOf(siteRow) : undefined;
  const releasedOrders = await lockReleasedOrders(t, q, siteFact, now);

  // A separate statement after the locks: under READ COMMITTED it sees reservations that a
  // transaction we waited for has committed.
  const reservedRows = (
    await q.query(
      `select r.sku, sum(r.quantity)::text as reserved
       from ${t.reservations} r
       join ${t.stockLevels} s on s.tenant_id = r.tenant_id and s.site_id = r.site_id and s.sku = r.sku
       where r.tenant_id = $1 and r.site_id = $2 and r.sku = any($3::text[])
         and (r.handed_over_at is null or r.handed_over_at > s.as_of)
       group by r.sku`,
      [tenantId, siteId, skus],
    )
  ).rows as { sku: string; reserved: string }[];
  const reserved = new Map(reservedRows.map((row) => [row.sku, Number(row.reserved)]));

  const queuedSince = needed.queuedSince ?? now.toISOString();
  const olderHeld = (
    await q.query(`select * from ${t.heldOrders} where tenant_id = $1 and site_id = $2 and queued_since <= $3 and order_id <> $4`, [
      tenantId,
      siteId,
      queuedSince,
      orderId,
    ])
  ).rows.map(heldOrderOfRow);
  const awaited = stockAwaitedByOlderOrders(olderHeld, { orderId, tenantId, siteId, queuedSince });

  // FOR SHARE: a hold being released right now is either committed before we read (we see
  // it released) or waits for our commit (and its re-evaluation then finds our hold).
  const creditRows = (
    await q.query(
      `select in_force from ${t.creditHolds} where tenant_id = $1 and customer_id = $2 and (order_id is null or order_id = $3) for share`,
      [tenantId, customerId, orderId],
    )
  ).rows as { in_force: boolean }[];
  const creditRow = { on_hold: creditRows.some((row) => row.in_force) };

  const levels = new Map(
    stockRows.map((row): [string, StockLevelFact] => [
      row.sku,
      {
        tenantId,
        siteId,
        sku: row.sku,
        onHand: Number(row.on_hand),
        allocated: Number(row.allocated),
        unitOfMeasure: row.unit_of_measure,
        changeReason: row.change_reason,
        occurredAt: row.as_of.toISOString(),
      },
    ]),
  );
  const inventory: Record<string, StockPosition> = {};
  for (const sku of skus) inventory[sku] = stockPositionOf(levels.get(sku), reserved.get(sku) ?? 0, awaited[sku] ?? 0);

  const site = siteReadinessOf(siteFact, releasedOrders);
  return {
    credit: { customerId, onHold: creditRow.on_hold },
    ...(site === undefined ? {} : { site }),
    inventory,
  };
}

/**
 * Locks and reads the site's count for the operating day a release now would count against
 * (the current window's, else the next one's). The row is created first so there is always a
 * row to lock: two first releases of a day must not both read "none yet".
 */
async function lockReleasedOrders(t: ReleaseTables, q: Queryable, site: SiteStatusFact | undefined, now: Date): Promise<{ operatingDay: string; count: number }> {
  const utcDay = now.toISOString().slice(0, 10);
  // The domain holds such a site as UNKNOWN_SITE without looking at capacity.
  if (!site || site.status === 'UNKNOWN' || !isKnownTimeZone(site.timeZone) || !isLocalTime(site.releaseWindow.opensAt) || !isLocalTime(site.releaseWindow.cutOff))
    return { operatingDay: utcDay, count: 0 };
  const window = releaseWindowAt(site.releaseWindow, site.timeZone, now);
  const operatingDay = window.open ? window.operatingDay : window.nextOperatingDay;
  await q.query(`insert into ${t.siteDayReleases} (site_id, operating_day) values ($1, $2) on conflict do nothing`, [site.siteId, operatingDay]);
  const row = (await q.query(`select released_orders from ${t.siteDayReleases} where site_id = $1 and operating_day = $2 for update`, [site.siteId, operatingDay]))
    .rows[0] as { released_orders: number };
  return { operatingDay, count: row.released_orders };
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

async function recordDecision(t: ReleaseTables, q: Queryable, messages: readonly OrderReleaseMessage[]): Promise<void> {
  for (const message of messages) {
    switch (message.type) {
      case 'OrderReleased':
        await reserve(t, q, message);
        break;
      case 'OrderHeld':
        await enqueue(t, q, message);
        break;
      case 'OrderCancelled':
        await release(t, q, message);
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
}

async function reserve(t: ReleaseTables, q: Queryable, { data }: OrderReleased): Promise<void> {
  const inserted = await q.query(
    `insert into ${t.reservations} (warehouse_order_id, sku, tenant_id, order_id, site_id, quantity, unit_of_measure, reserved_at)
     select $1, line.sku, $2, $3, $4, line.quantity, line.unit, $5
     from unnest($6::text[], $7::numeric[], $8::text[]) as line(sku, quantity, unit)
     on conflict do nothing`,
    [
      data.warehouseOrderId,
      data.tenantId,
      data.orderId,
      data.siteId,
      data.releasedAt,
      data.lines.map((l) => l.sku),
      data.lines.map((l) => l.quantity),
      data.lines.map((l) => l.unitOfMeasure),
    ],
  );
  // A warehouse order counts once against capacity, even if its release were recorded twice.
  if ((inserted.rowCount ?? 0) > 0)
    await q.query(
      `insert into ${t.siteDayReleases} as d (site_id, operating_day, released_orders) values ($1, $2, 1)
       on conflict (site_id, operating_day) do update set released_orders = d.released_orders + 1`,
      [data.siteId, data.operatingDay],
    );
  // A backorder follows as its own OrderHeld in the same decision and re-enters the queue.
  await q.query(`delete from ${t.heldOrders} where order_id = $1`, [data.orderId]);
}

async function enqueue(t: ReleaseTables, q: Queryable, event: OrderHeld): Promise<void> {
  const held = heldOrderFromEvent(event);
  await q.query(
    `insert into ${t.heldOrders} (order_id, tenant_id, customer_id, site_id, queued_since, reasons, waiting_for, backorder, held_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (order_id) do update
       set customer_id = excluded.customer_id, site_id = excluded.site_id, queued_since = excluded.queued_since, reasons = excluded.reasons,
           waiting_for = excluded.waiting_for, backorder = excluded.backorder, held_at = excluded.held_at`,
    [held.orderId, held.tenantId, held.customerId, held.siteId, held.queuedSince, held.reasons, JSON.stringify(held.waitingFor), held.backorder, event.data.heldAt],
  );
}

async function release(t: ReleaseTables, q: Queryable, { data }: OrderCancelled): Promise<void> {
  // What the WMS accepted stays until a stock level reflects the cancel (it is in `allocated`).
  await q.query(`delete from ${t.reservations} where order_id = $1 and handed_over_at is null`, [data.orderId]);
  await q.query(`delete from ${t.heldOrders} where order_id = $1`, [data.orderId]);
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
