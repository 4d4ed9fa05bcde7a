import { addBusinessMillis } from '@lading/shared-domain';
import { isTerminal } from '../code-sets/milestones';
import type { ShipmentTrackingState } from '../tracking/shipment-tracking';
import type { TrackingContext } from '../tracking/tracking-context';

/**
 * Silence is measured from the latest of: the newest carrier event time of any placed scan, and
 * the planned pickup (or, without one, when tracking started). Event time, not ingest time: a
 * carrier whose scans reach us a day late was still silent towards the customer. An unplaced
 * (unzoned) scan cannot say when the carrier last spoke, so it does not re-arm the alarm.
 */
export function silenceSince(state: ShipmentTrackingState, context: TrackingContext): string | undefined {
  const start = context.plan?.plannedPickupAt ?? state.started?.plannedPickupAt ?? state.started?.startedAt;
  const candidates = [state.lastScanAt, start].filter((at): at is string => at !== undefined);
  if (candidates.length === 0) return undefined;
  return candidates.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

/**
 * When the silence alarm is due: N business hours (tenant × carrier setting) of the carrier's
 * calendar after {@link silenceSince}; nights, weekends and the carrier's holidays do not count.
 * Undefined once the journey ended or before anything started it.
 */
export function silenceCheckAtFor(state: ShipmentTrackingState, context: TrackingContext): string | undefined {
  if (state.current && isTerminal(state.current.milestone)) return undefined;
  const since = silenceSince(state, context);
  if (since === undefined) return undefined;
  return addBusinessMillis(context.carrierCalendar, new Date(since), context.settings.silenceBusinessHours * 3_600_000).toISOString();
}
