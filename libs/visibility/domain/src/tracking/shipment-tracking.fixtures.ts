import { DeciderSpecification } from '@lading/decider';
import type { BusinessCalendar } from '@lading/shared-domain';
import type { CarrierScan } from './carrier-scan';
import { shipmentTracking, type ShipmentTrackingCommand } from './shipment-tracking.decide';
import type { ScanLocation, ShipmentTrackingEvent } from './shipment-tracking.events';
import type { ShipmentPlan, TrackingContext, VisibilitySettings } from './tracking-context';

// Fixtures for the specs only (not exported from the package).

export const SHIPMENT_ID = 'SHP-1';

/** The carrier's depot in New Jersey: weekdays 08:00–18:00 New York time, US public holidays closed. */
export const carrierCalendar: BusinessCalendar = { timeZone: 'America/New_York', workingHours: { opensAt: '08:00', closesAt: '18:00' }, holidaysOf: { country: 'US' } };

/**
 * Picked up Thursday 15 January 2026; two business days of transit skip Monday 19 January
 * (Martin Luther King Jr. Day) and land on Tuesday 20 January, promised by 18:00 that day.
 */
export const plan: ShipmentPlan = { promisedDeliveryAt: '2026-01-20T23:00:00.000Z', transitBusinessDays: 2, plannedPickupAt: '2026-01-15T19:00:00.000Z' };

export const settings: VisibilitySettings = {
  etaChangeThresholdMinutes: 120,
  silenceBusinessHours: 8,
  notifications: { kinds: ['ORDER_SHIPPED', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELAYED', 'DELIVERY_PROBLEM'], templateId: 'tpl-7', brandId: 'brand-acme', minMinutesBetweenSameKind: 60 },
};

export function contextWith(overrides: Partial<TrackingContext> = {}): TrackingContext {
  return {
    shipment: { shipmentId: SHIPMENT_ID, orderId: 'SO-1001', customerId: 'CUST-42', carrierId: 'ACME' },
    plan,
    carrierCalendar,
    settings,
    ...overrides,
  };
}

/** A context without a plan: no ETA from the plan, no promise checks (silence specs). */
export const unplanned = (overrides: Partial<TrackingContext> = {}): TrackingContext => {
  const { plan: _ignored, ...rest } = contextWith(overrides);
  return rest;
};

export const newark: ScanLocation = { facility: 'EWR-HUB', city: 'Newark', region: 'NJ', countryCode: 'US', timeZone: 'America/New_York' };

/** An X12 214 scan at a local time in Newark (no time code: local to the location). */
export function x12(statusCode: string, localDateTime: string, options: Partial<CarrierScan> & { reasonCode?: string; timeCode?: string } = {}): CarrierScan {
  const { timeCode, ...rest } = options;
  return {
    carrierId: 'ACME',
    trackingNumber: 'TRK-1',
    codeSet: 'X12_214',
    statusCode,
    location: newark,
    time: { kind: 'LOCAL', localDateTime, ...(timeCode ? { timeCode } : {}) },
    reportedAt: '2026-01-15T12:00:00.000Z',
    ...rest,
  };
}

/** A parcel API scan at an instant with an offset. */
export function parcel(statusCode: string, at: string, options: Partial<CarrierScan> = {}): CarrierScan {
  return { carrierId: 'ACME', trackingNumber: 'TRK-1', codeSet: 'PARCEL_JSON', statusCode, location: newark, time: { kind: 'INSTANT', at }, reportedAt: at, ...options };
}

export const scan = (carrierScan: CarrierScan, context: TrackingContext = contextWith()): ShipmentTrackingCommand => ({
  type: 'RecordCarrierScan',
  data: { shipmentId: SHIPMENT_ID, scan: carrierScan, context },
});
export const startTracking = (context: TrackingContext = contextWith()): ShipmentTrackingCommand => ({ type: 'StartTracking', data: { shipmentId: SHIPMENT_ID, context } });
export const checkSilence = (context: TrackingContext = contextWith()): ShipmentTrackingCommand => ({ type: 'CheckSilence', data: { shipmentId: SHIPMENT_ID, context } });
export const checkPromise = (context: TrackingContext = contextWith()): ShipmentTrackingCommand => ({ type: 'CheckPromise', data: { shipmentId: SHIPMENT_ID, context } });

/** A spec whose clock reads `now`. */
export const at = (now: string) => DeciderSpecification.for(shipmentTracking, { now: new Date(now) });

/**
 * The events that deciding `commands` one after the other produce, each at its own instant:
 * how a stream grows in production, used to build the `given` of a spec.
 */
export function history(...steps: [string, ShipmentTrackingCommand][]): ShipmentTrackingEvent[] {
  const events: ShipmentTrackingEvent[] = [];
  for (const [now, command] of steps) events.push(...at(now).given(events).when(command).events());
  return events;
}

export function ofType<T extends ShipmentTrackingEvent['type']>(events: readonly ShipmentTrackingEvent[], type: T): Extract<ShipmentTrackingEvent, { type: T }>[] {
  return events.filter((event): event is Extract<ShipmentTrackingEvent, { type: T }> => event.type === type);
}
