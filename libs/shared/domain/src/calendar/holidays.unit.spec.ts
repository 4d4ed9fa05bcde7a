import { isPublicHoliday, publicHolidays, validateHolidayArea } from './holidays';

describe('public holidays', () => {
  describe('given the United States (federal holidays)', () => {
    const US = { country: 'US' };

    it('when Independence Day 2026 falls on a Saturday then the Friday before is observed too', () => {
      const holidays = publicHolidays(US, 2026);
      expect(holidays).toContain('2026-07-03');
      expect(holidays).toContain('2026-07-04');
    });

    it('when Independence Day 2027 falls on a Sunday then the Monday after is observed', () => {
      expect(isPublicHoliday(US, '2027-07-05')).toBe(true);
      expect(isPublicHoliday(US, '2027-07-02')).toBe(false);
    });

    it('when listing 2026 then every federal holiday is there, ascending, each date once', () => {
      expect(publicHolidays(US, 2026)).toEqual([
        '2026-01-01', // New Year's Day
        '2026-01-19', // Martin Luther King Jr. Day
        '2026-02-16', // Washington's Birthday
        '2026-05-25', // Memorial Day
        '2026-06-19', // Juneteenth
        '2026-07-03', // Independence Day (observed)
        '2026-07-04',
        '2026-09-07', // Labor Day
        '2026-10-12', // Columbus Day
        '2026-11-11', // Veterans Day
        '2026-11-26', // Thanksgiving
        '2026-12-25', // Christmas Day
      ]);
    });

    it('when New Year 2022 falls on a Saturday then its observed Friday belongs to 2021 (year boundary)', () => {
      expect(publicHolidays(US, 2021)).toContain('2021-12-31');
      expect(publicHolidays(US, 2022)[0]).toBe('2022-01-01');
      expect(publicHolidays(US, 2022).every((date) => date.startsWith('2022-'))).toBe(true);
    });

    it('when a state is given then its own public holidays are added (New York: Lincoln’s Birthday)', () => {
      expect(isPublicHoliday({ country: 'US', region: 'NY' }, '2026-02-12')).toBe(true);
      expect(isPublicHoliday(US, '2026-02-12')).toBe(false);
    });
  });

  describe('given Great Britain', () => {
    it('when no nation is given then only the holidays all four nations share are listed', () => {
      expect(publicHolidays({ country: 'GB' }, 2026)).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-12-25', '2026-12-26', '2026-12-28']);
    });

    it('when England is given then the late August bank holiday is listed and Boxing Day 2026 (Saturday) moves to Monday 28th', () => {
      expect(publicHolidays({ country: 'GB', region: 'ENG' }, 2026)).toEqual([
        '2026-01-01',
        '2026-04-03', // Good Friday
        '2026-04-06', // Easter Monday
        '2026-05-04',
        '2026-05-25',
        '2026-08-31', // Summer bank holiday, last Monday in August
        '2026-12-25',
        '2026-12-26',
        '2026-12-28', // Boxing Day substitute
      ]);
    });

    it('when Scotland is given then 2 January and the first Monday of August count instead, and Easter Monday does not', () => {
      const scotland = { country: 'GB', region: 'SCT' };
      expect(isPublicHoliday(scotland, '2026-01-02')).toBe(true);
      expect(isPublicHoliday(scotland, '2026-08-03')).toBe(true);
      expect(isPublicHoliday(scotland, '2026-08-31')).toBe(false);
      expect(isPublicHoliday(scotland, '2026-04-06')).toBe(false);
    });

    it('when Christmas 2027 falls on a Saturday then both substitutes follow (Monday 27th and Tuesday 28th)', () => {
      const holidays = publicHolidays({ country: 'GB', region: 'ENG' }, 2027);
      expect(holidays.slice(-4)).toEqual(['2027-12-25', '2027-12-26', '2027-12-27', '2027-12-28']);
    });

    it('when a day is only an observance (Mother’s Day) then it is not a public holiday', () => {
      expect(isPublicHoliday({ country: 'GB', region: 'ENG' }, '2026-03-15')).toBe(false);
    });
  });

  describe('given Germany', () => {
    it('when Bavaria is given then Epiphany, Corpus Christi and All Saints are holidays', () => {
      expect(publicHolidays({ country: 'DE', region: 'BY' }, 2026)).toEqual([
        '2026-01-01',
        '2026-01-06', // Heilige Drei Könige
        '2026-04-03',
        '2026-04-06',
        '2026-05-01',
        '2026-05-14', // Christi Himmelfahrt
        '2026-05-25', // Pfingstmontag
        '2026-06-04', // Fronleichnam
        '2026-10-03',
        '2026-11-01', // Allerheiligen
        '2026-12-25',
        '2026-12-26',
      ]);
    });

    it('when no state is given then only the nine national holidays count', () => {
      expect(publicHolidays({ country: 'DE' }, 2026)).toHaveLength(9);
      expect(isPublicHoliday({ country: 'DE' }, '2026-01-06')).toBe(false);
    });

    it('when Berlin is given then International Women’s Day counts there but not in Bavaria', () => {
      expect(isPublicHoliday({ country: 'DE', region: 'BE' }, '2026-03-08')).toBe(true);
      expect(isPublicHoliday({ country: 'DE', region: 'BY' }, '2026-03-08')).toBe(false);
    });
  });

  describe('given Japan', () => {
    it('when a holiday falls on a Sunday in 2026 then the next free day is a substitute, and the day between two holidays is one', () => {
      const holidays = publicHolidays({ country: 'JP' }, 2026);
      expect(holidays).toContain('2026-03-20'); // vernal equinox, computed in +09:00
      expect(holidays).toContain('2026-05-06'); // substitute for Constitution Day (Sunday 3 May)
      expect(holidays).toContain('2026-09-22'); // 国民の休日, between Respect for the Aged Day and the equinox
      expect(holidays).toHaveLength(18);
    });

    it('when 2024 (a leap year) is listed then its substitute Mondays are there', () => {
      expect(publicHolidays({ country: 'JP' }, 2024)).toEqual(
        expect.arrayContaining(['2024-02-12', '2024-05-06', '2024-08-12', '2024-09-23', '2024-11-04']),
      );
    });
  });

  describe('given Australia, New South Wales', () => {
    const NSW = { country: 'AU', region: 'NSW' };

    it('when Anzac Day 2026 falls on a Saturday then the Monday after is a substitute', () => {
      expect(isPublicHoliday(NSW, '2026-04-25')).toBe(true);
      expect(isPublicHoliday(NSW, '2026-04-27')).toBe(true);
    });

    it('when listing 2026 then Easter Saturday to Monday, the King’s Birthday and Labour Day are there', () => {
      expect(publicHolidays(NSW, 2026)).toEqual(
        expect.arrayContaining(['2026-01-26', '2026-04-03', '2026-04-04', '2026-04-05', '2026-04-06', '2026-06-08', '2026-10-05', '2026-12-28']),
      );
    });
  });

  describe('given an area the data does not cover', () => {
    it('when asked for holidays of an unknown country then a RangeError names it', () => {
      expect(() => publicHolidays({ country: 'XX' }, 2026)).toThrow(RangeError);
      expect(() => publicHolidays({ country: 'XX' }, 2026)).toThrow(/XX/);
    });

    it('when asked for an unknown region then a RangeError names it and the known ones', () => {
      expect(() => isPublicHoliday({ country: 'DE', region: 'ZZ' }, '2026-01-01')).toThrow(/region: DE has no region ZZ \(known: .*BY.*\)/);
    });

    it('when validating then problems name the field, and case and spaces are forgiven', () => {
      expect(validateHolidayArea({ country: 'de', region: ' by ' })).toEqual([]);
      expect(validateHolidayArea({ country: '' })).toEqual(['country: missing']);
      expect(validateHolidayArea({ country: 'XX' })).toEqual(['country: no public holiday data for XX']);
      expect(validateHolidayArea({ country: 'JP', region: 'TOKYO' })).toEqual(['region: JP has no region TOKYO (it has none)']);
    });

    it('when the year or date is malformed then it throws rather than guessing', () => {
      expect(() => publicHolidays({ country: 'US' }, 2026.5)).toThrow(RangeError);
      expect(() => isPublicHoliday({ country: 'US' }, '2026-7-4')).toThrow(RangeError);
    });
  });
});
