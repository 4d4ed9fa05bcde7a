import { addDays, instantAtLocalTime, isKnownTimeZone, localDateAt, localDateTimeAt, releaseWindowAt } from './site-calendar';

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
});
