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
} from '@lading/order-release-domain';
import { erpOrderInputFrom, releaseFactFrom, releaseTriggerFor, warehouseProgressFrom, type InboundCause } from './order-release.mapper';
import type { ReleaseReadModels } from './release-context';

/** The consumer name order-release records in the event-store inbox. */
export const ORDER_RELEASE_CONSUMER = 'order-release';

/** Timer kind: a held order's release window (cut-off passed, capacity used up) opens again. */
export const RELEASE_WINDOW_TIMER = 'order-release.release-window-opened';

export interface ReleaseWindowOpened {
  orderId: string;
  tenantId: string;
  correlationId: string;
}

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
export function createReleaseOrders(readModels: ReleaseReadModels) {
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
    for (const message of messages) {
      if (message.type !== 'OrderHeld') continue;
      const opensAt = message.data.reasons
        .map((reason) => ('nextWindowOpensAt' in reason ? reason.nextWindowOpensAt : undefined))
        .filter((at): at is string => typeof at === 'string')
        .sort()[0];
      if (opensAt) {
        await tx.scheduleTimer<ReleaseWindowOpened>({
          timerId: `${RELEASE_WINDOW_TIMER}:${orderId}`,
          streamId: orderReleaseStreamId(orderId),
          dueAt: new Date(opensAt),
          tenantId,
          command: { orderId, tenantId, correlationId: cause.correlationId },
        });
      }
    }
    return messages;
  }

  /** Re-evaluates the held orders a changed fact concerns, oldest first. */
  async function reevaluateHeld(tx: EventStoreTransaction, trigger: ReturnType<typeof releaseTriggerFor>, cause: InboundCause, now: Date): Promise<number> {
    let appended = 0;
    for (const held of await readModels.heldOrdersFor(tx.client, trigger)) {
      const messages = await decide(
        tx,
        held.orderId,
        held.tenantId,
        { type: 'ReevaluateOrder', data: { orderId: held.orderId, context: NO_CONTEXT } },
        // the held order's own journey (adapters use the order id as correlation id)
        { ...cause, correlationId: held.orderId },
        now,
      );
      appended += messages.length;
    }
    return appended;
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
      let appended = messages.length;
      // A cancel after release gives stock back: the orders waiting for it may go now.
      const cancelled = messages.find((m) => m.type === 'OrderCancelled');
      if (cancelled && cancelled.type === 'OrderCancelled' && cancelled.data.stage === 'AFTER_RELEASE') {
        const state = foldEvents(orderRelease, (await tx.readStream<OrderReleaseMessage>(orderReleaseStreamId(orderId))).map((e) => e.payload));
        if ('order' in state && state.order) {
          for (const sku of new Set(state.order.lines.map((l) => l.sku))) {
            appended += await reevaluateHeld(tx, { kind: 'INVENTORY_CHANGED', tenantId, siteId: state.order.siteId, sku }, input.cause, now);
          }
        }
      }
      return { duplicate: false, appended };
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
      return { duplicate: false, appended: await reevaluateHeld(tx, releaseTriggerFor(fact), cause, now) };
    },

    /** The WMS accepted a warehouse order: its reservation is the WMS's allocation from now on. */
    async onWarehouseProgress(tx: EventStoreTransaction, record: WmsFulfilmentV1Record): Promise<Outcome> {
      if (!(await tx.recordInbox(ORDER_RELEASE_CONSUMER, record.value.meta.eventId))) return { duplicate: true };
      const progress = warehouseProgressFrom(record);
      if (progress.kind === 'WarehouseOrderAccepted') await readModels.markHandedOver(tx.client, progress, progress.occurredAt);
      return { duplicate: false, appended: 0 };
    },

    /** A durable timer fired: the order's release window opened again. */
    async onReleaseWindowOpened(tx: EventStoreTransaction, timer: ReleaseWindowOpened, now: Date): Promise<Outcome> {
      const cause: InboundCause = { correlationId: timer.correlationId, causationId: `${RELEASE_WINDOW_TIMER}:${timer.orderId}`, occurredAt: now.getTime() };
      const messages = await decide(tx, timer.orderId, timer.tenantId, { type: 'ReevaluateOrder', data: { orderId: timer.orderId, context: NO_CONTEXT } }, cause, now);
      return { duplicate: false, appended: messages.length };
    },
  };
}

export type ReleaseOrders = ReturnType<typeof createReleaseOrders>;
