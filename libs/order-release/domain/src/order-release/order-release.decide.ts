import { assertNever, Decider, DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { normaliseLines } from './order-lines';
import {
  applyChanges,
  evolve,
  HoldReason,
  initialState,
  OrderAmendment,
  OrderDetails,
  OrderReleaseMessage,
  OrderReleaseState,
  ReleaseContext,
  ReleaseLine,
  WarehouseRelease,
} from './order-release';
import { decideRelease, nextWindowAwaited, ReleaseDecision } from './release-decision';

/** The ERP placed an order (from `OrderPlaced`). */
export type PlaceOrder = { type: 'PlaceOrder'; data: { order: OrderDetails; context: ReleaseContext } };
/** The ERP amended an order (from `OrderAmended`). */
export type AmendOrder = { type: 'AmendOrder'; data: { amendment: OrderAmendment; context: ReleaseContext } };
/** The ERP cancelled an order (from `OrderCancelled`). */
export type CancelOrder = { type: 'CancelOrder'; data: { orderId: string; tenantId: string; reason: string; cancelledAt: string } };
/**
 * Something a held order waits for changed (inventory, site status or window, credit): decide
 * again. Harmless on an order that waits for nothing.
 */
export type ReevaluateOrder = { type: 'ReevaluateOrder'; data: { orderId: string; context: ReleaseContext } };

export type OrderReleaseCommand = PlaceOrder | AmendOrder | CancelOrder | ReevaluateOrder;

/** The warehouse order id of the n-th release of an order (backorders count up). */
export function warehouseOrderIdFor(orderId: string, releaseNumber: number): string {
  return `${orderId}-R${releaseNumber}`;
}

export function placeOrder(command: PlaceOrder, state: OrderReleaseState, { now }: DecisionContext): OrderReleaseMessage[] {
  const { order, context } = command.data;
  requireOrderIdentity(order);
  // A placement is taken once; a redelivery or a late placement after a cancel changes nothing.
  if (state.status !== 'Unplaced') return [];
  const receivedAt = now.toISOString();
  const messages: OrderReleaseMessage[] = [{ type: 'OrderReceived', data: { order, receivedAt } }];
  let current = order;
  const deferred = state.deferredAmendment;
  if (deferred && deferred.revision > order.revision) {
    messages.push({ type: 'OrderAmended', data: { orderId: order.orderId, revision: deferred.revision, changes: deferred.changes, amendedAt: deferred.amendedAt, recordedAt: receivedAt } });
    current = applyChanges(order, deferred.revision, deferred.changes);
  }
  return [...messages, ...releaseOrHold(current, receivedAt, context, now)];
}

export function amendOrder(command: AmendOrder, state: OrderReleaseState, { now }: DecisionContext): OrderReleaseMessage[] {
  const { amendment, context } = command.data;
  switch (state.status) {
    case 'Unplaced':
      // The amendment overtook its order (another partition, a replay): keep the newest until the order arrives.
      if (state.deferredAmendment && state.deferredAmendment.revision >= amendment.revision) return [];
      return [{ type: 'AmendmentDeferred', data: { amendment, deferredAt: now.toISOString() } }];
    case 'Received':
    case 'Held': {
      // Revisions only move forward: a duplicate or an older amendment is ignored.
      if (amendment.revision <= state.order.revision) return [];
      const amended = applyChanges(state.order, amendment.revision, amendment.changes);
      return [
        { type: 'OrderAmended', data: { orderId: amendment.orderId, revision: amendment.revision, changes: amendment.changes, amendedAt: amendment.amendedAt, recordedAt: now.toISOString() } },
        ...releaseOrHold(amended, state.queuedSince, context, now),
      ];
    }
    case 'PartiallyReleased':
    case 'Released':
      if (amendment.revision <= state.order.revision || amendment.revision <= (state.refusedRevision ?? 0)) return [];
      return [
        {
          type: 'AmendmentRefused',
          data: {
            orderId: amendment.orderId,
            revision: amendment.revision,
            reason: 'ALREADY_RELEASED',
            message: `order ${amendment.orderId} is released to warehouse as ${state.releases.map((r) => r.warehouseOrderId).join(', ')}; cancel and re-place it instead`,
            refusedAt: now.toISOString(),
          },
        },
      ];
    case 'Cancelled':
      return [];
    default:
      return assertNever(state, 'order-release state');
  }
}

export function cancelOrder(command: CancelOrder, state: OrderReleaseState, { now }: DecisionContext): OrderReleaseMessage[] {
  const { orderId, tenantId, reason } = command.data;
  const cancelledAt = now.toISOString();
  switch (state.status) {
    case 'Unplaced':
      // Cancel wins over a placement that arrives later.
      return [{ type: 'OrderCancelled', data: { orderId, tenantId, reason, stage: 'BEFORE_PLACEMENT', warehouseOrderIds: [], cancelledAt } }];
    case 'Received':
    case 'Held':
      return [{ type: 'OrderCancelled', data: { orderId, tenantId, reason, stage: 'BEFORE_RELEASE', warehouseOrderIds: [], cancelledAt } }];
    case 'PartiallyReleased':
    case 'Released': {
      const { order, releases } = state;
      return [
        { type: 'OrderCancelled', data: { orderId, tenantId, reason, stage: 'AFTER_RELEASE', warehouseOrderIds: releases.map((r) => r.warehouseOrderId), cancelledAt } },
        ...releases.map(
          (release): OrderReleaseMessage => ({
            type: 'CancelWarehouseOrder',
            data: { warehouseOrderId: release.warehouseOrderId, orderId, tenantId: order.tenantId, siteId: order.siteId, reason, requestedAt: cancelledAt },
          }),
        ),
      ];
    }
    case 'Cancelled':
      return [];
    default:
      return assertNever(state, 'order-release state');
  }
}

export function reevaluateOrder(command: ReevaluateOrder, state: OrderReleaseState, { now }: DecisionContext): OrderReleaseMessage[] {
  const { context } = command.data;
  switch (state.status) {
    case 'Received':
    case 'Held':
      return releaseOrHold(state.order, state.queuedSince, context, now, state.status === 'Held' ? state.reasons : undefined);
    case 'PartiallyReleased': {
      const decision = decideRelease({ order: state.order, lines: state.backordered, lineProblems: [], context, now });
      if (decision.outcome === 'HOLD') return sameHold(decision.reasons, state.reasons) ? [] : [held(state.order, state.queuedSince, decision.reasons, decision.heldLines, true, now)];
      return released(state.order, state.queuedSince, state.releases, decision, now);
    }
    case 'Unplaced':
    case 'Released':
    case 'Cancelled':
      return [];
    default:
      return assertNever(state, 'order-release state');
  }
}

export function decide(command: OrderReleaseCommand, state: OrderReleaseState, context: DecisionContext): OrderReleaseMessage[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state, context);
    case 'AmendOrder':
      return amendOrder(command, state, context);
    case 'CancelOrder':
      return cancelOrder(command, state, context);
    case 'ReevaluateOrder':
      return reevaluateOrder(command, state, context);
    default:
      return assertNever(command, 'order-release command');
  }
}

/** The order-release decider; stream `order-release:<orderId>`. */
export const orderRelease: Decider<OrderReleaseCommand, OrderReleaseMessage, OrderReleaseState> = { initialState, decide, evolve };

function requireOrderIdentity(order: OrderDetails): void {
  for (const field of ['orderId', 'tenantId', 'customerId', 'siteId'] as const) {
    if (typeof order[field] !== 'string' || order[field].length === 0) throw new NonRetriableError(`PlaceOrder without ${field}`, 'INVALID_ORDER');
  }
}

/**
 * Decides the whole order. `previousReasons` is given on re-evaluation of a held order: holding
 * it again for the same reason codes, until the same window opening, emits nothing, so a stream
 * of inventory changes does not flood the stream with identical holds (see `sameHold`).
 */
function releaseOrHold(order: OrderDetails, queuedSince: string, context: ReleaseContext, now: Date, previousReasons?: HoldReason[]): OrderReleaseMessage[] {
  const { lines, problems } = normaliseLines(order.lines);
  const decision = decideRelease({ order, lines, lineProblems: problems, context, now });
  if (decision.outcome === 'HOLD') {
    if (previousReasons && sameHold(previousReasons, decision.reasons)) return [];
    return [held(order, queuedSince, decision.reasons, decision.heldLines, false, now)];
  }
  return released(order, queuedSince, [], decision, now);
}

function released(
  order: OrderDetails,
  queuedSince: string,
  earlier: WarehouseRelease[],
  { lines, backordered, shortages, operatingDay }: Extract<ReleaseDecision, { outcome: 'RELEASE' }>,
  now: Date,
): OrderReleaseMessage[] {
  const releaseNumber = earlier.length + 1;
  const warehouseOrderId = warehouseOrderIdFor(order.orderId, releaseNumber);
  const releasedAt = now.toISOString();
  const { orderId, tenantId, customerId, siteId } = order;
  const messages: OrderReleaseMessage[] = [
    { type: 'OrderReleased', data: { orderId, tenantId, customerId, siteId, releaseNumber, warehouseOrderId, lines, backordered, operatingDay, releasedAt } },
    {
      type: 'ReleaseOrderToWarehouse',
      data: {
        warehouseOrderId,
        orderId,
        tenantId,
        customerId,
        siteId,
        shipTo: order.shipTo,
        lines,
        ...(order.promisedDate === undefined ? {} : { promisedDate: order.promisedDate }),
        partial: backordered.length > 0 || releaseNumber > 1,
        releasedAt,
      },
    },
  ];
  if (backordered.length > 0) {
    const reasons: HoldReason[] = [
      { code: 'INSUFFICIENT_INVENTORY', message: `backordered at ${siteId}: ${backordered.map((l) => `${l.sku} ${l.quantity} ${l.unitOfMeasure}`).join(', ')}`, shortages },
    ];
    messages.push(held(order, queuedSince, reasons, backordered, true, now));
  }
  return messages;
}

function held(order: OrderDetails, queuedSince: string, reasons: HoldReason[], heldLines: ReleaseLine[], backorder: boolean, now: Date): OrderReleaseMessage {
  const { orderId, tenantId, customerId, siteId } = order;
  return { type: 'OrderHeld', data: { orderId, tenantId, customerId, siteId, reasons, heldLines, backorder, queuedSince, heldAt: now.toISOString() } };
}

/**
 * Whether a hold repeats the one on record: the same reason codes and the same window opening
 * awaited. A hold until another opening (the awaited one passed unseen, a new operating day is
 * full too, the site moved its window) is news: recorded, so the app wakes the order then.
 */
function sameHold(a: readonly HoldReason[], b: readonly HoldReason[]): boolean {
  const codes = (reasons: readonly HoldReason[]) => [...new Set(reasons.map((r) => r.code))].sort().join(',');
  return codes(a) === codes(b) && nextWindowAwaited(a) === nextWindowAwaited(b);
}
