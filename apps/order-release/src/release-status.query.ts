import type { EventStore } from '@lading/event-store';
import { foldEvents } from '@lading/decider';
import { orderRelease, type HoldReason, type OrderReleaseMessage } from '@lading/order-release-domain';
import { streamIdOf } from '@lading/service-kit';
import { ORDER_RELEASE_STREAM_TYPE } from './order-release.mapper';

/** What `GET /v1/orders/:orderId/release` answers: where the order stands in release, and why. */
export interface ReleaseStatusView {
  orderId: string;
  status: 'RECEIVED' | 'HELD' | 'PARTIALLY_RELEASED' | 'RELEASED' | 'CANCELLED';
  siteId?: string;
  holdReasons: { code: string; message: string }[];
  warehouseOrders: { warehouseOrderId: string; releaseNumber: number; lines: { sku: string; quantity: number; unitOfMeasure: string }[] }[];
  backordered: { sku: string; quantity: number; unitOfMeasure: string }[];
  /** stream version: how many decisions and inputs the answer reflects */
  version: number;
  lastChangedAt: string;
}

const reasonsOf = (reasons: HoldReason[]) => reasons.map((r) => ({ code: r.code, message: r.message }));

/**
 * Folds the order's stream on demand (a live projection): always exactly what the decider saw.
 * The stream is the caller's tenant's own (the tenant is part of its id), so another tenant's
 * order with the same number is simply not found — never forbidden, so its existence does not leak.
 */
export async function releaseStatusOf(store: EventStore, tenantId: string, orderId: string): Promise<ReleaseStatusView | undefined> {
  const events = await store.readStream<OrderReleaseMessage>(streamIdOf(tenantId, ORDER_RELEASE_STREAM_TYPE, orderId));
  if (events.length === 0 || events.some((e) => e.tenantId !== tenantId)) return undefined;
  const state = foldEvents(orderRelease, events.map((e) => e.payload));
  const base = { orderId, version: events.length, lastChangedAt: events[events.length - 1].recordedAt.toISOString() };
  switch (state.status) {
    case 'Unplaced':
      return undefined; // only an early amendment or cancel arrived: the order itself is not known yet
    case 'Received':
      return { ...base, status: 'RECEIVED', siteId: state.order.siteId, holdReasons: [], warehouseOrders: [], backordered: [] };
    case 'Held':
      return { ...base, status: 'HELD', siteId: state.order.siteId, holdReasons: reasonsOf(state.reasons), warehouseOrders: [], backordered: [] };
    case 'PartiallyReleased':
      return {
        ...base,
        status: 'PARTIALLY_RELEASED',
        siteId: state.order.siteId,
        holdReasons: reasonsOf(state.reasons),
        warehouseOrders: state.releases,
        backordered: state.backordered.map(({ sku, quantity, unitOfMeasure }) => ({ sku, quantity, unitOfMeasure })),
      };
    case 'Released':
      return { ...base, status: 'RELEASED', siteId: state.order.siteId, holdReasons: [], warehouseOrders: state.releases, backordered: [] };
    case 'Cancelled':
      return { ...base, status: 'CANCELLED', holdReasons: [], warehouseOrders: [], backordered: [] };
  }
}
