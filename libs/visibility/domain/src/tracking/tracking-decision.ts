import type { NotificationKind } from '@lading/contracts';
import { estimateDelivery, etaWorthPublishing, type EtaEstimate } from '../eta/eta';
import { notificationAllowed, notificationIdFor } from '../notifications/notifications';
import { evolve, type ShipmentTrackingState } from './shipment-tracking';
import type { ShipmentTrackingEvent } from './shipment-tracking.events';
import type { TrackingContext } from './tracking-context';

/**
 * One decision in progress: the events so far and the state they lead to. Each step of a
 * decision sees what the steps before it emitted (the milestone a scan set, the exception it
 * opened), which keeps the steps independent and their order explicit in `decide`.
 */
export class TrackingDecision {
  readonly events: ShipmentTrackingEvent[] = [];
  readonly nowIso: string;
  /** Notifications wait for the end of the decision, so they carry its ETA. */
  readonly pendingNotifications: { kind: NotificationKind; details: Record<string, string | undefined> }[] = [];

  constructor(
    public state: ShipmentTrackingState,
    readonly context: TrackingContext,
    readonly now: Date,
  ) {
    this.nowIso = now.toISOString();
  }

  get shipmentId(): string {
    return this.context.shipment.shipmentId;
  }

  get orderId(): string {
    return this.context.shipment.orderId;
  }

  emit(event: ShipmentTrackingEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, event);
  }
}

/** Records the promise when shipment-planning's context brings a new one; the app arms a timer at it. */
export function syncPromise(d: TrackingDecision): void {
  const promise = d.context.plan?.promisedDeliveryAt;
  if (promise === undefined) return;
  const promisedDeliveryAt = new Date(promise).toISOString();
  const previous = d.state.promisedDeliveryAt;
  if (previous === promisedDeliveryAt) return;
  d.emit({
    type: 'PromiseRecorded',
    data: {
      shipmentId: d.shipmentId,
      orderId: d.orderId,
      promisedDeliveryAt,
      ...(previous ? { previousPromisedDeliveryAt: previous } : {}),
      promiseCheckAt: promisedDeliveryAt,
      recordedAt: d.nowIso,
    },
  });
}

/** Queues a customer notification; {@link finish} requests it if the tenant opted in and the throttle allows. */
export function requestNotification(d: TrackingDecision, kind: NotificationKind, details: Record<string, string | undefined>): void {
  d.pendingNotifications.push({ kind, details });
}

/** Ends a decision: requests the queued notifications, in order, and returns every event. */
export function finish(d: TrackingDecision): ShipmentTrackingEvent[] {
  for (const { kind, details } of d.pendingNotifications.splice(0)) emitNotification(d, kind, details);
  return d.events;
}

function emitNotification(d: TrackingDecision, kind: NotificationKind, details: Record<string, string | undefined>): void {
  const settings = d.context.settings.notifications;
  if (!notificationAllowed(d.state.notifications, settings, kind, d.now)) return;
  const templateData: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...details, eta: d.state.lastEta?.at, promisedDeliveryAt: d.state.promisedDeliveryAt })) {
    if (value !== undefined) templateData[key] = value;
  }
  const { customerId } = d.context.shipment;
  d.emit({
    type: 'CustomerNotificationRequested',
    data: {
      notificationId: notificationIdFor(d.shipmentId, kind, (d.state.notifications[kind]?.count ?? 0) + 1),
      shipmentId: d.shipmentId,
      orderId: d.orderId,
      ...(customerId ? { customerId } : {}),
      kind,
      templateId: settings.templateId,
      brandId: settings.brandId,
      templateData,
      requestedAt: d.nowIso,
    },
  });
}

/** Publishes the estimate when it is worth it (see `etaWorthPublishing`) and returns it either way. */
export function updateEta(d: TrackingDecision): EtaEstimate | undefined {
  const estimate = estimateDelivery(d.state, d.context.plan, d.context.carrierCalendar, d.now);
  if (!estimate || !etaWorthPublishing(d.state.lastEta, estimate, d.context.settings.etaChangeThresholdMinutes)) return estimate;
  const previous = d.state.lastEta?.at;
  d.emit({
    type: 'EtaUpdated',
    data: {
      shipmentId: d.shipmentId,
      orderId: d.orderId,
      estimatedDeliveryAt: estimate.at,
      basis: estimate.basis,
      ...(previous ? { previousEstimatedDeliveryAt: previous } : {}),
      ...(d.state.promisedDeliveryAt ? { promisedDeliveryAt: d.state.promisedDeliveryAt } : {}),
      late: estimate.late,
      updatedAt: d.nowIso,
    },
  });
  return estimate;
}
