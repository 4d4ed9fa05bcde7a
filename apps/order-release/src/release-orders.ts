import type { ErpCreditV1Record, ErpOrdersV1Record, WmsFulfilmentV1Record, WmsInventoryV1Record, WmsSitesV1Record } from '@lading/contracts';
import type { EventStoreTransaction, TimerSchedule } from '@lading/event-store';
import { assertNever, foldEvents } from '@lading/decider';
import {
  orderRelease,
  orderReleaseStreamId,
  releaseContextNeededFor,
  ORDER_RELEASE_STREAM_TYPE,
  type OrderReleaseCommand,
  type OrderReleaseMessage,
  type OrderReleaseState,
  type ReleaseContext,
  type ReleaseTrigger,
} from '@lading/order-release-domain';
import { erpOrderInputFrom, releaseFactFrom, releaseTriggerFor, warehouseProgressFrom, type InboundCause } from './order-release.mapper';
import { byteOrder, createReleaseLedger, customerKey, releaseScopeBuilder, stockKey, type ReleaseReadModels } from './release-context';
import type { ReleaseActivity } from './release-activity';

/** The consumer name order-release records in the event-store inbox. */
export const ORDER_RELEASE_CONSUMER = 'order-release';

/** Every durable timer of order-release has an id starting with this (its poller claims only these). */
export const ORDER_RELEASE_TIMERS = 'order-release.';

/**
 * A held order to decide again, as a durable timer: when its release window opens again
 * (cut-off passed, capacity used up), or when a fact it waits for changed (stock, site, credit).
 * The fact's transaction only schedules it: deciding there would lock stock and capacity rows
 * after the fact's own row, out of the common lock order.
 */
export interface ReevaluateHeldOrder {
  orderId: string;
  tenantId: string;
  correlationId: string;
  causationId: string;
}

// One pending re-evaluation per order is enough: a timer already pending fires later and sees
// this change, and one being fired now waits for the locks this transaction holds (stock,
// credit) and so reads the change too. Ids carry the cause, so the insert never waits on a
// timer row a poller has claimed (holding a stock row while waiting for a poller that waits
// for that stock row would deadlock).
const reevaluationPrefix = (orderId: string) => `${ORDER_RELEASE_TIMERS}reevaluate:${orderId}:`;
// The window timer carries its due time in its id: firing it deletes exactly that timer, not
// the next window's timer that the same decision may schedule.
const windowTimerId = (orderId: string, dueAt: string) => `${ORDER_RELEASE_TIMERS}window:${orderId}:${dueAt}`;

/** What a set of inbound records did: how many were handled, skipped as already handled, and the messages appended. */
export interface Outcome {
  handled: number;
  duplicates: number;
  appended: number;
}

// The decider fills the real context in; this only lets releaseContextNeededFor read the command.
const NO_CONTEXT: ReleaseContext = { credit: { customerId: '', onHold: false }, inventory: {} };

/** One decision to make about one order: an ERP input or a timer's re-evaluation. */
export interface ReleaseDecisionInput {
  orderId: string;
  tenantId: string;
  /** The command without its context (the workflow loads it). */
  command: OrderReleaseCommand;
  cause: InboundCause;
}

/** An inbound record for order-release, as the consumer collects it into a unit of work. */
export type ReleaseInput =
  | { kind: 'erp-order'; record: ErpOrdersV1Record; traceparent?: string }
  | { kind: 'fact'; record: ErpCreditV1Record | WmsInventoryV1Record | WmsSitesV1Record; traceparent?: string }
  | { kind: 'warehouse-progress'; record: WmsFulfilmentV1Record };

const eventIdOf = (input: ReleaseInput) => input.record.value.meta.eventId;
const KIND_ORDER: Record<ReleaseInput['kind'], number> = { fact: 0, 'warehouse-progress': 1, 'erp-order': 2 };

/** The ERP record as the decider's command (mapping errors are non-retriable: the record goes to the dead-letter topic). */
export function decisionInputFrom(record: ErpOrdersV1Record, traceparent: string | undefined): ReleaseDecisionInput {
  const input = erpOrderInputFrom(record, traceparent);
  const command: OrderReleaseCommand =
    input.command === 'PlaceOrder'
      ? { type: 'PlaceOrder', data: { order: input.order, context: NO_CONTEXT } }
      : input.command === 'AmendOrder'
        ? { type: 'AmendOrder', data: { amendment: input.amendment, context: NO_CONTEXT } }
        : { type: 'CancelOrder', data: input.cancel };
  return { orderId: record.value.orderId, tenantId: record.value.meta.tenantId, command, cause: input.cause };
}

/**
 * The row a fact locks, as a sort key: stock rows first, then sites, then credit holds — the
 * order decisions lock them in (stock, capacity, credit) — and by key within each. Facts of a
 * transaction are applied in this order (stable: facts of one key keep theirs), so no two
 * transactions lock the same rows in opposite orders.
 */
function lockKeyOf(input: Extract<ReleaseInput, { kind: 'fact' }>): string {
  const fact = input.record;
  switch (fact.recordType) {
    case 'lading.wms.InventoryLevelChanged':
      return `0${stockKey(fact.value.meta.tenantId, fact.value.siteId, fact.value.sku)}`;
    case 'lading.wms.WarehouseStatusChanged':
      return `1${fact.value.siteId}`;
    case 'lading.erp.CreditHoldPlaced':
    case 'lading.erp.CreditHoldReleased':
      return `2${customerKey(fact.value.meta.tenantId, fact.value.customerId)}`;
    default:
      return assertNever(fact, 'release fact record');
  }
}

/** Which (tenant, site, customer) an order's decisions may read, with every SKU they may need. */
interface OrderScope {
  parties: Map<string, { tenantId: string; customerId: string; siteId: string }>;
  skus: Set<string>;
}

/**
 * The order-release workflow around the pure decider, in the caller's PostgreSQL transaction
 * (one unit of work of the consumer, or one timer): inbox → order streams → the snapshot of
 * stock, capacity, queues and credit (locked once, in one order, for the whole set) → decide
 * each input in arrival order against the snapshot as the inputs before it left it → append →
 * write the decisions back → timers. A unit of many orders costs a few statements, not a few
 * per order. Nothing here is Nest or Kafka; the consumer and the timer poller call it.
 */
export function createReleaseOrders(readModels: ReleaseReadModels, activity?: ReleaseActivity) {
  /** Decides `inputs` in order, all in `tx`; returns the messages appended. */
  async function decideAll(tx: EventStoreTransaction, inputs: readonly ReleaseDecisionInput[], now: Date): Promise<number> {
    if (inputs.length === 0) return 0;
    const tenants = new Map(inputs.map((input) => [orderReleaseStreamId(input.orderId), input.tenantId]));
    // Locked first (streams, then the snapshot's rows): a timer's re-evaluation and an ERP input
    // for the same order wait for each other instead of failing on a version conflict.
    const stored = await tx.readStreams<OrderReleaseMessage>([...tenants.keys()], { forUpdate: true });
    const states = new Map<string, OrderReleaseState>();
    const versions = new Map<string, number>();
    for (const [streamId, events] of stored) {
      states.set(streamId, foldEvents(orderRelease, events.map((e) => e.payload)));
      versions.set(streamId, events.length > 0 ? events[events.length - 1].streamVersion : 0);
    }

    // Everything the decisions may read, locked up front in one common order (see lockReleaseSnapshot).
    const scopes = new Map<string, OrderScope>();
    const scopeOf = (orderId: string) => {
      let scope = scopes.get(orderId);
      if (!scope) scopes.set(orderId, (scope = { parties: new Map(), skus: new Set() }));
      return scope;
    };
    const addParty = (scope: OrderScope, order: { tenantId: string; customerId: string; siteId: string }) =>
      scope.parties.set(`${order.tenantId}\u0000${order.customerId}\u0000${order.siteId}`, { tenantId: order.tenantId, customerId: order.customerId, siteId: order.siteId });
    const addSkus = (scope: OrderScope, lines: readonly { sku: string }[] | undefined) => {
      for (const line of lines ?? []) if (typeof line.sku === 'string' && line.sku.length > 0) scope.skus.add(line.sku);
    };
    for (const input of inputs) {
      const scope = scopeOf(input.orderId);
      const state = states.get(orderReleaseStreamId(input.orderId))!;
      if (state.status === 'Unplaced') addSkus(scope, state.deferredAmendment?.changes.lines);
      else if (state.status !== 'Cancelled') {
        addParty(scope, state.order);
        addSkus(scope, state.order.lines);
        if (state.status === 'PartiallyReleased') addSkus(scope, state.backordered);
      }
      if (input.command.type === 'PlaceOrder') {
        addParty(scope, input.command.data.order);
        addSkus(scope, input.command.data.order.lines);
      } else if (input.command.type === 'AmendOrder') addSkus(scope, input.command.data.amendment.changes.lines);
    }
    const builder = releaseScopeBuilder();
    for (const scope of scopes.values()) for (const party of scope.parties.values()) builder.add({ ...party, skus: [...scope.skus] });
    const ledger = createReleaseLedger(await readModels.lockReleaseSnapshot(tx.client, builder.scope(), now));

    const decisions = new Map<string, { events: OrderReleaseMessage[]; metadata: Record<string, string> }[]>();
    const decided: OrderReleaseMessage[] = [];
    const windowTimers: TimerSchedule<ReevaluateHeldOrder>[] = [];
    /** Stock whose claims changed: the held orders waiting for it may go now (by stockKey; who changed it). */
    const freed = new Map<string, { trigger: Extract<ReleaseTrigger, { kind: 'INVENTORY_CHANGED' }>; cause: InboundCause; by: Set<string> }>();
    const free = (tenantId: string, siteId: string, skus: Iterable<string>, cause: InboundCause, by: string) => {
      for (const sku of skus) {
        const key = stockKey(tenantId, siteId, sku);
        const entry = freed.get(key) ?? { trigger: { kind: 'INVENTORY_CHANGED' as const, tenantId, siteId, sku }, cause, by: new Set<string>() };
        entry.by.add(by);
        freed.set(key, entry);
      }
    };

    for (const { orderId, tenantId, cause, command: bare } of inputs) {
      const streamId = orderReleaseStreamId(orderId);
      const state = states.get(streamId)!;
      let command = bare;
      const needed = releaseContextNeededFor(command, state);
      if (needed) command = { ...command, data: { ...command.data, context: ledger.contextFor({ ...needed, orderId }, now) } } as OrderReleaseCommand;
      const messages = orderRelease.decide(command, state, { now });
      if (messages.length === 0) continue;
      const after = messages.reduce(orderRelease.evolve, state);
      states.set(streamId, after);
      ledger.apply(messages);
      decided.push(...messages);
      const list = decisions.get(streamId) ?? [];
      list.push({
        events: messages,
        metadata: {
          correlationId: cause.correlationId,
          causationId: cause.causationId,
          occurredAt: new Date(cause.occurredAt).toISOString(),
          ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
        },
      });
      decisions.set(streamId, list);

      // A waiting order whose situation changed (released, cancelled, amended, or held for other
      // reasons: a credit hold drops its claim) may give up its claim on stock (fairness): the
      // younger orders it held back may go now.
      if (state.status === 'Held') free(tenantId, state.order.siteId, new Set(state.heldLines.map((l) => l.sku)), cause, orderId);
      if (state.status === 'PartiallyReleased') free(tenantId, state.order.siteId, new Set(state.backordered.map((l) => l.sku)), cause, orderId);
      // A cancel after release gives nothing back yet: the warehouse may have picked the order
      // already. Its stock is freed when the WMS confirms the cancel (WarehouseOrderCancelled).
      for (const message of messages) {
        if (message.type !== 'OrderHeld') continue;
        const opensAt = message.data.reasons
          .map((reason) => ('nextWindowOpensAt' in reason ? reason.nextWindowOpensAt : undefined))
          .filter((at): at is string => typeof at === 'string')
          .sort()[0];
        if (opensAt) {
          windowTimers.push({
            timerId: windowTimerId(orderId, opensAt),
            streamId,
            dueAt: new Date(opensAt),
            tenantId,
            command: { orderId, tenantId, correlationId: cause.correlationId, causationId: cause.causationId },
          });
        }
      }
    }

    // Append in rounds: the n-th decision of each order in round n (a stream appears once per
    // statement, and each decision keeps its own cause in its metadata).
    const rounds = Math.max(0, ...[...decisions.values()].map((list) => list.length));
    for (let round = 0; round < rounds; round++) {
      const requests = [...decisions.entries()]
        .filter(([, list]) => list.length > round)
        .map(([streamId, list]) => {
          const version = versions.get(streamId) ?? 0;
          return {
            streamId,
            streamType: ORDER_RELEASE_STREAM_TYPE,
            tenantId: tenants.get(streamId)!,
            expectedVersion: version === 0 ? ('no_stream' as const) : version,
            events: list[round].events,
            metadata: list[round].metadata,
          };
        });
      for (const result of await tx.appendMany(requests)) versions.set(result.streamId, result.nextExpectedVersion);
    }
    await readModels.recordReleaseDecision(tx.client, decided);
    activity?.record(decided);
    await tx.scheduleTimers(windowTimers);
    for (const { trigger, cause, by } of freed.values()) {
      // the order that gave the stock up was just decided: it need not be decided again for it
      await scheduleReevaluation(tx, trigger, cause, now, by.size === 1 ? [...by][0] : undefined);
    }
    return decided.length;
  }

  /**
   * Schedules the held orders a changed fact concerns for re-evaluation, oldest first (a
   * millisecond apart, as the poller fires by due time). The timers commit with the fact, so no
   * wake-up is lost.
   */
  async function scheduleReevaluation(tx: EventStoreTransaction, trigger: ReleaseTrigger, cause: InboundCause, now: Date, except?: string): Promise<number> {
    const held = (await readModels.heldOrdersFor(tx.client, trigger)).filter((order) => order.orderId !== except);
    for (const [index, order] of held.entries()) {
      await tx.scheduleTimer<ReevaluateHeldOrder>({
        timerId: `${reevaluationPrefix(order.orderId)}${cause.causationId}`,
        streamId: orderReleaseStreamId(order.orderId),
        dueAt: new Date(now.getTime() + index),
        tenantId: order.tenantId,
        // the held order's own journey (adapters use the order id as correlation id)
        command: { orderId: order.orderId, tenantId: order.tenantId, correlationId: order.orderId, causationId: cause.causationId },
      }, { unlessPending: reevaluationPrefix(order.orderId) });
    }
    return held.length;
  }

  /** Credit holds, stock levels and site status: update the read models, re-evaluate held orders. */
  async function applyFact(tx: EventStoreTransaction, input: Extract<ReleaseInput, { kind: 'fact' }>, now: Date): Promise<void> {
    const fact = releaseFactFrom(input.record);
    if (!(await readModels.applyReleaseFact(tx.client, fact))) return;
    const meta = input.record.value.meta;
    const cause: InboundCause = { correlationId: meta.correlationId, causationId: meta.eventId, occurredAt: meta.occurredAt, traceparent: input.traceparent };
    await scheduleReevaluation(tx, releaseTriggerFor(fact), cause, now);
  }

  return {
    /**
     * Handles inbound records in `tx`; records already handled (the inbox knows their eventId, or
     * one appears twice) are skipped. The ERP orders are decided together; facts are applied in
     * the order of the rows they lock (stable: facts of one key keep their order), so two
     * transactions never lock the same rows in opposite orders.
     */
    async handle(tx: EventStoreTransaction, inputs: readonly ReleaseInput[], now: Date): Promise<Outcome> {
      const fresh = await tx.recordInboxMany(ORDER_RELEASE_CONSUMER, [...new Set(inputs.map(eventIdOf))]);
      const taken = new Set<string>();
      // One kind per transaction is the rule (main.ts groups units by kind): facts and decisions
      // lock rows in different orders, so a transaction mixing them can deadlock with another
      // (PostgreSQL aborts one; its retry succeeds). Mixed inputs are still handled correctly:
      // facts first (decisions then read the newest stock, sites and credit), then the WMS's
      // progress, then the ERP's orders. Stable: inputs of one kind keep their order.
      const sorted = inputs.map((input, index) => ({ input, index })).sort((a, b) => KIND_ORDER[a.input.kind] - KIND_ORDER[b.input.kind] || a.index - b.index);
      const pending = sorted.map(({ input }) => input).filter((input) => {
        const id = eventIdOf(input);
        if (!fresh.has(id) || taken.has(id)) return false;
        taken.add(id);
        return true;
      });
      let appended = 0;
      for (let at = 0; at < pending.length; ) {
        const kind = pending[at].kind;
        let end = at;
        while (end < pending.length && pending[end].kind === kind) end++;
        const run = pending.slice(at, end);
        at = end;
        if (kind === 'erp-order') {
          const orders = run as Extract<ReleaseInput, { kind: 'erp-order' }>[];
          appended += await decideAll(tx, orders.map((input) => decisionInputFrom(input.record, input.traceparent)), now);
        } else if (kind === 'fact') {
          const facts = (run as Extract<ReleaseInput, { kind: 'fact' }>[]).map((input, index) => ({ input, index, key: lockKeyOf(input) }));
          facts.sort((a, b) => byteOrder(a.key, b.key) || a.index - b.index);
          for (const { input } of facts) await applyFact(tx, input, now);
        } else {
          for (const input of run as Extract<ReleaseInput, { kind: 'warehouse-progress' }>[]) {
            const progress = warehouseProgressFrom(input.record);
            // The WMS accepted a warehouse order: its reservation is the WMS's allocation from now on.
            if (progress.kind === 'WarehouseOrderAccepted') await readModels.markHandedOver(tx.client, progress, progress.occurredAt);
            // The WMS cancelled one: nothing of it will be picked, its stock is free, and the
            // orders waiting for that stock may go now.
            if (progress.kind === 'WarehouseOrderCancelled') {
              const freedStock = await readModels.freeCancelledWarehouseOrder(tx.client, progress);
              const meta = input.record.value.meta;
              const cause: InboundCause = { correlationId: meta.correlationId, causationId: meta.eventId, occurredAt: meta.occurredAt };
              for (const stock of freedStock) await scheduleReevaluation(tx, { kind: 'INVENTORY_CHANGED', ...stock }, cause, now);
            }
          }
        }
      }
      return { handled: pending.length, duplicates: inputs.length - pending.length, appended };
    },

    /**
     * Anti-entropy: schedules a re-evaluation of held orders for which stock is on hand now.
     * Wake-ups come from facts and decisions, and the row locks of a decision (stock, site,
     * credit) make a fact either visible to it or wait for its hold; this bounds the cost of a
     * wake-up lost anyway (a timer removed by hand, rows edited by an operator) to one interval.
     */
    async sweepHeldOrders(tx: EventStoreTransaction, now: Date, limit = 500): Promise<number> {
      const held = await readModels.heldOrdersWithStockOnHand(tx.client, limit);
      for (const [index, order] of held.entries()) {
        await tx.scheduleTimer<ReevaluateHeldOrder>(
          {
            timerId: `${reevaluationPrefix(order.orderId)}sweep-${now.getTime()}`,
            streamId: orderReleaseStreamId(order.orderId),
            dueAt: new Date(now.getTime() + index),
            tenantId: order.tenantId,
            command: { orderId: order.orderId, tenantId: order.tenantId, correlationId: order.orderId, causationId: `sweep-${now.toISOString()}` },
          },
          { unlessPending: reevaluationPrefix(order.orderId) },
        );
      }
      return held.length;
    },

    /** Durable timers fired: decide held orders again (their window opened, or a fact they wait for changed), oldest timer first. */
    async onReevaluateHeldOrders(tx: EventStoreTransaction, timers: readonly ReevaluateHeldOrder[], now: Date): Promise<number> {
      return decideAll(
        tx,
        timers.map((timer) => ({
          orderId: timer.orderId,
          tenantId: timer.tenantId,
          command: { type: 'ReevaluateOrder', data: { orderId: timer.orderId, context: NO_CONTEXT } },
          cause: { correlationId: timer.correlationId, causationId: timer.causationId, occurredAt: now.getTime() },
        })),
        now,
      );
    },
  };
}

export type ReleaseOrders = ReturnType<typeof createReleaseOrders>;
