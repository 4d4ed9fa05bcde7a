import {
  addBusinessDays,
  assertBusinessCalendar,
  businessDayOnOrAfter,
  businessDaysBetween,
  BusinessCalendar,
  estimatedDeliveryDate,
  isBusinessDay,
  nextBusinessDay,
  pickupDate,
  validateBusinessCalendar,
} from './business-calendar';
import { addDays, dayOfWeek } from './site-calendar';

const at = (iso: string) => new Date(iso);
const NEW_YORK_US: BusinessCalendar = { timeZone: 'America/New_York', holidaysOf: { country: 'US' } };
const LONDON_ENG: BusinessCalendar = { timeZone: 'Europe/London', holidaysOf: { country: 'GB', region: 'ENG' } };
const MUNICH_BY: BusinessCalendar = { timeZone: 'Europe/Berlin', holidaysOf: { country: 'DE', region: 'BY' } };
const BERLIN_BE: BusinessCalendar = { timeZone: 'Europe/Berlin', holidaysOf: { country: 'DE', region: 'BE' } };
const TOKYO_JP: BusinessCalendar = { timeZone: 'Asia/Tokyo', holidaysOf: { country: 'JP' } };
const SYDNEY_NSW: BusinessCalendar = { timeZone: 'Australia/Sydney', holidaysOf: { country: 'AU', region: 'NSW' } };

describe('business calendar: days', () => {
  describe('given a Monday–Friday site in New York closed on US public holidays', () => {
    it('when Independence Day 2026 falls on a Saturday then the observed Friday is closed and Monday is open', () => {
      expect(isBusinessDay(NEW_YORK_US, '2026-07-02')).toBe(true);
      expect(isBusinessDay(NEW_YORK_US, '2026-07-03')).toBe(false);
      expect(isBusinessDay(NEW_YORK_US, '2026-07-04')).toBe(false);
      expect(isBusinessDay(NEW_YORK_US, '2026-07-06')).toBe(true);
      expect(nextBusinessDay(NEW_YORK_US, '2026-07-02')).toBe('2026-07-06');
    });

    it('when the year ends on a Thursday before New Year’s Day then the next business day is the Monday of the new year', () => {
      expect(nextBusinessDay(NEW_YORK_US, '2026-12-31')).toBe('2027-01-04');
    });

    it('when New Year 2022 is observed on Friday 31 December 2021 then the old year’s last business day is the 30th', () => {
      expect(isBusinessDay(NEW_YORK_US, '2021-12-31')).toBe(false);
      expect(nextBusinessDay(NEW_YORK_US, '2021-12-30')).toBe('2022-01-03');
    });

    it('when counting business days over February then a leap year has one more (2028 vs 2027)', () => {
      expect(businessDaysBetween(NEW_YORK_US, '2028-02-01', '2028-03-01')).toBe(20);
      expect(businessDaysBetween(NEW_YORK_US, '2027-02-01', '2027-03-01')).toBe(19);
      expect(nextBusinessDay(NEW_YORK_US, '2028-02-28')).toBe('2028-02-29');
    });

    it('when counting then the interval is (from, to]: from excluded, to included, empty when reversed', () => {
      expect(businessDaysBetween(NEW_YORK_US, '2026-07-02', '2026-07-06')).toBe(1);
      expect(businessDaysBetween(NEW_YORK_US, '2026-07-01', '2026-07-02')).toBe(1);
      expect(businessDaysBetween(NEW_YORK_US, '2026-07-02', '2026-07-02')).toBe(0);
      expect(businessDaysBetween(NEW_YORK_US, '2026-07-06', '2026-07-02')).toBe(0);
      expect(businessDaysBetween(NEW_YORK_US, '2025-12-31', '2026-12-31')).toBe(261 - 11); // 261 weekdays, 11 of them holidays (4 July is a Saturday)
    });

    it('when adding business days then counting starts on the first business day on or after the date', () => {
      expect(addBusinessDays(NEW_YORK_US, '2026-07-02', 0)).toBe('2026-07-02');
      expect(addBusinessDays(NEW_YORK_US, '2026-07-02', 1)).toBe('2026-07-06');
      expect(addBusinessDays(NEW_YORK_US, '2026-07-04', 0)).toBe('2026-07-06'); // 0 added to a Saturday: Monday
      expect(addBusinessDays(NEW_YORK_US, '2026-07-04', 1)).toBe('2026-07-07');
      expect(addBusinessDays(NEW_YORK_US, '2026-12-30', 2)).toBe('2027-01-04');
      expect(businessDayOnOrAfter(NEW_YORK_US, '2026-07-03')).toBe('2026-07-06');
      expect(businessDayOnOrAfter(NEW_YORK_US, '2026-07-06')).toBe('2026-07-06');
    });

    it('when adding n business days to a business day then n business days lie between (property, 300 cases)', () => {
      let date = '2026-01-02';
      for (let n = 0; n < 300; n++) {
        date = addDays(date, 3);
        if (!isBusinessDay(NEW_YORK_US, date)) continue;
        const later = addBusinessDays(NEW_YORK_US, date, n % 40);
        expect(businessDaysBetween(NEW_YORK_US, date, later)).toBe(n % 40);
      }
    });

    it('when asked to add a negative or fractional number of days then it refuses', () => {
      expect(() => addBusinessDays(NEW_YORK_US, '2026-07-02', -1)).toThrow(RangeError);
      expect(() => addBusinessDays(NEW_YORK_US, '2026-07-02', 1.5)).toThrow(RangeError);
      expect(() => isBusinessDay(NEW_YORK_US, '2026-02-30')).toThrow(RangeError);
    });
  });

  describe('given other working days and closures', () => {
    it('when a Monday–Saturday site meets 4 July on a Saturday then both the observed Friday and the day itself are closed', () => {
      const sixDays = { ...NEW_YORK_US, workingDays: [1, 2, 3, 4, 5, 6] };
      expect(nextBusinessDay(sixDays, '2026-07-02')).toBe('2026-07-06');
      expect(nextBusinessDay(sixDays, '2026-07-10')).toBe('2026-07-11');
    });

    it('when the site closes the day after Thanksgiving then the closure adds to the holidays', () => {
      const withStocktake = { ...NEW_YORK_US, closedDates: ['2026-11-27'] };
      expect(nextBusinessDay(withStocktake, '2026-11-25')).toBe('2026-11-30');
      expect(nextBusinessDay(NEW_YORK_US, '2026-11-25')).toBe('2026-11-27');
    });

    it('when a Sunday-to-Thursday week is worked then Friday and Saturday are the weekend', () => {
      const sundayToThursday: BusinessCalendar = { timeZone: 'Asia/Dubai', workingDays: [7, 1, 2, 3, 4] };
      expect(nextBusinessDay(sundayToThursday, '2026-01-15')).toBe('2026-01-18');
      expect(dayOfWeek('2026-01-18')).toBe(7);
    });

    it('when England closes for Easter 2026 then Thursday is followed by Tuesday', () => {
      expect(nextBusinessDay(LONDON_ENG, '2026-04-02')).toBe('2026-04-07');
    });

    it('when Boxing Day 2026 falls on a Saturday then England stays closed until Tuesday 29 December', () => {
      expect(nextBusinessDay(LONDON_ENG, '2026-12-24')).toBe('2026-12-29');
    });

    it('when Corpus Christi comes (4 June 2026) then Bavaria is closed and Berlin works', () => {
      expect(isBusinessDay(MUNICH_BY, '2026-06-04')).toBe(false);
      expect(isBusinessDay(BERLIN_BE, '2026-06-04')).toBe(true);
      expect(addBusinessDays(MUNICH_BY, '2026-06-03', 1)).toBe('2026-06-05');
    });

    it('when Golden Week 2026 passes in Japan then work resumes on 7 May', () => {
      expect(nextBusinessDay(TOKYO_JP, '2026-05-01')).toBe('2026-05-07');
      expect(addBusinessDays(TOKYO_JP, '2026-04-28', 3)).toBe('2026-05-07');
    });

    it('when Anzac Day 2026 falls on a Saturday then New South Wales is closed on Monday 27 April', () => {
      expect(nextBusinessDay(SYDNEY_NSW, '2026-04-24')).toBe('2026-04-28');
    });
  });

  describe('given an invalid calendar', () => {
    it('when validated then every problem names its field', () => {
      const problems = validateBusinessCalendar({
        timeZone: 'Mars/Olympus_Mons',
        workingDays: [1, 8, 1],
        workingHours: { opensAt: '17:00', closesAt: '09:00' },
        holidaysOf: { country: 'XX' },
        closedDates: ['2026-02-30'],
      });
      expect(problems).toEqual([
        'timeZone: not a known IANA time zone: Mars/Olympus_Mons',
        'workingDays[1]: not an ISO weekday (1 = Monday … 7 = Sunday): 8',
        'workingDays[2]: 1 is listed twice',
        'workingHours.closesAt: 09:00 is not after opensAt 17:00 (use 00:00 for midnight)',
        'holidaysOf.country: no public holiday data for XX',
        'closedDates[0]: not a date (YYYY-MM-DD): 2026-02-30',
      ]);
    });

    it('when no day is worked at all then it is refused, and every function throws instead of searching forever', () => {
      const neverOpen: BusinessCalendar = { timeZone: 'UTC', workingDays: [] };
      expect(validateBusinessCalendar(neverOpen)).toEqual(['workingDays: no working day at all']);
      expect(() => nextBusinessDay(neverOpen, '2026-01-01')).toThrow(/no working day at all/);
      expect(() => assertBusinessCalendar(neverOpen)).toThrow(RangeError);
    });

    it('when every working day is closed for more than ten years then the search stops with an error', () => {
      const closedDates = Array.from({ length: 600 }, (_, week) => addDays('2026-01-04', week * 7)); // Sundays
      const sundaysOnly: BusinessCalendar = { timeZone: 'UTC', workingDays: [7], closedDates };
      expect(() => nextBusinessDay(sundaysOnly, '2026-01-01')).toThrow(/no business day within 3660 days/);
    });

    it('when working hours end at 00:00 then they run to midnight and are valid', () => {
      expect(validateBusinessCalendar({ timeZone: 'UTC', workingHours: { opensAt: '18:00', closesAt: '00:00' } })).toEqual([]);
      expect(validateBusinessCalendar({ timeZone: 'UTC', workingHours: { opensAt: '9:00', closesAt: '17:00' } })).toEqual([
        'workingHours.opensAt: not a local time (HH:mm): 9:00',
      ]);
    });
  });
});

describe('business calendar: pickup and delivery', () => {
  describe('given a New York site whose carrier cuts off at 16:00', () => {
    it('when it is 15:59 on a business day then the carrier picks up today', () => {
      expect(pickupDate(NEW_YORK_US, at('2026-07-02T19:59:00Z'), '16:00')).toBe('2026-07-02');
    });

    it('when it is 16:00 then pickup moves past the observed Independence Day and the weekend to Monday', () => {
      expect(pickupDate(NEW_YORK_US, at('2026-07-02T20:00:00Z'), '16:00')).toBe('2026-07-06');
    });

    it('when it is a Saturday morning then pickup is Monday', () => {
      expect(pickupDate(NEW_YORK_US, at('2026-07-11T14:00:00Z'), '16:00')).toBe('2026-07-13');
    });

    it('when the year’s last afternoon is past cut-off then pickup skips New Year’s Day to Monday 4 January', () => {
      expect(pickupDate(NEW_YORK_US, at('2026-12-31T21:00:00Z'), '16:00')).toBe('2027-01-04');
    });

    it('when the cut-off is not HH:mm then it refuses', () => {
      expect(() => pickupDate(NEW_YORK_US, at('2026-07-02T12:00:00Z'), '4pm')).toThrow(RangeError);
    });
  });

  describe('given a seven-day New York site with a 02:30 cut-off on the spring-forward night (8 March 2026)', () => {
    const everyDay = { timeZone: 'America/New_York', workingDays: [1, 2, 3, 4, 5, 6, 7] };

    it('when it is 01:59 EST then pickup is today, and at the jump to 03:00 EDT (02:30 never shows) it is tomorrow', () => {
      expect(pickupDate(everyDay, at('2026-03-08T06:59:00Z'), '02:30')).toBe('2026-03-08');
      expect(pickupDate(everyDay, at('2026-03-08T07:00:00Z'), '02:30')).toBe('2026-03-09');
    });
  });

  describe('given a Sydney site (its date is a day ahead of UTC in the morning)', () => {
    it('when it is 09:00 on Friday 16 January in Sydney (22:00Z on the 15th) then pickup is the 16th', () => {
      expect(pickupDate(SYDNEY_NSW, at('2026-01-15T22:00:00Z'), '15:00')).toBe('2026-01-16');
    });

    it('when it is 15:00 on Friday 23 January then pickup skips the weekend and Australia Day (Monday 26th)', () => {
      expect(pickupDate(SYDNEY_NSW, at('2026-01-23T04:00:00Z'), '15:00')).toBe('2026-01-27');
    });
  });

  describe('given a pickup and a transit time in business days', () => {
    it('when shipping inside New York then transit skips the observed holiday and the weekend', () => {
      expect(estimatedDeliveryDate(NEW_YORK_US, '2026-07-02', 2)).toBe('2026-07-07');
      expect(estimatedDeliveryDate(NEW_YORK_US, '2026-07-02', 0)).toBe('2026-07-02');
    });

    it('when shipping from New York to England then transit counts US days and delivery lands on an English business day', () => {
      expect(estimatedDeliveryDate(NEW_YORK_US, '2026-12-23', 1, LONDON_ENG)).toBe('2026-12-24');
      // US transit ends Monday 28th, an English bank holiday (Boxing Day substitute): delivered on the 29th.
      expect(estimatedDeliveryDate(NEW_YORK_US, '2026-12-23', 2, LONDON_ENG)).toBe('2026-12-29');
    });
  });
});
