import { addDays, instantAtLocalTime, isKnownTimeZone, isLocalTime, releaseWindowAt, validatePostalAddress, type LocalDate } from '@lading/shared-domain';
import { allocate } from './allocation';
import { HoldReason, LineProblem, OrderDetails, ReleaseContext, ReleaseLine, Shortage, SiteReadiness } from './order-release';

export type ReleaseDecision =
  | { outcome: 'RELEASE'; lines: ReleaseLine[]; backordered: ReleaseLine[]; shortages: Shortage[]; operatingDay: string }
  | { outcome: 'HOLD'; reasons: HoldReason[]; heldLines: ReleaseLine[] };

export interface ReleaseRequest {
  order: OrderDetails;
  /** The lines to release now: the whole order, or a backorder. */
  lines: ReleaseLine[];
  /** Problems found while normalising the order's lines. */
  lineProblems: LineProblem[];
  context: ReleaseContext;
  now: Date;
}

/**
 * Runs every check and collects every failing reason, so an order held for credit AND stock
 * says so at once rather than revealing the second reason only after the first is cured.
 * Reasons come in a fixed order: credit, lines, address, inventory, site.
 */
export function decideRelease({ order, lines, lineProblems, context, now }: ReleaseRequest): ReleaseDecision {
  const reasons: HoldReason[] = [];
  // A snapshot for another customer is a wiring bug in the app, not a fact about this order.
  if (context.credit.customerId !== order.customerId)
    throw new Error(`release context is for customer ${context.credit.customerId}, order ${order.orderId} belongs to ${order.customerId}`);

  if (context.credit.onHold) reasons.push({ code: 'CREDIT_HOLD', message: `customer ${order.customerId} is on credit hold`, customerId: order.customerId });

  const problems = [...lineProblems];
  const stocked = lines.filter((line) => {
    const unit = context.inventory[line.sku]?.unitOfMeasure;
    if (unit === undefined || unit === line.unitOfMeasure) return true;
    for (const lineNumber of line.lineNumbers) problems.push({ lineNumber, sku: line.sku, problem: 'UNIT_NOT_STOCKED' });
    return false;
  });
  if (problems.length > 0) {
    problems.sort((a, b) => (a.lineNumber ?? -1) - (b.lineNumber ?? -1));
    reasons.push({ code: 'INVALID_LINES', message: `${problems.length} line problem(s): ${[...new Set(problems.map((p) => p.problem))].join(', ')}`, problems });
  }

  const addressProblems = validatePostalAddress(order.shipTo);
  if (addressProblems.length > 0)
    reasons.push({ code: 'INVALID_ADDRESS', message: `ship-to ${addressProblems.map((p) => `${p.field} ${p.problem.toLowerCase()}`).join(', ')}`, problems: addressProblems });

  const allocation = allocate(stocked, context.inventory, order.fulfilment);
  if (stocked.length > 0 && allocation.reserve.length === 0)
    reasons.push({
      code: 'INSUFFICIENT_INVENTORY',
      message: `short at ${order.siteId}: ${allocation.shortages.map((s) => `${s.sku} ${s.available}/${s.requested} ${s.unitOfMeasure}`).join(', ')}`,
      shortages: allocation.shortages,
    });

  const { reasons: siteReasons, operatingDay } = siteHoldReasons(context.site, order, now);
  reasons.push(...siteReasons);

  if (reasons.length > 0 || operatingDay === undefined) return { outcome: 'HOLD', reasons, heldLines: lines };
  return { outcome: 'RELEASE', lines: allocation.reserve, backordered: allocation.backorder, shortages: allocation.shortages, operatingDay };
}

/**
 * What holds an order of `order.tenantId` at `order.siteId` at the site itself at `now` (the
 * site part of `decideRelease`): unknown, closed, outside its window or at capacity. With no
 * reasons, `operatingDay` is the day a release counts against.
 */
export function siteHoldReasons(site: SiteReadiness | undefined, order: Pick<OrderDetails, 'siteId' | 'tenantId'>, now: Date): { reasons: HoldReason[]; operatingDay?: LocalDate } {
  const reasons: HoldReason[] = [];
  let operatingDay: LocalDate | undefined;
  if (!site || site.siteId !== order.siteId) {
    reasons.push({ code: 'UNKNOWN_SITE', message: `site ${order.siteId} has not reported its status`, siteId: order.siteId });
  } else if (!site.servesTenant) {
    reasons.push({ code: 'UNKNOWN_SITE', message: `site ${order.siteId} does not serve tenant ${order.tenantId}`, siteId: order.siteId });
  } else if (!isKnownTimeZone(site.timeZone) || !isLocalTime(site.releaseWindow.opensAt) || !isLocalTime(site.releaseWindow.cutOff)) {
    // A misconfigured site holds its orders (re-evaluated when the site reports again) rather
    // than dead-lettering every order that names it.
    reasons.push({ code: 'UNKNOWN_SITE', message: `site ${order.siteId} has an invalid time zone or release window`, siteId: order.siteId });
  } else {
    if (site.status !== 'OPEN') reasons.push({ code: 'WAREHOUSE_CLOSED', message: `site ${site.siteId} is ${site.status.toLowerCase()}`, siteId: site.siteId });
    const window = releaseWindowAt(site.releaseWindow, site.timeZone, now);
    if (!window.open) {
      reasons.push({
        code: 'PAST_CUT_OFF',
        message: `site ${site.siteId} is past its ${site.releaseWindow.cutOff} cut-off (${site.timeZone}); next window opens ${window.nextOpensAt.toISOString()}`,
        siteId: site.siteId,
        nextWindowOpensAt: window.nextOpensAt.toISOString(),
      });
    } else {
      operatingDay = window.operatingDay;
      // Counts for another day are yesterday's: nothing is released yet in the current one.
      const used = site.releasedOrders.operatingDay === window.operatingDay ? site.releasedOrders.count : 0;
      if (used >= site.dailyCapacity)
        reasons.push({
          code: 'NO_CAPACITY',
          message: `site ${site.siteId} has released ${used} of ${site.dailyCapacity} orders for ${window.operatingDay}`,
          siteId: site.siteId,
          operatingDay: window.operatingDay,
          dailyCapacity: site.dailyCapacity,
          // When the app should set its re-evaluation timer: the next operating day's window.
          nextWindowOpensAt: instantAtLocalTime(addDays(window.operatingDay, 1), site.releaseWindow.opensAt, site.timeZone).toISOString(),
        });
    }
  }
  return { reasons, operatingDay };
}

/**
 * The time a hold waits for, if it waits for one: the earliest next window opening its reasons
 * name (PAST_CUT_OFF, NO_CAPACITY). The order is to be decided again then.
 */
export function nextWindowAwaited(reasons: readonly HoldReason[]): string | undefined {
  return reasons
    .map((reason) => ('nextWindowOpensAt' in reason ? reason.nextWindowOpensAt : undefined))
    .filter((at): at is string => typeof at === 'string')
    .sort()[0];
}

