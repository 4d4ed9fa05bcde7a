import { BusinessCalendar, businessHoursOn } from './business-calendar';
import { addBusinessMillis, businessMillisBetween } from './business-time';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const NEW_YORK_OFFICE: BusinessCalendar = { timeZone: 'America/New_York', holidaysOf: { country: 'US' }, workingHours: { opensAt: '09:00', closesAt: '17:00' } };
const NEW_YORK_ALL_DAY: BusinessCalendar = { timeZone: 'America/New_York', workingDays: EVERY_DAY };
const NEW_YORK_SMALL_HOURS: BusinessCalendar = { timeZone: 'America/New_York', workingDays: EVERY_DAY, workingHours: { opensAt: '01:00', closesAt: '03:00' } };
const LONDON_DEPOT: BusinessCalendar = { timeZone: 'Europe/London', holidaysOf: { country: 'GB', region: 'ENG' }, workingHours: { opensAt: '08:00', closesAt: '18:00' } };
const LONDON_ALL_DAY: BusinessCalendar = { timeZone: 'Europe/London', workingDays: EVERY_DAY };
const SYDNEY_ALL_DAY: BusinessCalendar = { timeZone: 'Australia/Sydney', workingDays: EVERY_DAY, holidaysOf: { country: 'AU', region: 'NSW' } };
const SYDNEY_EVENINGS: BusinessCalendar = { timeZone: 'Australia/Sydney', workingDays: [1, 2, 3, 4, 5, 6], workingHours: { opensAt: '18:00', closesAt: '00:00' } };
const TOKYO_OFFICE: BusinessCalendar = { timeZone: 'Asia/Tokyo', holidaysOf: { country: 'JP' }, workingHours: { opensAt: '09:00', closesAt: '18:00' } };

describe('business time', () => {
  describe('given a New York office (09:00–17:00, Monday–Friday, US holidays)', () => {
    it('when measuring from Thursday 16:00 before the observed Independence Day to Monday 10:00 then 2 business hours passed', () => {
      expect(businessMillisBetween(NEW_YORK_OFFICE, at('2026-07-02T20:00:00Z'), at('2026-07-06T14:00:00Z'))).toBe(2 * HOUR);
    });

    it('when adding 1 hour at Thursday 16:30 then it ends at 09:30 on Monday', () => {
      expect(addBusinessMillis(NEW_YORK_OFFICE, at('2026-07-02T20:30:00Z'), HOUR)).toEqual(at('2026-07-06T13:30:00Z'));
    });

    it('when the time ends exactly at closing then the closing instant is the answer, not the next opening', () => {
      expect(addBusinessMillis(NEW_YORK_OFFICE, at('2026-07-02T20:00:00Z'), HOUR)).toEqual(at('2026-07-02T21:00:00Z'));
    });

    it('when adding 0 on a Saturday then the instant itself is the answer', () => {
      expect(addBusinessMillis(NEW_YORK_OFFICE, at('2026-07-04T15:00:00Z'), 0)).toEqual(at('2026-07-04T15:00:00Z'));
    });

    it('when both instants lie outside working hours then nothing counts, and a reversed interval is 0', () => {
      expect(businessMillisBetween(NEW_YORK_OFFICE, at('2026-07-03T14:00:00Z'), at('2026-07-05T22:00:00Z'))).toBe(0);
      expect(businessMillisBetween(NEW_YORK_OFFICE, at('2026-07-06T15:00:00Z'), at('2026-07-06T14:00:00Z'))).toBe(0);
    });

    it('when an hour of 2026 is counted year-round then 250 days of 8 hours are found', () => {
      expect(businessMillisBetween(NEW_YORK_OFFICE, at('2026-01-01T05:00:00Z'), at('2027-01-01T05:00:00Z'))).toBe(250 * 8 * HOUR);
    });
  });

  describe('given whole days counting in New York, every day of the week', () => {
    it('when the clocks spring forward (8 March 2026) then that day has 23 business hours', () => {
      expect(businessMillisBetween(NEW_YORK_ALL_DAY, at('2026-03-08T05:00:00Z'), at('2026-03-09T04:00:00Z'))).toBe(23 * HOUR);
      expect(businessHoursOn(NEW_YORK_ALL_DAY, '2026-03-08')).toEqual({ opensAt: at('2026-03-08T05:00:00Z'), closesAt: at('2026-03-09T04:00:00Z') });
    });

    it('when the clocks fall back (1 November 2026) then that day has 25 business hours', () => {
      expect(businessMillisBetween(NEW_YORK_ALL_DAY, at('2026-11-01T04:00:00Z'), at('2026-11-02T05:00:00Z'))).toBe(25 * HOUR);
    });

    it('when 24 business hours are added at midnight before spring-forward then they end at 01:00 EDT on 9 March', () => {
      expect(addBusinessMillis(NEW_YORK_ALL_DAY, at('2026-03-08T05:00:00Z'), 24 * HOUR)).toEqual(at('2026-03-09T05:00:00Z'));
    });
  });

  describe('given working hours 01:00–03:00 in New York, the hours the clocks change in', () => {
    it('when spring-forward skips 02:00–03:00 then only 1 hour is worked', () => {
      expect(businessHoursOn(NEW_YORK_SMALL_HOURS, '2026-03-08')).toEqual({ opensAt: at('2026-03-08T06:00:00Z'), closesAt: at('2026-03-08T07:00:00Z') });
    });

    it('when fall-back replays 01:00–02:00 then 3 hours are worked (01:00 EDT to 03:00 EST)', () => {
      expect(businessHoursOn(NEW_YORK_SMALL_HOURS, '2026-11-01')).toEqual({ opensAt: at('2026-11-01T05:00:00Z'), closesAt: at('2026-11-01T08:00:00Z') });
      expect(businessMillisBetween(NEW_YORK_SMALL_HOURS, at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z'))).toBe(3 * HOUR + 2 * HOUR);
    });
  });

  describe('given Europe/London and Australia/Sydney counting whole days', () => {
    it('when British Summer Time starts (29 March 2026) and ends (25 October 2026) then the days have 23 and 25 hours', () => {
      expect(businessMillisBetween(LONDON_ALL_DAY, at('2026-03-29T00:00:00Z'), at('2026-03-29T23:00:00Z'))).toBe(23 * HOUR);
      expect(businessMillisBetween(LONDON_ALL_DAY, at('2026-10-24T23:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(25 * HOUR);
    });

    it('when Sydney falls back (5 April 2026, Easter Sunday: a NSW holiday) then it counts nothing, and the 4 October spring day counts 23 hours', () => {
      expect(businessHoursOn(SYDNEY_ALL_DAY, '2026-04-05')).toBeUndefined();
      expect(businessMillisBetween(SYDNEY_ALL_DAY, at('2026-10-03T14:00:00Z'), at('2026-10-04T13:00:00Z'))).toBe(23 * HOUR);
    });

    it('when Sydney works evenings to midnight then a Saturday evening counts 6 hours', () => {
      expect(businessHoursOn(SYDNEY_EVENINGS, '2026-01-17')).toEqual({ opensAt: at('2026-01-17T07:00:00Z'), closesAt: at('2026-01-17T13:00:00Z') });
    });
  });

  describe('given a London depot (08:00–18:00, English bank holidays) and no scan for 8 business hours', () => {
    it('when the last scan is at 15:00 on Christmas Eve 2026 then the alarm is due at 13:00 on Tuesday 29 December', () => {
      expect(addBusinessMillis(LONDON_DEPOT, at('2026-12-24T15:00:00Z'), 8 * HOUR)).toEqual(at('2026-12-29T13:00:00Z'));
    });

    it('when the last scan is at 17:00 on Thursday 30 July 2026 (BST) then the alarm is due at 15:00 BST on Friday', () => {
      expect(addBusinessMillis(LONDON_DEPOT, at('2026-07-30T16:00:00Z'), 8 * HOUR)).toEqual(at('2026-07-31T14:00:00Z'));
    });
  });

  describe('given a Tokyo office (09:00–18:00 JST, Japanese holidays)', () => {
    it('when 11 business hours are added at 17:00 on the Thursday before Golden Week then they end on 7 May', () => {
      // 30 April 17:00 JST = 08:00Z: 1 hour left on Thursday, 9 on Friday 1 May, then closed until Thursday 7 May.
      expect(addBusinessMillis(TOKYO_OFFICE, at('2026-04-30T08:00:00Z'), 9 * HOUR)).toEqual(at('2026-05-01T08:00:00Z'));
      expect(addBusinessMillis(TOKYO_OFFICE, at('2026-04-30T08:00:00Z'), 10 * HOUR)).toEqual(at('2026-05-01T09:00:00Z'));
      expect(addBusinessMillis(TOKYO_OFFICE, at('2026-04-30T08:00:00Z'), 11 * HOUR)).toEqual(at('2026-05-07T01:00:00Z'));
    });
  });

  describe('given bad input', () => {
    it('when the amount is negative, fractional or the instant invalid then it refuses', () => {
      expect(() => addBusinessMillis(NEW_YORK_OFFICE, at('2026-07-02T20:00:00Z'), -1)).toThrow(RangeError);
      expect(() => addBusinessMillis(NEW_YORK_OFFICE, at('2026-07-02T20:00:00Z'), 0.5)).toThrow(RangeError);
      expect(() => businessMillisBetween(NEW_YORK_OFFICE, new Date(Number.NaN), at('2026-07-02T20:00:00Z'))).toThrow(RangeError);
    });

    it('when the calendar is invalid then it refuses, naming the field', () => {
      expect(() => addBusinessMillis({ timeZone: 'Nowhere/Town' }, at('2026-07-02T20:00:00Z'), HOUR)).toThrow(/timeZone/);
    });

    it('when no working day remains open for ten years then adding time stops with an error', () => {
      const closedDates = Array.from({ length: 600 }, (_, week) => new Date(Date.UTC(2026, 0, 4 + week * 7)).toISOString().slice(0, 10));
      expect(() => addBusinessMillis({ timeZone: 'UTC', workingDays: [7], closedDates }, at('2026-01-01T00:00:00Z'), HOUR)).toThrow(/no business time within/);
    });
  });

  describe('given random instants and amounts (seeded), when adding business time and measuring it back', () => {
    // mulberry32: a seeded generator, so a failure names a case that can be replayed.
    function random(seed: number): () => number {
      return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
      };
    }
    // Both 2026 and 2027 switches of New York, London and Sydney, and the years between.
    const hotSpots = ['2026-03-08', '2026-11-01', '2027-03-14', '2027-11-07', '2026-03-29', '2026-10-25', '2026-04-05', '2026-10-04', '2026-12-31'].map((date) => Date.parse(`${date}T00:00:00Z`));
    const calendars: Record<string, BusinessCalendar> = {
      'New York office': NEW_YORK_OFFICE,
      'New York every day': NEW_YORK_ALL_DAY,
      'New York 01:00–03:00': NEW_YORK_SMALL_HOURS,
      'London depot': LONDON_DEPOT,
      'Sydney every day': SYDNEY_ALL_DAY,
      'Sydney evenings': SYDNEY_EVENINGS,
      'Tokyo office': TOKYO_OFFICE,
    };

    it.each(Object.keys(calendars))('then %s gets back exactly the time it added (250 cases)', (name) => {
      const cal = calendars[name];
      const next = random(name.length * 7919);
      for (let run = 0; run < 250; run++) {
        const base = next() < 0.6 ? hotSpots[Math.floor(next() * hotSpots.length)] + (next() - 0.5) * 8 * 24 * HOUR : Date.parse('2026-01-01T00:00:00Z') + next() * 730 * 24 * HOUR;
        const from = new Date(Math.floor(base));
        const millis = next() < 0.2 ? Math.floor(next() * 4) * HOUR : Math.floor(next() * (next() < 0.75 ? 30 : 240) * HOUR);
        const until = addBusinessMillis(cal, from, millis);
        expect({ run, from: from.toISOString(), millis, measured: businessMillisBetween(cal, from, until) }).toEqual({ run, from: from.toISOString(), millis, measured: millis });
        expect(until.getTime()).toBeGreaterThanOrEqual(from.getTime());
      }
    });

    it.each(Object.keys(calendars))('then for %s the time measured between two instants, added back, never passes the later one', (name) => {
      const cal = calendars[name];
      const next = random(name.length * 104_729);
      for (let run = 0; run < 100; run++) {
        const from = Math.floor(hotSpots[Math.floor(next() * hotSpots.length)] + (next() - 0.5) * 8 * 24 * HOUR);
        const to = from + Math.floor(next() * 6 * 24 * HOUR);
        const measured = businessMillisBetween(cal, new Date(from), new Date(to));
        const back = addBusinessMillis(cal, new Date(from), measured).getTime();
        expect(back).toBeLessThanOrEqual(to);
        expect(businessMillisBetween(cal, new Date(back), new Date(to))).toBe(0);
      }
    });
  });
});
