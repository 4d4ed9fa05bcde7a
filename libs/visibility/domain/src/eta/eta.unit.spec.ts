import { initialState, type ShipmentTrackingState } from '../tracking/shipment-tracking';
import { carrierCalendar as cal, plan } from '../tracking/shipment-tracking.fixtures';
import { endOfBusiness, estimateDelivery, etaWorthPublishing, planDeliveryDate } from './eta';

const state = (overrides: Partial<ShipmentTrackingState> = {}): ShipmentTrackingState => ({ ...initialState(), ...overrides });
const THURSDAY = new Date('2026-01-15T21:00:00.000Z');
const current = (milestone: NonNullable<ShipmentTrackingState['current']>['milestone'], eventAt: string) => ({ current: { milestone, eventAt, scanId: 's' } });

describe('ETA', () => {
  describe('planDeliveryDate (carrier calendar: weekdays, US holidays)', () => {
    it('given only the planned pickup (Thursday), then two business days skip the weekend and Martin Luther King Jr. Day', () => {
      expect(planDeliveryDate(state(), plan, cal, THURSDAY)).toBe('2026-01-20');
    });

    it('given the first movement a day after the planned pickup, then transit counts from the real departure', () => {
      expect(planDeliveryDate(state({ firstMovementAt: '2026-01-16T15:00:00.000Z' }), plan, cal, THURSDAY)).toBe('2026-01-21');
    });

    it('given out for delivery, then it is that day; given a failed attempt on Friday, then the next business day (Tuesday)', () => {
      expect(planDeliveryDate(state(current('OUT_FOR_DELIVERY', '2026-01-16T13:30:00.000Z')), plan, cal, THURSDAY)).toBe('2026-01-16');
      expect(planDeliveryDate(state(current('DELIVERY_ATTEMPTED', '2026-01-16T19:00:00.000Z')), plan, cal, THURSDAY)).toBe('2026-01-20');
    });

    it('given the planned day is over and nothing delivered, then it rolls to today while business is open, else the next business day', () => {
      expect(planDeliveryDate(state(), plan, cal, new Date('2026-01-21T15:00:00.000Z'))).toBe('2026-01-21');
      expect(planDeliveryDate(state(), plan, cal, new Date('2026-01-21T23:30:00.000Z'))).toBe('2026-01-22');
    });

    it('given neither a pickup nor a movement, then transit counts from now', () => {
      const { plannedPickupAt: _none, ...noPickup } = plan;
      expect(planDeliveryDate(state(), noPickup, cal, new Date('2026-01-22T15:00:00.000Z'))).toBe('2026-01-26');
    });
  });

  it('endOfBusiness is the closing time, or the midnight ending the day without working hours (DST-aware)', () => {
    expect(endOfBusiness(cal, '2026-01-20').toISOString()).toBe('2026-01-20T23:00:00.000Z');
    expect(endOfBusiness({ timeZone: 'America/New_York' }, '2026-03-07').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(endOfBusiness({ timeZone: 'America/New_York' }, '2026-03-08').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  describe('estimateDelivery', () => {
    it('given a carrier estimate still ahead, then it wins over the plan', () => {
      const withEstimate = state({ carrierEstimate: { at: '2026-01-19T20:00:00.000Z', reportedAt: '2026-01-16T10:00:00.000Z' } });
      expect(estimateDelivery(withEstimate, plan, cal, THURSDAY)).toEqual({ at: '2026-01-19T20:00:00.000Z', basis: 'CARRIER', late: false });
    });

    it('given a carrier estimate that has passed, then the plan takes over; without a plan there is no estimate', () => {
      const stale = state({ carrierEstimate: { at: '2026-01-15T20:00:00.000Z', reportedAt: '2026-01-14T10:00:00.000Z' } });
      expect(estimateDelivery(stale, plan, cal, THURSDAY)).toEqual({ at: '2026-01-20T23:00:00.000Z', basis: 'PLAN', late: false });
      expect(estimateDelivery(stale, undefined, cal, THURSDAY)).toBeUndefined();
    });

    it('given a terminal milestone, then there is no estimate', () => {
      expect(estimateDelivery(state(current('DELIVERED', '2026-01-16T15:00:00.000Z')), plan, cal, THURSDAY)).toBeUndefined();
      expect(estimateDelivery(state(current('CANCELLED', '2026-01-16T15:00:00.000Z')), plan, cal, THURSDAY)).toBeUndefined();
    });

    it('late: a carrier instant one minute after the promise is late; a plan day on the promised day is not, whatever the hour', () => {
      const minuteLate = state({ carrierEstimate: { at: '2026-01-20T23:01:00.000Z', reportedAt: '2026-01-16T10:00:00.000Z' } });
      expect(estimateDelivery(minuteLate, plan, cal, THURSDAY)?.late).toBe(true);
      const noonPromise = { ...plan, promisedDeliveryAt: '2026-01-20T17:00:00.000Z' };
      expect(estimateDelivery(state(), noonPromise, cal, THURSDAY)).toEqual({ at: '2026-01-20T23:00:00.000Z', basis: 'PLAN', late: false });
      expect(estimateDelivery(state({ firstMovementAt: '2026-01-16T15:00:00.000Z' }), noonPromise, cal, THURSDAY)?.late).toBe(true);
    });
  });

  describe('etaWorthPublishing (threshold 120 minutes)', () => {
    const last = { at: '2026-01-20T23:00:00.000Z', late: false };

    it('publishes the first estimate, and moves of more than the threshold either way', () => {
      expect(etaWorthPublishing(undefined, { at: '2026-01-20T23:00:00.000Z', basis: 'PLAN', late: false }, 120)).toBe(true);
      expect(etaWorthPublishing(last, { at: '2026-01-21T01:01:00.000Z', basis: 'CARRIER', late: false }, 120)).toBe(true);
      expect(etaWorthPublishing(last, { at: '2026-01-20T20:59:00.000Z', basis: 'CARRIER', late: false }, 120)).toBe(true);
    });

    it('does not publish a move of exactly the threshold or less', () => {
      expect(etaWorthPublishing(last, { at: '2026-01-21T01:00:00.000Z', basis: 'CARRIER', late: false }, 120)).toBe(false);
      expect(etaWorthPublishing(last, { at: '2026-01-20T22:00:00.000Z', basis: 'CARRIER', late: false }, 120)).toBe(false);
    });

    it('publishes a small move that flips the late verdict', () => {
      expect(etaWorthPublishing(last, { at: '2026-01-20T23:30:00.000Z', basis: 'CARRIER', late: true }, 120)).toBe(true);
    });
  });
});
