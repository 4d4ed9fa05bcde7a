import { ExceptionTypeSymbols } from '@lading/contracts';
import { TRACKING_MILESTONES } from '../code-sets/milestones';
import type { NotificationSettings } from '../tracking/tracking-context';
import { notificationAllowed, notificationIdFor, notificationKindForException, notificationKindForMilestone, type NotificationLog } from './notifications';

const settings: NotificationSettings = { kinds: ['ORDER_SHIPPED', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELAYED'], templateId: 't', brandId: 'b', minMinutesBetweenSameKind: 30 };
const NOW = new Date('2026-01-16T12:00:00.000Z');

describe('customer notifications', () => {
  it('given a kind the tenant did not opt into, then it is never allowed', () => {
    expect(notificationAllowed({}, settings, 'DELIVERY_PROBLEM', NOW)).toBe(false);
  });

  it('given a milestone kind already sent, then never again, however long ago', () => {
    const log: NotificationLog = { OUT_FOR_DELIVERY: { count: 1, lastAt: '2026-01-10T08:00:00.000Z' } };
    expect(notificationAllowed(log, settings, 'OUT_FOR_DELIVERY', NOW)).toBe(false);
    expect(notificationAllowed(log, settings, 'DELIVERED', NOW)).toBe(true);
  });

  it('given an exception kind sent recently, then it waits the throttle window out', () => {
    const log: NotificationLog = { DELAYED: { count: 1, lastAt: '2026-01-16T11:31:00.000Z' } };
    expect(notificationAllowed(log, settings, 'DELAYED', NOW)).toBe(false);
    expect(notificationAllowed(log, settings, 'DELAYED', new Date('2026-01-16T12:01:00.000Z'))).toBe(true);
  });

  it('maps milestones: the first movement is ORDER_SHIPPED; attempts, returns and cancels speak through exceptions or not at all', () => {
    expect(TRACKING_MILESTONES.map((m) => [m, notificationKindForMilestone(m)])).toEqual([
      ['BOOKED', null],
      ['PICKED_UP', 'ORDER_SHIPPED'],
      ['IN_TRANSIT', 'ORDER_SHIPPED'],
      ['AT_TERMINAL', 'ORDER_SHIPPED'],
      ['OUT_FOR_DELIVERY', 'OUT_FOR_DELIVERY'],
      ['DELIVERY_ATTEMPTED', null],
      ['DELIVERED', 'DELIVERED'],
      ['RETURNED_TO_SHIPPER', null],
      ['CANCELLED', null],
    ]);
  });

  it('maps every exception type: delays to DELAYED, doorstep problems to DELIVERY_PROBLEM, the rest stays with the service desk', () => {
    const byKind = (kind: string | null) => ExceptionTypeSymbols.filter((type) => notificationKindForException(type) === kind);
    expect(byKind('DELAYED')).toEqual(['LATE_DELIVERY', 'MISSED_PICKUP', 'WEATHER_OR_DISASTER', 'CARRIER_DELAY', 'CUSTOMS_OR_DOCUMENTATION', 'WAREHOUSE_DELAY']);
    expect(byKind('DELIVERY_PROBLEM')).toEqual(['DELIVERY_ATTEMPT_FAILED', 'ADDRESS_PROBLEM', 'CONSIGNEE_UNAVAILABLE', 'REFUSED_BY_CONSIGNEE', 'RETURNED_TO_SHIPPER']);
    expect(byKind(null)).toEqual(['UNKNOWN', 'DAMAGED', 'LOST', 'SHORT_SHIPMENT', 'HELD_BY_SHIPPER', 'PAYMENT_HOLD', 'TRACKING_SILENCE', 'BOOKING_FAILED', 'PROMISE_AT_RISK', 'NO_CARRIER']);
  });

  it('notification ids are stable per shipment, kind and count', () => {
    expect(notificationIdFor('SHP-1', 'OUT_FOR_DELIVERY', 1)).toBe('SHP-1:out_for_delivery:1');
  });
});
