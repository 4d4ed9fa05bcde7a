import type { NotificationKind } from '@lading/contracts';
import { NonRetriableError } from '@lading/errors';
import type { BusinessCalendar } from '@lading/shared-domain';

/** Who the shipment is, from shipment-planning's ShipmentPlanned / ShipmentBooked. */
export interface ShipmentIdentity {
  shipmentId: string;
  orderId: string;
  /** For customer notifications, where known. */
  customerId?: string;
  carrierId: string;
}

/** What was planned and promised, from shipment-planning's events. */
export interface ShipmentPlan {
  /** ShipmentPlanned.promisedDeliveryAt (ISO-8601 UTC): what the customer was promised. */
  promisedDeliveryAt: string;
  /** ShipmentPlanned.transitDays: business days of the carrier's calendar. */
  transitBusinessDays: number;
  /** CarrierBooked.pickupAt (ISO-8601 UTC), when the carrier agreed one. */
  plannedPickupAt?: string;
}

export interface NotificationSettings {
  /** The kinds the tenant opted into; nothing else is requested. */
  kinds: readonly NotificationKind[];
  /** The tenant's branded template set and brand, passed through to the CRM. */
  templateId: string;
  brandId: string;
  /** At most one notification of an exception kind (DELAYED, DELIVERY_PROBLEM) per shipment in this many minutes. */
  minMinutesBetweenSameKind: number;
}

/** A tenant's visibility settings, resolved by the app for the shipment's carrier. */
export interface VisibilitySettings {
  /** EtaUpdated only when the estimate moves by more than this (or the late verdict flips). */
  etaChangeThresholdMinutes: number;
  /** TRACKING_SILENCE after this many business hours of the carrier's calendar without a scan (tenant × carrier). */
  silenceBusinessHours: number;
  notifications: NotificationSettings;
}

export const DEFAULT_VISIBILITY_SETTINGS: VisibilitySettings = Object.freeze({
  etaChangeThresholdMinutes: 120,
  silenceBusinessHours: 24,
  notifications: Object.freeze({ kinds: [], templateId: 'default', brandId: 'default', minMinutesBetweenSameKind: 60 }),
});

/**
 * Everything a tracking decision needs besides its stream, loaded by the app before deciding:
 * the shipment and its plan (shipment-planning's events), the carrier's business calendar (for
 * the delivering region: ETA business days and silence business hours) and the tenant's settings.
 */
export interface TrackingContext {
  shipment: ShipmentIdentity;
  /** Absent while shipment-planning's events have not arrived: no plan ETA, no promise checks. */
  plan?: ShipmentPlan;
  carrierCalendar: BusinessCalendar;
  settings: VisibilitySettings;
}

/** Problems with settings, each naming its field; empty when usable. For config parsed at load. */
export function validateVisibilitySettings(settings: VisibilitySettings): string[] {
  const problems: string[] = [];
  const wholeAtLeast = (value: number, min: number, field: string) => {
    if (!Number.isInteger(value) || value < min) problems.push(`${field}: a whole number ≥ ${min}, got ${value}`);
  };
  wholeAtLeast(settings.etaChangeThresholdMinutes, 0, 'etaChangeThresholdMinutes');
  wholeAtLeast(settings.silenceBusinessHours, 1, 'silenceBusinessHours');
  wholeAtLeast(settings.notifications.minMinutesBetweenSameKind, 0, 'notifications.minMinutesBetweenSameKind');
  if (!settings.notifications.templateId.trim()) problems.push('notifications.templateId: required');
  if (!settings.notifications.brandId.trim()) problems.push('notifications.brandId: required');
  return problems;
}

/**
 * Refuses a context loaded for another shipment or with a malformed plan: an app bug, never fixed
 * by a retry. Calendars and settings are configuration: the app checks them when it loads them
 * (`validateBusinessCalendar`, `validateVisibilitySettings`), not on every decision.
 */
export function assertTrackingContext(shipmentId: string, context: TrackingContext): void {
  const problems: string[] = [];
  if (context.shipment.shipmentId !== shipmentId) problems.push(`context is for shipment ${context.shipment.shipmentId}, not ${shipmentId}`);
  if (context.plan) {
    if (!Number.isFinite(Date.parse(context.plan.promisedDeliveryAt))) problems.push(`plan.promisedDeliveryAt: not an instant: ${context.plan.promisedDeliveryAt}`);
    if (!Number.isInteger(context.plan.transitBusinessDays) || context.plan.transitBusinessDays < 0) problems.push('plan.transitBusinessDays: a whole number ≥ 0');
  }
  if (problems.length > 0) throw new NonRetriableError(`tracking context: ${problems.join('; ')}`, 'INVALID_TRACKING_CONTEXT');
}
