import { rawScanTime, resolveScanTime } from './scan-time';

describe('resolveScanTime', () => {
  it('given an instant with an offset, then it is that instant in UTC', () => {
    expect(resolveScanTime({ kind: 'INSTANT', at: '2026-01-15T10:15:00-05:00' })).toEqual({ ok: true, at: '2026-01-15T15:15:00.000Z', basis: 'INSTANT' });
  });

  it('given an instant without an offset, then it is refused rather than read as UTC', () => {
    expect(resolveScanTime({ kind: 'INSTANT', at: '2026-01-15T10:15:00' })).toMatchObject({ ok: false, problem: 'INVALID_TIME' });
  });

  it('given a local time without a time code, then the scan location zone places it', () => {
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30' }, 'America/Chicago')).toEqual({ ok: true, at: '2026-01-15T21:30:00.000Z', basis: 'LOCATION_ZONE' });
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-07-15T15:30:20', timeCode: 'LT' }, 'Europe/Berlin')).toEqual({ ok: true, at: '2026-07-15T13:30:20.000Z', basis: 'LOCATION_ZONE' });
  });

  it('given a local time whose location zone is not known, then it stays unzoned, never guessed', () => {
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30' })).toMatchObject({ ok: false, problem: 'NO_TIME_ZONE' });
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30', timeCode: 'LT' }, 'Mars/Olympus_Mons')).toMatchObject({ ok: false, problem: 'UNKNOWN_TIME_ZONE' });
  });

  it('given a time code, then it decides over the location: fixed offsets and zone codes', () => {
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30', timeCode: 'ES' }, 'Europe/London')).toMatchObject({ at: '2026-01-15T20:30:00.000Z', basis: 'FIXED_OFFSET' });
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-07-15T15:30', timeCode: 'PT' })).toMatchObject({ at: '2026-07-15T22:30:00.000Z', basis: 'TIME_CODE_ZONE' });
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30', timeCode: 'UT' })).toMatchObject({ at: '2026-01-15T15:30:00.000Z' });
  });

  it('given a time code nobody mapped, then it is a problem, not a guess', () => {
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30', timeCode: 'HT' }, 'Pacific/Honolulu')).toMatchObject({ ok: false, problem: 'UNKNOWN_TIME_CODE' });
  });

  describe('DST', () => {
    it('when the clocks fall back, a repeated local time is its first occurrence, and a fixed-offset code picks either', () => {
      const night = { kind: 'LOCAL', localDateTime: '2026-11-01T01:30' } as const;
      expect(resolveScanTime(night, 'America/New_York')).toMatchObject({ at: '2026-11-01T05:30:00.000Z' });
      expect(resolveScanTime({ ...night, timeCode: 'ET' })).toMatchObject({ at: '2026-11-01T05:30:00.000Z' });
      expect(resolveScanTime({ ...night, timeCode: 'ED' })).toMatchObject({ at: '2026-11-01T05:30:00.000Z' });
      expect(resolveScanTime({ ...night, timeCode: 'ES' })).toMatchObject({ at: '2026-11-01T06:30:00.000Z' });
    });

    it('when the clocks spring forward, a skipped local time is the jump', () => {
      expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-03-08T02:30:15' }, 'America/New_York')).toMatchObject({ at: '2026-03-08T07:00:15.000Z' });
      expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-03-08T03:30' }, 'America/New_York')).toMatchObject({ at: '2026-03-08T07:30:00.000Z' });
    });
  });

  it('given a malformed local time, then it is INVALID_TIME naming what was sent', () => {
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-02-30T10:00' }, 'UTC')).toEqual({
      ok: false,
      problem: 'INVALID_TIME',
      message: 'not a local date-time YYYY-MM-DDTHH:mm[:ss]: 2026-02-30T10:00',
    });
    expect(resolveScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T24:00' }, 'UTC')).toMatchObject({ problem: 'INVALID_TIME' });
  });

  it('rawScanTime keeps the time as sent, for identity and audit', () => {
    expect(rawScanTime({ kind: 'LOCAL', localDateTime: '2026-01-15T15:30', timeCode: 'et' })).toBe('2026-01-15T15:30 ET');
    expect(rawScanTime({ kind: 'INSTANT', at: '2026-01-15T10:15:00-05:00' })).toBe('2026-01-15T10:15:00-05:00');
  });
});
