import type { Milestone } from '@lading/contracts';
import { assertNever } from '@lading/decider';

/**
 * The canonical milestones of a shipment's journey, whatever code set the carrier speaks.
 * `AT_TERMINAL` is the contract's `ARRIVED_AT_HUB`.
 */
export const TRACKING_MILESTONES = [
  'BOOKED',
  'PICKED_UP',
  'IN_TRANSIT',
  'AT_TERMINAL',
  'OUT_FOR_DELIVERY',
  'DELIVERY_ATTEMPTED',
  'DELIVERED',
  'RETURNED_TO_SHIPPER',
  'CANCELLED',
] as const;

export type TrackingMilestone = (typeof TRACKING_MILESTONES)[number];

/**
 * Where a milestone stands on the journey. The current milestone only ever moves to a later
 * stage, or within a stage to a scan with a later event time:
 *
 * - LINE_HAUL: IN_TRANSIT and AT_TERMINAL alternate as a shipment moves between terminals, so
 *   either may follow the other;
 * - FINAL_MILE: OUT_FOR_DELIVERY and DELIVERY_ATTEMPTED alternate too: going out for delivery
 *   again after a failed attempt is progress, not a step back;
 * - TERMINAL: DELIVERED, RETURNED_TO_SHIPPER, CANCELLED. The first terminal milestone recorded
 *   is final: a return's "delivered" scan at the shipper's dock must not confirm delivery to
 *   the customer, and a delivery already confirmed to the ERP cannot be taken back.
 */
export type MilestoneStage = 'PRE_PICKUP' | 'PICKED_UP' | 'LINE_HAUL' | 'FINAL_MILE' | 'TERMINAL';

const STAGE_ORDER: Readonly<Record<MilestoneStage, number>> = { PRE_PICKUP: 0, PICKED_UP: 1, LINE_HAUL: 2, FINAL_MILE: 3, TERMINAL: 4 };

export function stageOf(milestone: TrackingMilestone): MilestoneStage {
  switch (milestone) {
    case 'BOOKED':
      return 'PRE_PICKUP';
    case 'PICKED_UP':
      return 'PICKED_UP';
    case 'IN_TRANSIT':
    case 'AT_TERMINAL':
      return 'LINE_HAUL';
    case 'OUT_FOR_DELIVERY':
    case 'DELIVERY_ATTEMPTED':
      return 'FINAL_MILE';
    case 'DELIVERED':
    case 'RETURNED_TO_SHIPPER':
    case 'CANCELLED':
      return 'TERMINAL';
    default:
      return assertNever(milestone, 'milestone');
  }
}

export function isTerminal(milestone: TrackingMilestone): boolean {
  return stageOf(milestone) === 'TERMINAL';
}

/** True when the shipment has left the shipper: picked up or anything after it but a cancel. */
export function showsMovement(milestone: TrackingMilestone): boolean {
  return STAGE_ORDER[stageOf(milestone)] >= STAGE_ORDER.PICKED_UP && milestone !== 'CANCELLED';
}

/** A milestone as of its scan: what it is and when the carrier says it happened. */
export interface PlacedMilestone {
  milestone: TrackingMilestone;
  /** Carrier event time, ISO-8601 UTC. */
  eventAt: string;
}

/**
 * Whether a newly placed scan's milestone becomes the current one. It does when it is the
 * first, when it is at a later stage (whatever its event time: a late-arriving OUT_FOR_DELIVERY
 * still beats IN_TRANSIT), or when it is at the same non-terminal stage with a later event time.
 * Everything else is history: a late IN_TRANSIT after DELIVERED, an older scan of the same stage,
 * any scan after a terminal milestone.
 */
export function becomesCurrent(current: PlacedMilestone | undefined, candidate: PlacedMilestone): boolean {
  if (!current) return true;
  const from = STAGE_ORDER[stageOf(current.milestone)];
  const to = STAGE_ORDER[stageOf(candidate.milestone)];
  if (from === STAGE_ORDER.TERMINAL) return false;
  if (to !== from) return to > from;
  return Date.parse(candidate.eventAt) > Date.parse(current.eventAt);
}

/**
 * The contract symbol for a milestone (`lading.orchestration.Milestone`). AT_TERMINAL is
 * published as ARRIVED_AT_HUB. Readers built before the contract had CANCELLED read it as
 * UNKNOWN (the reader default).
 */
export const CONTRACT_MILESTONE: Readonly<Record<TrackingMilestone, Milestone>> = {
  BOOKED: 'BOOKED',
  PICKED_UP: 'PICKED_UP',
  IN_TRANSIT: 'IN_TRANSIT',
  AT_TERMINAL: 'ARRIVED_AT_HUB',
  OUT_FOR_DELIVERY: 'OUT_FOR_DELIVERY',
  DELIVERY_ATTEMPTED: 'DELIVERY_ATTEMPTED',
  DELIVERED: 'DELIVERED',
  RETURNED_TO_SHIPPER: 'RETURNED_TO_SHIPPER',
  CANCELLED: 'CANCELLED',
};
