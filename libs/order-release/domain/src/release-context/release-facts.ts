import { operatingDayAt, roundQuantity, type LocalDate, type ReleaseWindow } from '@lading/shared-domain';
import type { CreditStanding, SiteOperatingStatus, SiteReadiness, StockPosition } from '../order-release/order-release';

// =============================================================================================
// The facts order-release keeps about the world outside its order streams — credit holds from
// the ERP, stock levels and site status from the WMS, what the WMS did with a warehouse order —
// and the rules that turn them into a decision's context. The app stores them (SQL); every rule
// about them lives here, once.
// =============================================================================================

/** One credit hold, placed or released (key: tenant, customer, holdId). */
export interface CreditHoldFact {
  tenantId: string;
  customerId: string;
  holdId: string;
  /** The one order the hold covers; null when it covers every order of the customer. */
  orderId: string | null;
  occurredAt: string;
}

export type CreditFact = ({ kind: 'CreditHoldPlaced'; reason: string } & CreditHoldFact) | ({ kind: 'CreditHoldReleased' } & CreditHoldFact);

/** A credit hold as kept: in force or not, as of the newest fact applied. */
export interface CreditHold extends CreditHoldFact {
  inForce: boolean;
  reason: string | null;
}

/** The latest stock level of one sku@site of one tenant (the WMS sends absolute levels). */
export interface StockLevelFact {
  tenantId: string;
  siteId: string;
  sku: string;
  onHand: number;
  /** What the WMS has already allocated to released orders. */
  allocated: number;
  /**
   * The unit the SKU is stocked in; a unit the domain does not stock in, or `MIXED(<on hand>,
   * <allocated>)` when the WMS reports the two in different units — no order line matches those,
   * so lines for the SKU are held as UNIT_NOT_STOCKED.
   */
  unitOfMeasure: string;
  changeReason: string | null;
  occurredAt: string;
}

/**
 * The latest status of a warehouse site. A site is shared by the tenants it serves and belongs
 * to its operator (see SiteDirectory): one status per site, whoever of them reported it.
 */
export interface SiteStatusFact {
  siteId: string;
  /** UNKNOWN: a status this build does not know (reader default); the site is not ready. */
  status: SiteOperatingStatus | 'UNKNOWN';
  /** IANA zone as reported; orders are held as UNKNOWN_SITE when it is not a known zone. */
  timeZone: string;
  releaseWindow: ReleaseWindow;
  dailyCapacity: number;
  /** The WMS's own count of orders it accepted today; order-release counts its releases itself. */
  ordersAcceptedToday: number;
  /** The tenant (or operator) whose message reported it. */
  reportedBy: string;
  occurredAt: string;
}

/** A fact from a credit, inventory or site topic. */
export type ReleaseFact = CreditFact | ({ kind: 'StockLevel' } & StockLevelFact) | ({ kind: 'SiteStatus' } & SiteStatusFact);

/** A step the WMS reports for a warehouse order of a tenant (null id: a WMS before contracts v2 that does not echo it). */
export interface WarehouseProgressFact {
  kind: 'WarehouseOrderAccepted' | 'WarehouseOrderCancelled' | 'OrderPicked' | 'OrderPacked' | 'OrderShipped';
  tenantId: string;
  orderId: string;
  siteId: string;
  warehouseOrderId: string | null;
  occurredAt: string;
}

// ---------------------------------------------------------------------------------------------
// Sequencing: facts arrive late, twice, or out of order; the newest by the source's clock wins
// ---------------------------------------------------------------------------------------------

const instant = (iso: string) => Date.parse(iso);

/**
 * The hold after `fact`, or undefined when it changes nothing. Newer wins; at the same instant
 * the release wins, since a hold is placed before it can be released and a tie means both fell
 * in one clock tick. A redelivery changes nothing.
 */
export function creditHoldAfter(current: CreditHold | undefined, fact: CreditFact): CreditHold | undefined {
  const inForce = fact.kind === 'CreditHoldPlaced';
  if (current) {
    const [was, now] = [instant(current.occurredAt), instant(fact.occurredAt)];
    if (now < was || (now === was && !(current.inForce && !inForce))) return undefined;
  }
  const { tenantId, customerId, holdId, orderId, occurredAt } = fact;
  return { tenantId, customerId, holdId, orderId, occurredAt, inForce, reason: fact.kind === 'CreditHoldPlaced' ? fact.reason : (current?.reason ?? null) };
}

/**
 * The level after `fact`, or undefined when it changes nothing. Newer wins. Two changes in one
 * WMS clock tick carry the same instant: levels of one sku@site arrive in order on one
 * partition (redeliveries stop at the inbox), so a different level at the same instant is the
 * later one; the same level again changes nothing.
 */
export function stockLevelAfter(current: StockLevelFact | undefined, fact: StockLevelFact): StockLevelFact | undefined {
  if (!current) return fact;
  const [was, now] = [instant(current.occurredAt), instant(fact.occurredAt)];
  if (now > was) return fact;
  if (now === was && (current.onHand !== fact.onHand || current.allocated !== fact.allocated)) return fact;
  return undefined;
}

/** The site status after `fact`, or undefined when it changes nothing: the newest report wins. */
export function siteStatusAfter(current: SiteStatusFact | undefined, fact: SiteStatusFact): SiteStatusFact | undefined {
  return !current || instant(fact.occurredAt) > instant(current.occurredAt) ? fact : undefined;
}

// ---------------------------------------------------------------------------------------------
// From facts to a decision's context
// ---------------------------------------------------------------------------------------------

/** What order-release took out of availability for one warehouse order line. */
export interface Reservation {
  quantity: number;
  /** When the WMS accepted the warehouse order (its occurredAt); null until it did. */
  handedOverAt: string | null;
}

/**
 * Whether the WMS's level already counts a reservation in its `allocated`: it does from a
 * level as of the acceptance on. Such a reservation is reconciled (dropped): counting it too
 * would take the stock twice.
 */
export function isReflectedInLevel(reservation: Pick<Reservation, 'handedOverAt'>, level: Pick<StockLevelFact, 'occurredAt'> | undefined): boolean {
  return !!level && reservation.handedOverAt !== null && instant(reservation.handedOverAt) <= instant(level.occurredAt);
}

/** What order-release reserved that the WMS level does not show yet. */
export function reservedBeyondLevel(level: StockLevelFact | undefined, reservations: readonly Reservation[]): number {
  return roundQuantity(reservations.filter((r) => !isReflectedInLevel(r, level)).reduce((sum, r) => sum + r.quantity, 0));
}

/**
 * The stock position of a SKU for a decision: on hand, minus what the WMS allocated, minus what
 * order-release reserved beyond the level, never below 0. No level yet → nothing available.
 */
export function stockPositionOf(level: StockLevelFact | undefined, reservedNotYetAllocated: number, awaitedByOlderOrders: number): StockPosition {
  if (!level) return { available: 0, awaitedByOlderOrders };
  const available = Math.max(0, roundQuantity(level.onHand - level.allocated - reservedNotYetAllocated));
  return { available: Number.isFinite(available) ? available : 0, awaitedByOlderOrders, unitOfMeasure: level.unitOfMeasure };
}

/** The credit standing of one order: on hold when a customer-wide hold, or a hold on this very order, is in force. */
export function creditStandingOf(holds: readonly Pick<CreditHold, 'orderId' | 'inForce'>[], customerId: string, orderId: string): CreditStanding {
  return { customerId, onHold: holds.some((hold) => hold.inForce && (hold.orderId === null || hold.orderId === orderId)) };
}

/**
 * A site's readiness for a decision, with the releases counted for an operating day. Undefined
 * — the domain's UNKNOWN_SITE — when the site never reported or reported a status this build
 * does not know; a bad zone or window is passed on for the decision to hold the same way.
 */
export function siteReadinessOf(site: SiteStatusFact | undefined, releasedOrders: SiteReadiness['releasedOrders'], servesTenant: boolean): SiteReadiness | undefined {
  if (!site || site.status === 'UNKNOWN') return undefined;
  return { siteId: site.siteId, timeZone: site.timeZone, status: site.status, releaseWindow: site.releaseWindow, dailyCapacity: site.dailyCapacity, releasedOrders, servesTenant };
}

/**
 * A site's readiness for a decision at `now`, with the releases counted (`releasedOn`) for the
 * operating day a release at `now` counts against.
 */
export function siteReadinessAt(site: SiteStatusFact | undefined, releasedOn: (operatingDay: LocalDate) => number, servesTenant: boolean, now: Date): SiteReadiness | undefined {
  const operatingDay = operatingDayFor(site, now) ?? now.toISOString().slice(0, 10);
  return siteReadinessOf(site, { operatingDay, count: releasedOn(operatingDay) }, servesTenant);
}

/**
 * The operating day a release at `now` counts against for capacity: the current window's, else
 * the next one's; undefined for a site a decision holds as UNKNOWN_SITE without looking at capacity.
 */
export function operatingDayFor(site: SiteStatusFact | undefined, now: Date): LocalDate | undefined {
  if (!site || site.status === 'UNKNOWN') return undefined;
  return operatingDayAt(site.releaseWindow, site.timeZone, now);
}
