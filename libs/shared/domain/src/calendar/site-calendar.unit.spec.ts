import {
  addDays,
  compareLocalDates,
  dayOfWeek,
  instantAtLocalTime,
  isKnownTimeZone,
  isLocalDate,
  localDateAt,
  localDateTimeAt,
  operatingDayAt,
  releaseWindowAt,
} from './site-calendar';

const at = (iso: string) => new Date(iso);
const NEW_YORK = 'America/New_York';
const SYDNEY = 'Australia/Sydney';

describe('site calendar', () => {
  it('reads the wall clock in the site zone', () => {
    expect(localDateTimeAt(at('2026-01-15T20:00:00Z'), NEW_YORK)).toBe('2026-01-15T15:00:00');
    expect(localDateAt(at('2026-01-15T14:00:00Z'), SYDNEY)).toBe('2026-01-16');
    expect(localDateTimeAt(at('2026-01-15T14:00:00Z'), 'Asia/Kolkata')).toBe('2026-01-15T19:30:00');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('knows IANA zones and rejects others', () => {
    expect(isKnownTimeZone(NEW_YORK)).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownTimeZone('')).toBe(false);
  });

  describe('local time → instant', () => {
    it('uses the offset in force on that date', () => {
      expect(instantAtLocalTime('2026-01-15', '15:00', NEW_YORK).toISOString()).toBe('2026-01-15T20:00:00.000Z');
      expect(instantAtLocalTime('2026-07-15', '15:00', NEW_YORK).toISOString()).toBe('2026-07-15T19:00:00.000Z');
    });

    it('resolves a time skipped by spring-forward to the jump (New York, 8 March 2026)', () => {
      // 01:59:59 EST is followed by 03:00:00 EDT = 07:00Z: that is when the clock passes 02:30.
      expect(instantAtLocalTime('2026-03-08', '02:30', NEW_YORK).toISOString()).toBe('2026-03-08T07:00:00.000Z');
      expect(instantAtLocalTime('2026-03-08', '03:00', NEW_YORK).toISOString()).toBe('2026-03-08T07:00:00.000Z');
      expect(instantAtLocalTime('2026-03-08', '01:59', NEW_YORK).toISOString()).toBe('2026-03-08T06:59:00.000Z');
    });

    it('resolves a time repeated by fall-back to its first occurrence (New York, 1 November 2026)', () => {
      expect(instantAtLocalTime('2026-11-01', '01:30', NEW_YORK).toISOString()).toBe('2026-11-01T05:30:00.000Z');
      expect(instantAtLocalTime('2026-11-01', '02:00', NEW_YORK).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    });

    it('handles the southern hemisphere transitions (Sydney, April and October 2026)', () => {
      // 5 April: 03:00 AEDT → 02:00 AEST, so 02:30 happens twice; the first is 15:30Z the day before.
      expect(instantAtLocalTime('2026-04-05', '02:30', SYDNEY).toISOString()).toBe('2026-04-04T15:30:00.000Z');
      // 4 October: 02:00 AEST → 03:00 AEDT, so 02:30 never happens; the jump is 16:00Z the day before.
      expect(instantAtLocalTime('2026-10-04', '02:30', SYDNEY).toISOString()).toBe('2026-10-03T16:00:00.000Z');
    });
  });

  describe('release window', () => {
    const dayShift = { opensAt: '06:00', cutOff: '15:00' };

    it('is open between opening and cut-off, on the local operating day', () => {
      const position = releaseWindowAt(dayShift, NEW_YORK, at('2026-01-15T19:59:00Z'));
      expect(position).toEqual({ open: true, operatingDay: '2026-01-15', opensAt: at('2026-01-15T11:00:00Z'), cutOffAt: at('2026-01-15T20:00:00Z') });
    });

    it('is closed at the cut-off itself and says when the next window opens', () => {
      expect(releaseWindowAt(dayShift, NEW_YORK, at('2026-01-15T20:00:00Z'))).toEqual({
        open: false,
        nextOpensAt: at('2026-01-16T11:00:00Z'),
        nextOperatingDay: '2026-01-16',
      });
    });

    it('is closed before opening, with today as the next operating day', () => {
      expect(releaseWindowAt(dayShift, NEW_YORK, at('2026-01-15T10:00:00Z'))).toEqual({
        open: false,
        nextOpensAt: at('2026-01-15T11:00:00Z'),
        nextOperatingDay: '2026-01-15',
      });
    });

    it('uses the site zone, not UTC: 15:30 in Sydney is past cut-off though it is 04:30Z', () => {
      expect(releaseWindowAt(dayShift, SYDNEY, at('2026-01-15T04:30:00Z')).open).toBe(false);
      expect(releaseWindowAt(dayShift, SYDNEY, at('2026-01-15T03:30:00Z')).open).toBe(true);
    });

    describe('across midnight (opens 14:00, cut-off 02:00 next morning)', () => {
      const nightShift = { opensAt: '14:00', cutOff: '02:00' };

      it('counts the hours after midnight to the day the window opened', () => {
        // 01:30 on 16 January in New York.
        const position = releaseWindowAt(nightShift, NEW_YORK, at('2026-01-16T06:30:00Z'));
        expect(position).toEqual({ open: true, operatingDay: '2026-01-15', opensAt: at('2026-01-15T19:00:00Z'), cutOffAt: at('2026-01-16T07:00:00Z') });
      });

      it('is closed between the cut-off and the afternoon opening', () => {
        expect(releaseWindowAt(nightShift, NEW_YORK, at('2026-01-16T07:00:00Z'))).toEqual({
          open: false,
          nextOpensAt: at('2026-01-16T19:00:00Z'),
          nextOperatingDay: '2026-01-16',
        });
      });

      it('is open in the evening on the same operating day', () => {
        const position = releaseWindowAt(nightShift, NEW_YORK, at('2026-01-16T03:00:00Z')); // 22:00 on the 15th
        expect(position.open && position.operatingDay).toBe('2026-01-15');
      });
    });

    describe('New York spring-forward night (8 March 2026), window 20:00 → 02:30', () => {
      const window = { opensAt: '20:00', cutOff: '02:30' };

      it('is open at 01:59 EST', () => {
        expect(releaseWindowAt(window, NEW_YORK, at('2026-03-08T06:59:00Z'))).toMatchObject({ open: true, operatingDay: '2026-03-07', cutOffAt: at('2026-03-08T07:00:00Z') });
      });

      it('closes when the clock jumps from 01:59 to 03:00, since 02:30 never shows', () => {
        expect(releaseWindowAt(window, NEW_YORK, at('2026-03-08T07:00:00Z'))).toMatchObject({ open: false, nextOperatingDay: '2026-03-08', nextOpensAt: at('2026-03-09T00:00:00Z') });
      });
    });

    describe('New York fall-back night (1 November 2026), window 20:00 → 01:30', () => {
      const window = { opensAt: '20:00', cutOff: '01:30' };

      it('is open at 01:15 EDT, the first time the clock shows it', () => {
        expect(releaseWindowAt(window, NEW_YORK, at('2026-11-01T05:15:00Z'))).toMatchObject({ open: true, operatingDay: '2026-10-31' });
      });

      it('is past cut-off at 01:45 EDT', () => {
        expect(releaseWindowAt(window, NEW_YORK, at('2026-11-01T05:45:00Z')).open).toBe(false);
      });

      it('stays past cut-off at 01:15 EST, when the clock replays the hour', () => {
        expect(releaseWindowAt(window, NEW_YORK, at('2026-11-01T06:15:00Z'))).toEqual({
          open: false,
          nextOpensAt: at('2026-11-02T01:00:00Z'), // 20:00 EST on 1 November
          nextOperatingDay: '2026-11-01',
        });
      });
    });

    describe('a day shift on transition days keeps the local cut-off', () => {
      it('New York 8 March: 15:00 EDT is 19:00Z', () => {
        expect(releaseWindowAt(dayShift, NEW_YORK, at('2026-03-08T18:59:00Z')).open).toBe(true);
        expect(releaseWindowAt(dayShift, NEW_YORK, at('2026-03-08T19:00:00Z')).open).toBe(false);
      });

      it('New York 1 November: 15:00 EST is 20:00Z', () => {
        expect(releaseWindowAt(dayShift, NEW_YORK, at('2026-11-01T19:30:00Z')).open).toBe(true);
        expect(releaseWindowAt(dayShift, NEW_YORK, at('2026-11-01T20:00:00Z')).open).toBe(false);
      });

      it('Sydney 4 April (still AEDT): 15:00 is 04:00Z; 5 April (AEST): 15:00 is 05:00Z', () => {
        expect(releaseWindowAt(dayShift, SYDNEY, at('2026-04-04T04:30:00Z')).open).toBe(false);
        expect(releaseWindowAt(dayShift, SYDNEY, at('2026-04-05T04:30:00Z')).open).toBe(true);
        expect(releaseWindowAt(dayShift, SYDNEY, at('2026-04-05T05:00:00Z')).open).toBe(false);
      });
    });

    describe('Sydney night shifts over the transitions, window 22:00 → 02:30', () => {
      const window = { opensAt: '22:00', cutOff: '02:30' };

      it('fall-back (5 April): closed at 02:15 AEST, the repeated hour after the first 02:30', () => {
        expect(releaseWindowAt(window, SYDNEY, at('2026-04-04T15:15:00Z')).open).toBe(true); // 02:15 AEDT
        expect(releaseWindowAt(window, SYDNEY, at('2026-04-04T16:15:00Z')).open).toBe(false); // 02:15 AEST
      });

      it('spring-forward (4 October): closes at the jump from 01:59 to 03:00', () => {
        expect(releaseWindowAt(window, SYDNEY, at('2026-10-03T15:59:00Z'))).toMatchObject({ open: true, operatingDay: '2026-10-03' });
        expect(releaseWindowAt(window, SYDNEY, at('2026-10-03T16:00:00Z')).open).toBe(false);
      });
    });

    it('is always open when opening and cut-off coincide (round-the-clock site)', () => {
      const allDay = { opensAt: '00:00', cutOff: '00:00' };
      for (const instant of ['2026-03-08T07:00:00Z', '2026-11-01T05:59:59Z', '2026-11-01T06:00:00Z', '2026-06-30T23:59:59Z']) {
        expect(releaseWindowAt(allDay, NEW_YORK, at(instant)).open).toBe(true);
      }
    });
  });

  describe('given local dates (calendar arithmetic, no zone)', () => {
    it('when asking the ISO weekday then Monday is 1 and Sunday is 7, across leap days and year ends', () => {
      expect(dayOfWeek('2024-12-30')).toBe(1);
      expect(dayOfWeek('2026-07-03')).toBe(5);
      expect(dayOfWeek('2026-07-04')).toBe(6);
      expect(dayOfWeek('2026-01-04')).toBe(7);
      expect(dayOfWeek('2028-02-29')).toBe(2);
      expect(dayOfWeek('2000-02-29')).toBe(2);
      expect(dayOfWeek('2026-12-31')).toBe(4);
      expect(dayOfWeek('2027-01-01')).toBe(5);
    });

    it('when adding days then leap years and year boundaries roll over', () => {
      expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
      expect(addDays('2028-02-29', 1)).toBe('2028-03-01');
      expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
      expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
      expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
      expect(addDays('2026-01-15', 365)).toBe('2027-01-15');
    });

    it('when validating then only real dates written YYYY-MM-DD pass', () => {
      expect(isLocalDate('2028-02-29')).toBe(true);
      expect(isLocalDate('2000-02-29')).toBe(true);
      expect(isLocalDate('2026-02-29')).toBe(false);
      expect(isLocalDate('2100-02-29')).toBe(false);
      expect(isLocalDate('2026-13-01')).toBe(false);
      expect(isLocalDate('2026-1-01')).toBe(false);
      expect(isLocalDate('2026-01-01T00:00')).toBe(false);
      expect(isLocalDate(20260101)).toBe(false);
    });

    it('when comparing then the order is the order in time and malformed dates throw', () => {
      expect(['2027-01-01', '2026-12-31', '2026-02-01', '2026-12-31'].sort(compareLocalDates)).toEqual(['2026-02-01', '2026-12-31', '2026-12-31', '2027-01-01']);
      expect(compareLocalDates('2026-12-31', '2027-01-01')).toBeLessThan(0);
      expect(compareLocalDates('2027-01-01', '2026-12-31')).toBeGreaterThan(0);
      expect(compareLocalDates('2026-05-05', '2026-05-05')).toBe(0);
      expect(() => compareLocalDates('2026-5-5', '2026-05-05')).toThrow(RangeError);
    });
  });

  describe('given a site release window, when asking which operating day a release at now counts against', () => {
    const dayShift = { opensAt: '06:00', cutOff: '15:00' };
    const nightShift = { opensAt: '14:00', cutOff: '02:00' };

    it('then inside the window it is the day the window opened on', () => {
      expect(operatingDayAt(dayShift, NEW_YORK, at('2026-01-15T19:59:00Z'))).toBe('2026-01-15');
      expect(operatingDayAt(nightShift, NEW_YORK, at('2026-01-16T06:30:00Z'))).toBe('2026-01-15'); // 01:30 on the 16th
    });

    it('then after the cut-off it is the next window, across the year boundary', () => {
      expect(operatingDayAt(dayShift, NEW_YORK, at('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
      expect(operatingDayAt(dayShift, NEW_YORK, at('2026-01-15T10:00:00Z'))).toBe('2026-01-15');
    });

    it('then on the New York fall-back night the replayed hour counts against the next day', () => {
      const window = { opensAt: '20:00', cutOff: '01:30' };
      expect(operatingDayAt(window, NEW_YORK, at('2026-11-01T05:15:00Z'))).toBe('2026-10-31'); // 01:15 EDT
      expect(operatingDayAt(window, NEW_YORK, at('2026-11-01T06:15:00Z'))).toBe('2026-11-01'); // 01:15 EST
    });

    it('then an unknown zone or a malformed window time gives undefined instead of throwing', () => {
      expect(operatingDayAt(dayShift, 'Mars/Olympus_Mons', at('2026-01-15T12:00:00Z'))).toBeUndefined();
      expect(operatingDayAt(dayShift, '', at('2026-01-15T12:00:00Z'))).toBeUndefined();
      expect(operatingDayAt({ opensAt: '6:00', cutOff: '15:00' }, NEW_YORK, at('2026-01-15T12:00:00Z'))).toBeUndefined();
      expect(operatingDayAt({ opensAt: '06:00', cutOff: '24:00' }, NEW_YORK, at('2026-01-15T12:00:00Z'))).toBeUndefined();
    });
  });
});
