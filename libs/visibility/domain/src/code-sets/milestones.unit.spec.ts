import { becomesCurrent, CONTRACT_MILESTONE, stageOf, TRACKING_MILESTONES, type PlacedMilestone, type TrackingMilestone } from './milestones';

const at = (milestone: TrackingMilestone, eventAt: string): PlacedMilestone => ({ milestone, eventAt });

describe('milestone order', () => {
  it('given no current milestone, then the first placed scan becomes current', () => {
    expect(becomesCurrent(undefined, at('IN_TRANSIT', '2026-01-15T10:00:00Z'))).toBe(true);
  });

  it('given a later stage, then it becomes current even with an earlier event time', () => {
    expect(becomesCurrent(at('IN_TRANSIT', '2026-01-16T10:00:00Z'), at('OUT_FOR_DELIVERY', '2026-01-16T09:00:00Z'))).toBe(true);
  });

  it('given an earlier stage, then it is history however late its event time', () => {
    expect(becomesCurrent(at('OUT_FOR_DELIVERY', '2026-01-16T09:00:00Z'), at('IN_TRANSIT', '2026-01-16T12:00:00Z'))).toBe(false);
    expect(becomesCurrent(at('PICKED_UP', '2026-01-15T09:00:00Z'), at('BOOKED', '2026-01-15T12:00:00Z'))).toBe(false);
  });

  it('given the same stage, then only a later event time moves it: terminals and line haul alternate', () => {
    expect(becomesCurrent(at('IN_TRANSIT', '2026-01-15T10:00:00Z'), at('AT_TERMINAL', '2026-01-15T11:00:00Z'))).toBe(true);
    expect(becomesCurrent(at('AT_TERMINAL', '2026-01-15T11:00:00Z'), at('IN_TRANSIT', '2026-01-15T10:00:00Z'))).toBe(false);
  });

  it('given a failed attempt, then going out for delivery again later is progress', () => {
    expect(becomesCurrent(at('DELIVERY_ATTEMPTED', '2026-01-16T15:00:00Z'), at('OUT_FOR_DELIVERY', '2026-01-19T08:00:00Z'))).toBe(true);
    expect(becomesCurrent(at('DELIVERY_ATTEMPTED', '2026-01-16T15:00:00Z'), at('OUT_FOR_DELIVERY', '2026-01-16T08:00:00Z'))).toBe(false);
  });

  it('given a terminal milestone, then nothing replaces it, not even a later terminal one', () => {
    expect(becomesCurrent(at('DELIVERED', '2026-01-16T15:00:00Z'), at('IN_TRANSIT', '2026-01-17T08:00:00Z'))).toBe(false);
    expect(becomesCurrent(at('RETURNED_TO_SHIPPER', '2026-01-16T15:00:00Z'), at('DELIVERED', '2026-01-18T08:00:00Z'))).toBe(false);
    expect(becomesCurrent(at('CANCELLED', '2026-01-16T15:00:00Z'), at('DELIVERED', '2026-01-18T08:00:00Z'))).toBe(false);
  });

  it('every milestone has a stage and a contract symbol; AT_TERMINAL is the contract ARRIVED_AT_HUB', () => {
    for (const milestone of TRACKING_MILESTONES) expect(stageOf(milestone)).toBeDefined();
    expect(CONTRACT_MILESTONE.AT_TERMINAL).toBe('ARRIVED_AT_HUB');
    expect(CONTRACT_MILESTONE.CANCELLED).toBe('CANCELLED');
    expect(CONTRACT_MILESTONE.DELIVERED).toBe('DELIVERED');
  });
});
