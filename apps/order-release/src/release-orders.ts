import type { ErpCreditV1Record, ErpOrdersV1Record, WmsFulfilmentV1Record, WmsInventoryV1Record, WmsSitesV1Record } from '@lading/contracts';
import type { EventStoreTransaction, StoredEvent } from '@lading/event-store';
import { foldEvents } from '@lading/decider';
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
import type { ReleaseReadModels } from './release-context';
import type { ReleaseActivity } from './release-activity';

/** The consumer name order-release records in the event-store inbox. */
export const ORDER_RELEASE_CONSUMER = 'order-release';

/** Every durable timer of order-release has an id starting with this (its poller claims only these). */
export const ORDER_RELEASE_TIMERS = 'order-release.';

/**
 * A held order to decide again, in a transaction of its own: when its release window opens
 * again (cut-off passed, capacity used up), or when a fact it waits for changed (stock, site,
 * credit). Re-evaluating many orders inside the fact's transaction would lock their stock
 * and capacity rows in no common order, and deadlock with the orders being placed.
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

/** What one inbound record did: skipped as already handled, or the messages it appended. */
export type Outcome = { duplicate: true } | { duplicate: false; appended: number };

// The decider fills the real context in; this only lets releaseContextNeededFor read the command.
const NO_CONTEXT: ReleaseContext = { credit: { customerId: '', onHold: false }, inventory: {} };

/**
 * The order-release workflow around the pure decider, one PostgreSQL transaction per call
 * (the caller's unit of work): inbox → read models (locking what the decision reserves) →
 * decide and append → apply the decision to the read models → timers. Nothing here is Nest
 * or Kafka; the consumer and the timer poller call it.
 */
export function createReleaseOrders(readModels: ReleaseReadModels, activity?: ReleaseActivity) {
  /** Folds the order's stream, reads (and locks) the context it needs, decides, applies. */
  async function decide(
    tx: EventStoreTransaction,
    orderId: string,
    tenantId: string,
    command: OrderReleaseCommand,
    cause: InboundCause,
    now: Date,
  ): Promise<OrderReleaseMessage[]> {
    const streamId = orderReleaseStreamId(orderId);
    const history = await tx.readStream<OrderReleaseMessage>(streamId);
    const state: OrderReleaseState = foldEvents(orderRelease, history.map((e) => e.payload));
    const needed = releaseContextNeededFor(command, state);
    if (needed) {
      const context = await readModels.loadReleaseContext(tx.client, { ...needed, orderId }, now);
      command = { ...command, data: { ...command.data, context } } as OrderReleaseCommand;
    }
    const result = await tx.handle(streamId, orderRelease, command, {
      tenantId,
      streamType: ORDER_RELEASE_STREAM_TYPE,
      now,
      metadata: {
        correlationId: cause.correlationId,
        causationId: cause.causationId,
        occurredAt: new Date(cause.occurredAt).toISOString(),
        ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
      },
    });
    const messages = result.events.map((e: StoredEvent<OrderReleaseMessage>) => e.payload);
    await readModels.recordReleaseDecision(tx.client, messages);
    activity?.record(messages);
    // A waiting order whose situation changed (released, cancelled, amended, or held for other
    // reasons: a credit hold drops its claim) may give up its claim on stock (fairness): the
    // younger orders it held back may go now.
    const claim = state.status === 'Held' ? { siteId: state.order.siteId, lines: state.heldLines } : state.status === 'PartiallyReleased' ? { siteId: state.order.siteId, lines: state.backordered } : undefined;
    if (claim && messages.length > 0) {
      for (const sku of new Set(claim.lines.map((line) => line.sku))) {
        await scheduleReevaluation(tx, { kind: 'INVENTORY_CHANGED', tenantId, siteId: claim.siteId, sku }, cause, now, orderId);
      }
    }
    for (const message of messages) {
      if (message.type !== 'OrderHeld') continue;
      const opensAt = message.data.reasons
        .map((reason) => ('nextWindowOpensAt' in reason ? reason.nextWindowOpensAt : undefined))
        .filter((at): at is string => typeof at === 'string')
        .sort()[0];
      if (opensAt) {
        await tx.scheduleTimer<ReevaluateHeldOrder>({
          timerId: windowTimerId(orderId, opensAt),
          streamId: orderReleaseStreamId(orderId),
          dueAt: new Date(opensAt),
          tenantId,
          command: { orderId, tenantId, correlationId: cause.correlationId, causationId: cause.causationId },
        });
      }
    }
    return messages;
  }

  /**
   * Schedules the held orders a changed fact concerns for re-evaluation, each in its own
   * transaction, oldest first (a millisecond apart, as the poller fires by due time). The
   * timers commit with the fact, so no wake-up is lost.
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

  return {
    /** OrderPlaced / OrderAmended / OrderCancelled from the ERP. */
    async onErpOrder(tx: EventStoreTransaction, record: ErpOrdersV1Record, traceparent: string | undefined, now: Date): Promise<Outcome> {
      if (!(await tx.recordInbox(ORDER_RELEASE_CONSUMER, record.value.meta.eventId))) return { duplicate: true };
      const input = erpOrderInputFrom(record, traceparent);
      const tenantId = record.value.meta.tenantId;
      const orderId = record.value.orderId;
      const command: OrderReleaseCommand =
        input.command === 'PlaceOrder'
          ? { type: 'PlaceOrder', data: { order: input.order, context: NO_CONTEXT } }
          : input.command === 'AmendOrder'
            ? { type: 'AmendOrder', data: { amendment: input.amendment, context: NO_CONTEXT } }
            : { type: 'CancelOrder', data: input.cancel };
      const messages = await decide(tx, orderId, tenantId, command, input.cause, now);
      // A cancel after release gives stock back: the orders waiting for it may go now.
      const cancelled = messages.find((m) => m.type === 'OrderCancelled');
      if (cancelled?.type === 'OrderCancelled' && cancelled.data.stage === 'AFTER_RELEASE') {
        const released = (await tx.readStream<OrderReleaseMessage>(orderReleaseStreamId(orderId)))
          .map((e) => e.payload)
          .filter((m) => m.type === 'ReleaseOrderToWarehouse');
        for (const release of released) {
          for (const sku of new Set(release.data.lines.map((l) => l.sku))) {
            await scheduleReevaluation(tx, { kind: 'INVENTORY_CHANGED', tenantId, siteId: release.data.siteId, sku }, input.cause, now);
          }
        }
      }
      return { duplicate: false, appended: messages.length };
    },

    /** Credit holds, stock levels and site status: update the read models, re-evaluate held orders. */
    async onReleaseFact(
      tx: EventStoreTransaction,
      record: ErpCreditV1Record | WmsInventoryV1Record | WmsSitesV1Record,
      traceparent: string | undefined,
      now: Date,
    ): Promise<Outcome> {
      if (!(await tx.recordInbox(ORDER_RELEASE_CONSUMER, record.value.meta.eventId))) return { duplicate: true };
      const fact = releaseFactFrom(record);
      if (!(await readModels.applyReleaseFact(tx.client, fact))) return { duplicate: false, appended: 0 };
      const meta = record.value.meta;
      const cause: InboundCause = { correlationId: meta.correlationId, causationId: meta.eventId, occurredAt: meta.occurredAt, traceparent };
      await scheduleReevaluation(tx, releaseTriggerFor(fact), cause, now);
      return { duplicate: false, appended: 0 };
    },

    /** The WMS accepted a warehouse order: its reservation is the WMS's allocation from now on. */
    async onWarehouseProgress(tx: EventStoreTransaction, record: WmsFulfilmentV1Record): Promise<Outcome> {
      if (!(await tx.recordInbox(ORDER_RELEASE_CONSUMER, record.value.meta.eventId))) return { duplicate: true };
      const progress = warehouseProgressFrom(record);
      if (progress.kind === 'WarehouseOrderAccepted') await readModels.markHandedOver(tx.client, progress, progress.occurredAt);
      return { duplicate: false, appended: 0 };
    },

    /**
     * Anti-entropy: schedules a re-evaluation of held orders for which stock is on hand now.
     * Wake-ups come from facts and decisions; this bounds the cost of one lost to a race
     * (e.g. a site status change while a decision read the old status) to one sweep interval.
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

    /** A durable timer fired: decide a held order again (its window opened, or a fact it waits for changed). */
    async onReevaluateHeldOrder(tx: EventStoreTransaction, timer: ReevaluateHeldOrder, now: Date): Promise<Outcome> {
      const cause: InboundCause = { correlationId: timer.correlationId, causationId: timer.causationId, occurredAt: now.getTime() };
      const messages = await decide(tx, timer.orderId, timer.tenantId, { type: 'ReevaluateOrder', data: { orderId: timer.orderId, context: NO_CONTEXT } }, cause, now);
      return { duplicate: false, appended: messages.length };
    },
  };
}

export type ReleaseOrders = ReturnType<typeof createReleaseOrders>;
