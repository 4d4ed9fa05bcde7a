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

const reevaluationTimerId = (orderId: string) => `${ORDER_RELEASE_TIMERS}reevaluate:${orderId}`;
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
   * timers commit with the fact, so no wake-up is lost; one per order, so a burst of facts
   * about the same SKU re-evaluates each order once.
   */
  async function scheduleReevaluation(tx: EventStoreTransaction, trigger: ReleaseTrigger, cause: InboundCause, now: Date): Promise<number> {
    const held = await readModels.heldOrdersFor(tx.client, trigger);
    for (const [index, order] of held.entries()) {
      await tx.scheduleTimer<ReevaluateHeldOrder>({
        timerId: reevaluationTimerId(order.orderId),
        streamId: orderReleaseStreamId(order.orderId),
        dueAt: new Date(now.getTime() + index),
        tenantId: order.tenantId,
        // the held order's own journey (adapters use the order id as correlation id)
        command: { orderId: order.orderId, tenantId: order.tenantId, correlationId: order.orderId, causationId: cause.causationId },
      });
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

    /** A durable timer fired: decide a held order again (its window opened, or a fact it waits for changed). */
    async onReevaluateHeldOrder(tx: EventStoreTransaction, timer: ReevaluateHeldOrder, now: Date): Promise<Outcome> {
      const cause: InboundCause = { correlationId: timer.correlationId, causationId: timer.causationId, occurredAt: now.getTime() };
      const messages = await decide(tx, timer.orderId, timer.tenantId, { type: 'ReevaluateOrder', data: { orderId: timer.orderId, context: NO_CONTEXT } }, cause, now);
      return { duplicate: false, appended: messages.length };
    },
  };
}

export type ReleaseOrders = ReturnType<typeof createReleaseOrders>;
