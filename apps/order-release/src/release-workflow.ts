import { assertNever } from '@lading/decider';
import {
  claimsGivenUpBy,
  createReleaseLedger,
  orderRelease,
  REASONS_THAT_CLEAR_WITHOUT_THE_ORDER,
  releaseContextNeededFor,
  releaseScopeBuilder,
  releaseTriggerFor,
  windowReevaluationsFor,
  worthReevaluating,
  type HeldOrder,
  type OrderReleaseCommand,
  type OrderReleaseMessage,
  type OrderReleaseState,
  type ReleaseFact,
  type ReleaseTrigger,
} from '@lading/order-release-domain';
import type { Cause, DecisionWorkflow, FactHandler, Sweep, WakeUp, WorkflowTransaction } from '@lading/service-kit';
import type { SiteDirectory } from '@lading/tenancy';
import { ORDER_RELEASE_STREAM_TYPE, type OrderReleaseFact } from './order-release.mapper';
import {
  applyCreditFacts,
  applySiteStatuses,
  applyStockLevels,
  freeCancelledWarehouseOrder,
  heldOrdersFor,
  heldOrdersToSweep,
  lockReleaseSnapshot,
  markHandedOver,
  recordReleaseDecisions,
  releaseTablesOf,
  type ReleaseTables,
} from './release-context';

// order-release's part of the kit: what its decisions read (the release context, locked in
// one documented order — see lockReleaseSnapshot), what they and the facts write back, and
// whom they wake. Every rule is the domain's; this file only says which rows to load and store.

const reevaluate = (orderId: string): OrderReleaseCommand => ({ type: 'ReevaluateOrder', data: { orderId, context: { credit: { customerId: '', onHold: false }, inventory: {} } } });

/** A wake-up of a held order: its own journey (adapters use the order id as correlation id), caused by `causationId`. */
function wakeUp(order: Pick<HeldOrder, 'tenantId' | 'orderId'>, dueAt: Date, reason: string, causationId: string, unlessPending: boolean): WakeUp {
  return { tenantId: order.tenantId, streamType: ORDER_RELEASE_STREAM_TYPE, key: order.orderId, command: reevaluate(order.orderId), dueAt, reason, unlessPending, correlationId: order.orderId, causationId };
}

/**
 * Wakes the held orders a change concerns, oldest first (a millisecond apart: the poller fires
 * by due time). One pending wake-up per order is enough: a pending one fires later and sees
 * this change too. Wake-ups commit with the change, so none is lost.
 */
async function wakeHeldOrders(t: ReleaseTables, tx: WorkflowTransaction, triggers: readonly ReleaseTrigger[], cause: Pick<Cause, 'eventId'>, now: Date, except?: string): Promise<void> {
  const wakeUps: WakeUp[] = [];
  for (const trigger of triggers) {
    const held = (await heldOrdersFor(t, tx.client, trigger)).filter((order) => order.orderId !== except);
    held.forEach((order, index) => wakeUps.push(wakeUp(order, new Date(now.getTime() + index), cause.eventId, cause.eventId, true)));
  }
  if (wakeUps.length > 0) await tx.wake(wakeUps);
}

export function releaseWorkflow(schema: string, sites: SiteDirectory): DecisionWorkflow<OrderReleaseCommand, OrderReleaseMessage, OrderReleaseState> {
  const t = releaseTablesOf(schema);
  return {
    streamType: ORDER_RELEASE_STREAM_TYPE,
    decider: orderRelease,
    context: {
      async load(tx, pending, now) {
        // Every row any decision of the unit may read. An order may be decided several times in
        // one unit (placed, then amended to another site), so its scope is the union over all
        // its inputs: every customer and site it has or may get, with every SKU of any of them.
        const builder = releaseScopeBuilder();
        const byOrder = new Map<string, { tenantId: string; customers: Set<string>; sites: Set<string>; skus: Set<string> }>(); // by tenant and order
        for (const { input, state } of pending) {
          const orderKey = `${input.tenantId}\u0000${input.key}`;
          const scope = byOrder.get(orderKey) ?? { tenantId: input.tenantId, customers: new Set<string>(), sites: new Set<string>(), skus: new Set<string>() };
          byOrder.set(orderKey, scope);
          const addLines = (lines: readonly { sku: string }[] | undefined) => lines?.forEach((l) => typeof l.sku === 'string' && l.sku.length > 0 && scope.skus.add(l.sku));
          const addOrder = (order: { customerId: string; siteId: string; lines: readonly { sku: string }[] }) => {
            scope.customers.add(order.customerId);
            scope.sites.add(order.siteId);
            addLines(order.lines);
          };
          if (state.status === 'Unplaced') {
            addLines(state.deferredAmendment?.changes.lines);
            if (state.deferredAmendment?.changes.siteId) scope.sites.add(state.deferredAmendment.changes.siteId);
          } else if (state.status !== 'Cancelled') {
            addOrder(state.order);
            if (state.status === 'PartiallyReleased') addLines(state.backordered);
          }
          const command = input.command;
          if (command.type === 'PlaceOrder') addOrder(command.data.order);
          if (command.type === 'AmendOrder') {
            addLines(command.data.amendment.changes.lines);
            if (command.data.amendment.changes.siteId) scope.sites.add(command.data.amendment.changes.siteId);
          }
        }
        for (const scope of byOrder.values())
          for (const customerId of scope.customers) for (const siteId of scope.sites) builder.add({ tenantId: scope.tenantId, customerId, siteId, skus: [...scope.skus] });
        const ledger = createReleaseLedger({ ...(await lockReleaseSnapshot(t, tx.client, builder.scope(), now)), serves: (siteId, tenantId) => sites.serves(siteId, tenantId) });
        return {
          provide(input, command, state, at) {
            const needed = releaseContextNeededFor(command, state);
            if (!needed || command.type === 'CancelOrder') return command;
            return { ...command, data: { ...command.data, context: ledger.contextFor({ ...needed, orderId: input.key }, at) } } as OrderReleaseCommand;
          },
          apply: (_input, events) => ledger.apply(events),
        };
      },
    },
    async afterDecisions(tx, decided, now) {
      await recordReleaseDecisions(t, tx.client, decided.flatMap((d) => d.events));
      const wakeUps: WakeUp[] = [];
      for (const { input, events } of decided) {
        // held until the site's next window (cut-off passed, capacity used up): decided again then
        for (const { orderId, dueAt } of windowReevaluationsFor(events)) wakeUps.push(wakeUp({ tenantId: input.tenantId, orderId }, new Date(dueAt), `window:${dueAt}`, input.cause.eventId, false));
      }
      await tx.wake(wakeUps);
      // stock a decided order gave up its claim on: the younger orders waiting for it may go now
      for (const { input, before, events } of decided) {
        const triggers = claimsGivenUpBy(before, events);
        if (triggers.length > 0) await wakeHeldOrders(t, tx, triggers, input.cause, now, input.key);
      }
    },
  };
}

/**
 * Credit holds, stock levels and site statuses (set-wise, in the common lock order: stock,
 * sites, credit), then the WMS's progress on warehouse orders. Each change that mattered wakes
 * the held orders it concerns.
 */
export function releaseFacts(schema: string): FactHandler<OrderReleaseFact> {
  const t = releaseTablesOf(schema);
  const LOCK_ORDER = { StockLevel: '0', SiteStatus: '1', CreditHoldPlaced: '2', CreditHoldReleased: '2' } as const;
  return {
    lockKey: (f) => (f.source === 'warehouse' ? `3${f.fact.tenantId}\u0000${f.fact.orderId}` : LOCK_ORDER[f.fact.kind]),
    // warehouse progress locks reservations before stock rows: never in one transaction with levels
    group: (f) => f.source,
    async apply(tx, facts, now) {
      const release = facts.flatMap((f) => (f.fact.source === 'release' ? [{ fact: f.fact.fact, cause: f.cause }] : []));
      const causeOf = new Map(release.map((r) => [r.fact, r.cause]));
      const changed: ReleaseFact[] = [
        ...(await applyStockLevels(t, tx.client, release.flatMap((r) => (r.fact.kind === 'StockLevel' ? [r.fact] : [])))),
        ...(await applySiteStatuses(t, tx.client, release.flatMap((r) => (r.fact.kind === 'SiteStatus' ? [r.fact] : [])))),
        ...(await applyCreditFacts(t, tx.client, release.flatMap((r) => (r.fact.kind === 'CreditHoldPlaced' || r.fact.kind === 'CreditHoldReleased' ? [r.fact] : [])))),
      ];
      for (const fact of changed) await wakeHeldOrders(t, tx, [releaseTriggerFor(fact)], causeOf.get(fact)!, now);
      for (const input of facts) {
        if (input.fact.source !== 'warehouse') continue;
        const progress = input.fact.fact;
        switch (progress.kind) {
          case 'WarehouseOrderAccepted':
            // the reservation is the WMS's allocation from now on
            await markHandedOver(t, tx.client, progress);
            break;
          case 'WarehouseOrderCancelled': {
            // nothing of it will be picked: its stock is free, and the orders waiting for it may go
            const freed = await freeCancelledWarehouseOrder(t, tx.client, progress);
            await wakeHeldOrders(t, tx, freed.map((stock) => ({ kind: 'INVENTORY_CHANGED' as const, ...stock })), input.cause, now);
            break;
          }
          case 'OrderPicked':
          case 'OrderPacked':
          case 'OrderShipped':
            break;
          default:
            assertNever(progress.kind, 'warehouse progress');
        }
      }
    },
  };
}

/**
 * Anti-entropy: held orders worth deciding again although nothing woke them (the domain's
 * `worthReevaluating`: a reason cleared by the stored facts and the clock), a page of the queue
 * per sweep, round robin, so a long queue is covered, not only its head.
 */
export function heldOrderSweep(schema: string, sites: SiteDirectory, everyMs: number, pageSize = 500): Sweep {
  const t = releaseTablesOf(schema);
  let after: { queuedSince: string; tenantId: string; orderId: string } | undefined;
  return {
    name: 'held-order sweep',
    everyMs,
    async run(tx, now) {
      const page = await heldOrdersToSweep(t, tx.client, { reasons: REASONS_THAT_CLEAR_WITHOUT_THE_ORDER, now, limit: pageSize, after });
      const last = page[page.length - 1]?.held;
      after = page.length < pageSize || !last ? undefined : { queuedSince: last.queuedSince, tenantId: last.tenantId, orderId: last.orderId };
      const due = page.filter(({ held, facts }) => worthReevaluating(held, { ...facts, servesTenant: sites.serves(held.siteId, held.tenantId) }, now)).map(({ held }) => held);
      const sweep = `sweep-${now.toISOString()}`;
      await tx.wake(due.map((order, index) => wakeUp(order, new Date(now.getTime() + index), sweep, sweep, true)));
      return due.length;
    },
  };
}
