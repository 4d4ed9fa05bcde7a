import { instantAtLocalTime, isKnownTimeZone, isLocalDate } from '@lading/shared-domain';

/**
 * A scan's time as the carrier sent it.
 *
 * - INSTANT: an ISO-8601 instant with `Z` or an offset (parcel APIs, TMS fields already in UTC).
 * - LOCAL: the wall clock where the scan happened, `YYYY-MM-DDTHH:mm[:ss]` (X12 214 AT7-05/06),
 *   with the X12 time code (element 623) when the carrier sent one. Without a time code, or with
 *   `LT`, the time is local to the scan location: the app resolves the location's IANA zone
 *   (facility table, postal code) and passes it as `location.timeZone`.
 */
export type ScanTime = { kind: 'INSTANT'; at: string } | { kind: 'LOCAL'; localDateTime: string; timeCode?: string };

/**
 * Why a scan time could not be placed on the time line. NO_TIME_ZONE and UNKNOWN_TIME_ZONE are
 * the "unzoned" problem: a local time whose zone nobody knows. It is kept as a problem, never
 * guessed (UTC or the shipper's zone would both be wrong by hours). IN_THE_FUTURE: the time
 * resolved to later than Lading received the scan (beyond clock skew): a wrong zone or time
 * code, which must not push the silence alarm or the status ahead.
 */
export type TimeProblem = 'NO_TIME_ZONE' | 'UNKNOWN_TIME_ZONE' | 'UNKNOWN_TIME_CODE' | 'INVALID_TIME' | 'IN_THE_FUTURE';

/** How an instant was obtained, for audit. */
export type TimeBasis = 'INSTANT' | 'FIXED_OFFSET' | 'TIME_CODE_ZONE' | 'LOCATION_ZONE';

export type ResolvedTime = { ok: true; at: string; basis: TimeBasis } | { ok: false; problem: TimeProblem; message: string };

type TimeCodeMeaning = { offsetMinutes: number } | { timeZone: string } | 'LOCAL';

/**
 * X12 time codes (element 623). Standard/daylight codes are fixed offsets and need no zone;
 * the generic codes (ET, CT, …) mean the wall clock of that zone, DST included. MT is read as
 * America/Denver: Arizona keeps standard time all year, so a Phoenix scan labelled MT in summer
 * would be an hour off; carriers there send MS or LT. Hawaii-Aleutian Time (HT) is left out on
 * purpose: Honolulu and Adak disagree in summer. Numeric ISO-offset codes (01–24) are not mapped.
 */
export const X12_TIME_CODES: Readonly<Record<string, TimeCodeMeaning>> = Object.freeze({
  LT: 'LOCAL',
  UT: { offsetMinutes: 0 },
  GM: { offsetMinutes: 0 },
  ES: { offsetMinutes: -300 },
  ED: { offsetMinutes: -240 },
  ET: { timeZone: 'America/New_York' },
  CS: { offsetMinutes: -360 },
  CD: { offsetMinutes: -300 },
  CT: { timeZone: 'America/Chicago' },
  MS: { offsetMinutes: -420 },
  MD: { offsetMinutes: -360 },
  MT: { timeZone: 'America/Denver' },
  PS: { offsetMinutes: -480 },
  PD: { offsetMinutes: -420 },
  PT: { timeZone: 'America/Los_Angeles' },
  AS: { offsetMinutes: -540 },
  AD: { offsetMinutes: -480 },
  AT: { timeZone: 'America/Anchorage' },
  HS: { offsetMinutes: -600 },
  HD: { offsetMinutes: -540 },
  TS: { offsetMinutes: -240 },
  TD: { offsetMinutes: -180 },
  TT: { timeZone: 'America/Halifax' },
  NS: { offsetMinutes: -210 },
  ND: { offsetMinutes: -150 },
  NT: { timeZone: 'America/St_Johns' },
});

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Places a scan time on the time line (UTC). A local time in a zone resolves by the shared
 * calendar's rule: a time repeated when clocks fall back is its first occurrence, a skipped
 * one is the jump. A fixed-offset time code has no such ambiguity (01:30 ES on the fall-back
 * night is the second 01:30 in New York).
 */
export function resolveScanTime(time: ScanTime, locationTimeZone?: string): ResolvedTime {
  if (time.kind === 'INSTANT') {
    const at = INSTANT.test(time.at) ? Date.parse(time.at) : NaN;
    if (!Number.isFinite(at)) return { ok: false, problem: 'INVALID_TIME', message: `not an ISO-8601 instant with an offset: ${time.at}` };
    return { ok: true, at: new Date(at).toISOString(), basis: 'INSTANT' };
  }
  const local = LOCAL.exec(time.localDateTime);
  const [date, hours, minutes, seconds] = local ? [local[1], Number(local[2]), Number(local[3]), Number(local[4] ?? 0)] : ['', NaN, NaN, NaN];
  if (!local || !isLocalDate(date) || hours > 23 || minutes > 59 || seconds > 59) {
    return { ok: false, problem: 'INVALID_TIME', message: `not a local date-time YYYY-MM-DDTHH:mm[:ss]: ${time.localDateTime}` };
  }
  const code = time.timeCode?.trim().toUpperCase() || 'LT';
  const meaning = X12_TIME_CODES[code];
  if (!meaning) return { ok: false, problem: 'UNKNOWN_TIME_CODE', message: `time code ${code} is not mapped` };
  if (meaning !== 'LOCAL' && 'offsetMinutes' in meaning) {
    const [y, m, d] = date.split('-').map(Number);
    const at = Date.UTC(y, m - 1, d, hours, minutes, seconds) - meaning.offsetMinutes * 60_000;
    return { ok: true, at: new Date(at).toISOString(), basis: 'FIXED_OFFSET' };
  }
  const zone = meaning === 'LOCAL' ? locationTimeZone?.trim() : meaning.timeZone;
  if (!zone) return { ok: false, problem: 'NO_TIME_ZONE', message: `local time ${time.localDateTime} without a time code, at a location of unknown zone` };
  if (!isKnownTimeZone(zone)) return { ok: false, problem: 'UNKNOWN_TIME_ZONE', message: `unknown time zone ${zone}` };
  const wallClock = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  const at = instantAtLocalTime(date, wallClock, zone).getTime() + seconds * 1000;
  return { ok: true, at: new Date(at).toISOString(), basis: meaning === 'LOCAL' ? 'LOCATION_ZONE' : 'TIME_CODE_ZONE' };
}

/** The time as sent, for the scan's identity and audit: `2026-03-09T10:15 ET`, `2026-03-09T15:15:00Z`. */
export function rawScanTime(time: ScanTime): string {
  return time.kind === 'INSTANT' ? time.at : `${time.localDateTime}${time.timeCode ? ` ${time.timeCode.trim().toUpperCase()}` : ''}`;
}
