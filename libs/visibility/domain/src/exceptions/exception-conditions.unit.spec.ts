import { ExceptionTypeSymbols } from '@lading/contracts';
import { DEFAULT_VISIBILITY_SETTINGS, validateVisibilitySettings } from '../tracking/tracking-context';
import { autoResolutionOf, carrierCondition, carrierTypeOf, exceptionIdFor } from './exception-conditions';

describe('exception conditions', () => {
  it('exception ids are deterministic per shipment, condition and episode', () => {
    expect(exceptionIdFor('SHP-1', 'TRACKING_SILENCE', 2)).toBe('SHP-1:silence:2');
    expect(exceptionIdFor('SHP-1', 'ETA_AFTER_PROMISE', 1)).toBe('SHP-1:eta-after-promise:1');
    expect(exceptionIdFor('SHP-1', 'PROMISE_MISSED', 1)).toBe('SHP-1:promise-missed:1');
    expect(exceptionIdFor('SHP-1', carrierCondition('DELIVERY_ATTEMPT_FAILED'), 3)).toBe('SHP-1:carrier-delivery-attempt-failed:3');
    expect(carrierTypeOf(carrierCondition('LOST'))).toBe('LOST');
  });

  it('every exception type has an auto-resolution rule; the service desk keeps what needs a person', () => {
    const byRule = (rule: string) => ExceptionTypeSymbols.filter((type) => autoResolutionOf(type) === rule);
    expect(byRule('SERVICE_DESK')).toEqual(['UNKNOWN', 'ADDRESS_PROBLEM', 'REFUSED_BY_CONSIGNEE', 'DAMAGED', 'LOST', 'SHORT_SHIPMENT', 'PAYMENT_HOLD', 'BOOKING_FAILED', 'RETURNED_TO_SHIPPER', 'PROMISE_AT_RISK', 'NO_CARRIER']);
    expect(byRule('ON_DELIVERY')).toEqual(['LATE_DELIVERY', 'CONSIGNEE_UNAVAILABLE', 'WEATHER_OR_DISASTER', 'CARRIER_DELAY', 'CUSTOMS_OR_DOCUMENTATION', 'HELD_BY_SHIPPER', 'WAREHOUSE_DELAY']);
    expect(byRule('ON_PICKUP')).toEqual(['MISSED_PICKUP']);
    expect(byRule('ON_NEXT_DELIVERY_RUN')).toEqual(['DELIVERY_ATTEMPT_FAILED']);
    expect(byRule('ON_SCAN')).toEqual(['TRACKING_SILENCE']);
  });

  it('settings: the defaults are valid; problems name the field', () => {
    expect(validateVisibilitySettings(DEFAULT_VISIBILITY_SETTINGS)).toEqual([]);
    expect(
      validateVisibilitySettings({ etaChangeThresholdMinutes: -1, silenceBusinessHours: 0, notifications: { kinds: [], templateId: ' ', brandId: 'b', minMinutesBetweenSameKind: 1.5 } }),
    ).toEqual([
      'etaChangeThresholdMinutes: a whole number ≥ 0, got -1',
      'silenceBusinessHours: a whole number ≥ 1, got 0',
      'notifications.minMinutesBetweenSameKind: a whole number ≥ 0, got 1.5',
      'notifications.templateId: required',
    ]);
  });
});
