import { calendars, cards, ltlCard, parcelCard, request, versionOf } from './freight-options.fixtures';
import { promiseDateFor, zoneFor } from './delivery-dates';
import { FreightOption, freightOptionsFor } from './freight-options';
import type { FreightCalendars, FreightRequest } from './freight-request';

/** [pickup, delivery] per option id, for a plan made at `now`. */
function datesAt(now: string, changes: Partial<FreightRequest> = {}, zones: FreightCalendars = calendars): Record<string, [string | undefined, string | undefined]> {
  const options: FreightOption[] = freightOptionsFor({ ...request, ...changes }, cards, zones, new Date(now));
  return Object.fromEntries(options.map((o) => [o.optionId, [o.pickupDate, o.estimatedDeliveryDate]]));
}

describe('pickup: before the carrier cut-off on a carrier business day, in the site zone', () => {
  it('collects today before the cut-off, the next business day at or after it', () => {
    expect(datesAt('2026-01-15T21:59:59Z')['parcelco-2026/GROUND'][0]).toBe('2026-01-15'); // 16:59:59 EST
    expect(datesAt('2026-01-15T22:00:00Z')['parcelco-2026/GROUND'][0]).toBe('2026-01-16'); // 17:00 EST: cut-off passed
    expect(datesAt('2026-01-15T19:00:00Z')['freightline-2026/LTL'][0]).toBe('2026-01-16'); // 14:00 EST: LTL cut-off passed
  });

  it('reads the cut-off on the wall clock when clocks spring forward (8 March 2026 in New York)', () => {
    // 21:30 UTC is 16:30 EST on Friday 6 March, but 17:30 EDT on Monday 9 March.
    expect(datesAt('2026-03-06T21:30:00Z')['parcelco-2026/GROUND'][0]).toBe('2026-03-06');
    expect(datesAt('2026-03-09T21:30:00Z')['parcelco-2026/GROUND'][0]).toBe('2026-03-10');
  });

  it('reads the cut-off on the wall clock when clocks fall back (1 November 2026 in New York)', () => {
    // 21:30 UTC is 17:30 EDT on Friday 30 October (missed: Monday), but 16:30 EST on Monday 2 November (made).
    expect(datesAt('2026-10-30T21:30:00Z')['parcelco-2026/GROUND'][0]).toBe('2026-11-02');
    expect(datesAt('2026-11-02T21:30:00Z')['parcelco-2026/GROUND'][0]).toBe('2026-11-02');
  });

  it('skips weekends and the carrier holidays, each carrier its own', () => {
    // Friday 16 January, 18:00 EST: PARCELCO keeps Martin Luther King Jr. Day, FREIGHTLINE works it.
    const friday = datesAt('2026-01-16T23:00:00Z');
    expect(friday['parcelco-2026/GROUND'][0]).toBe('2026-01-20');
    expect(friday['freightline-2026/LTL'][0]).toBe('2026-01-19');
    // Friday 3 July 2026 is the observed Independence Day (the 4th is a Saturday).
    const observed = datesAt('2026-07-03T14:00:00Z', { promisedDeliveryAt: '2026-07-10T22:00:00Z' });
    expect(observed['parcelco-2026/OVERNIGHT']).toEqual(['2026-07-06', '2026-07-07']);
    expect(observed['freightline-2026/LTL']).toEqual(['2026-07-03', '2026-07-09']);
  });
});

describe('delivery: transit business days of the carrier', () => {
  it('counts neither public holidays nor the carrier own closures', () => {
    // Wednesday 25 November: Thanksgiving (26th) is a holiday, PARCELCO closes the 27th too.
    const thanksgiving = { promisedDeliveryAt: '2026-12-04T22:00:00Z' };
    expect(datesAt('2026-11-25T14:00:00Z', thanksgiving)['parcelco-2026/GROUND']).toEqual(['2026-11-25', '2026-12-02']);
    const withoutClosure = { ...parcelCard, carrierCalendar: { holidaysOf: { country: 'US' } } };
    const [ground] = freightOptionsFor({ ...request, ...thanksgiving }, [versionOf(withoutClosure)], calendars, new Date('2026-11-25T14:00:00Z'));
    expect(ground.estimatedDeliveryDate).toBe('2026-12-01');
  });

  it('lands on a carrier business day, Friday + 1 is Monday', () => {
    expect(datesAt('2026-01-23T14:00:00Z')['parcelco-2026/OVERNIGHT']).toEqual(['2026-01-23', '2026-01-26']);
  });
});

describe('the promise is a date in the consignee zone', () => {
  it('reads the promised instant on the consignee wall clock', () => {
    // 03:00 UTC on the 21st is 21:00 on the 20th in Chicago.
    expect(promiseDateFor('2026-01-21T03:00:00Z', 'America/Chicago')).toBe('2026-01-20');
    expect(promiseDateFor('2026-01-21T03:00:00Z', 'Europe/London')).toBe('2026-01-21');
    // 05:30 UTC on 1 November 2026 is still CDT in Chicago (00:30), not 23:30 on 31 October.
    expect(promiseDateFor('2026-11-01T05:30:00Z', 'America/Chicago')).toBe('2026-11-01');
  });

  it('decides whether an option meets the promise', () => {
    const promise = { promisedDeliveryAt: '2026-01-21T03:00:00Z' };
    const meets = (zones: FreightCalendars) =>
      freightOptionsFor({ ...request, ...promise }, cards, zones, new Date('2026-01-15T15:00:00Z'))
        .filter((o) => o.meetsPromise)
        .map((o) => o.optionId);
    expect(meets(calendars)).toEqual(['parcelco-2026/2DAY', 'parcelco-2026/OVERNIGHT']);
    expect(meets({ ...calendars, consigneeTimeZone: 'Europe/London' })).toEqual(['freightline-2026/LTL', 'parcelco-2026/GROUND', 'parcelco-2026/2DAY', 'parcelco-2026/OVERNIGHT']);
  });
});

describe('zoneFor', () => {
  const ground = parcelCard.services[0];
  it('takes the longest matching postal prefix, else the whole country', () => {
    expect(zoneFor(ground, { countryCode: 'US', postalCode: '10118' })?.zoneId).toBe('US-NY-METRO');
    expect(zoneFor(ground, { countryCode: 'US', postalCode: '60601' })?.zoneId).toBe('US');
    expect(zoneFor(ground, { countryCode: 'CA', postalCode: '10118' })).toBeUndefined();
  });

  it('ignores case and spaces, and covers nothing for a code the zone does not list', () => {
    const london = { zones: [{ zoneId: 'LDN', countryCode: 'GB', postalPrefixes: ['SW1A', 'EC'] }, { zoneId: 'WESTMINSTER', countryCode: 'GB', postalPrefixes: ['sw1a 1'] }] };
    expect(zoneFor(london, { countryCode: 'GB', postalCode: 'SW1A 1AA' })?.zoneId).toBe('WESTMINSTER');
    expect(zoneFor(london, { countryCode: 'GB', postalCode: 'ec1a 1bb' })?.zoneId).toBe('LDN');
    expect(zoneFor(london, { countryCode: 'GB', postalCode: 'M1 1AE' })).toBeUndefined();
    expect(zoneFor(london, { countryCode: 'GB' })).toBeUndefined();
    expect(zoneFor(ltlCard.services[0], { countryCode: 'US' })?.zoneId).toBe('US');
  });
});
