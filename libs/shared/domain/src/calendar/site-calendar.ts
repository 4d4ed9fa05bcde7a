/**
 * Wall-clock arithmetic in a site's own IANA time zone, with nothing but Intl: a warehouse's
 * cut-off is a local time, while every decision is taken at an instant (`context.now`).
 *
 * The rule for turning a local time into an instant is "the first instant at which the site's
 * wall clock reads that time or later":
 *   - a time repeated when clocks fall back (01:30 on the first Sunday of November in New York)
 *     resolves to its FIRST occurrence, so a cut-off, once passed, stays passed while the clock
 *     replays the hour;
 *   - a time skipped when clocks spring forward (02:30 on the second Sunday of March in New York)
 *     resolves to the instant of the jump (03:00 EDT): that is when the wall clock passes 02:30.
 *
 * Local dates are plain `YYYY-MM-DD` strings: arithmetic on them (`addDays`, `dayOfWeek`) is
 * calendar arithmetic and involves no zone; only turning them into instants does.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;
/** A wall-clock time of day, `HH:mm` (24-hour). */
export type LocalTime = string;

/** The daily window in which a site accepts releases, in the site's local time. */
export interface ReleaseWindow {
  /** Local time the window opens, e.g. `06:00`. */
  opensAt: LocalTime;
  /**
   * Local cut-off, e.g. `15:00`. A cut-off at or before `opensAt` means the window runs past
   * midnight (`opensAt 14:00`, `cutOff 02:00`): the window belongs to the operating day on
   * which it opened. Equal times mean the window is open around the clock.
   */
  cutOff: LocalTime;
}

/** Where `now` falls relative to a site's release windows. */
export type ReleaseWindowPosition =
  | {
      open: true;
      /** The local date on which the current window opened (capacity is counted per operating day). */
      operatingDay: LocalDate;
      opensAt: Date;
      cutOffAt: Date;
    }
  | {
      open: false;
      /** When the next window opens: the earliest moment a re-evaluation can release. */
      nextOpensAt: Date;
      /** The operating day of that next window. */
      nextOperatingDay: LocalDate;
    };

interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Building a DateTimeFormat costs far more than using one; zones are few, so memoise.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `timeZone` as an IANA zone (e.g. `America/New_York`). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

// The last reading per zone: the decisions of one batch all read the clock at the same `now`,
// and formatToParts is the cost of a decision. Bounded by the zones, like the formatters.
const lastReadings = new Map<string, { instant: number; reading: LocalDateTime }>();

function wallClockAt(instant: number, timeZone: string): LocalDateTime {
  const last = lastReadings.get(timeZone);
  if (last && last.instant === instant) return last.reading;
  const reading = readWallClock(instant, timeZone);
  lastReadings.set(timeZone, { instant, reading });
  return reading;
}

function readWallClock(instant: number, timeZone: string): LocalDateTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour % 24, minute: fields.minute, second: fields.second };
}

/** A wall-clock reading as if it were UTC: a number that orders readings within one zone. */
function asUtcNumber(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

function offsetAt(instant: number, timeZone: string): number {
  return asUtcNumber(wallClockAt(Math.floor(instant / 1000) * 1000, timeZone)) - Math.floor(instant / 1000) * 1000;
}

function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a local date (YYYY-MM-DD): ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Minutes since local midnight for `HH:mm`; throws on anything else. */
export function parseLocalTime(time: LocalTime): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`not a local time (HH:mm): ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isLocalTime(time: unknown): time is LocalTime {
  return typeof time === 'string' && /^([01]\d|2[0-3]):([0-5]\d)$/.test(time);
}

function formatLocalDate(year: number, month: number, day: number): LocalDate {
  const normalised = new Date(Date.UTC(year, month - 1, day));
  return normalised.toISOString().slice(0, 10);
}

/** True for a real calendar date written `YYYY-MM-DD` (`2026-02-29` is not one, `2028-02-29` is). */
export function isLocalDate(date: unknown): date is LocalDate {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const { year, month, day } = parseLocalDate(date);
  return formatLocalDate(year, month, day) === date;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function dayOfWeek(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
}

/** Negative, zero or positive as `a` is before, on or after `b` (for `sort`). Throws on a malformed date. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  parseLocalDate(a);
  parseLocalDate(b);
  // Zero-padded YYYY-MM-DD orders lexically as it does in time.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The local date shifted by whole days (calendar arithmetic, no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  return formatLocalDate(year, month, day + days);
}

/** The site's calendar date at `instant`. */
export function localDateAt(instant: Date, timeZone: string): LocalDate {
  const local = wallClockAt(instant.getTime(), timeZone);
  return formatLocalDate(local.year, local.month, local.day);
}

/** The site's wall-clock reading at `instant`, `YYYY-MM-DDTHH:mm:ss` (no offset). */
export function localDateTimeAt(instant: Date, timeZone: string): string {
  const local = wallClockAt(instant.getTime(), timeZone);
  return new Date(asUtcNumber(local)).toISOString().slice(0, 19);
}

/**
 * The first instant at which the wall clock in `timeZone` reads `date time` or later (see the
 * module comment for what that means on DST transition days).
 */
export function instantAtLocalTime(date: LocalDate, time: LocalTime, timeZone: string): Date {
  // Every order at a site asks for the same few boundaries each day; Intl is the cost of a decision.
  const key = `${timeZone}|${date}|${time}`;
  let instant = boundaries.get(key);
  if (instant === undefined) {
    if (boundaries.size >= 10_000) boundaries.clear();
    instant = resolveLocalTime(date, time, timeZone);
    boundaries.set(key, instant);
  }
  return new Date(instant);
}

const boundaries = new Map<string, number>();

function resolveLocalTime(date: LocalDate, time: LocalTime, timeZone: string): number {
  const { year, month, day } = parseLocalDate(date);
  const minutes = parseLocalTime(time);
  const wanted = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  // No zone changes its offset twice within two days, so the offsets a day either side cover
  // every candidate.
  const offsets = [...new Set([offsetAt(wanted - 86_400_000, timeZone), offsetAt(wanted, timeZone), offsetAt(wanted + 86_400_000, timeZone)])];
  const exact = offsets
    .map((offset) => wanted - offset)
    .filter((candidate) => asUtcNumber(wallClockAt(candidate, timeZone)) === wanted)
    .sort((a, b) => a - b);
  if (exact.length > 0) return exact[0];

  // The time was skipped: find the jump, the first instant whose reading is past `wanted`.
  let low = wanted - Math.max(...offsets);
  let high = wanted - Math.min(...offsets);
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (asUtcNumber(wallClockAt(middle, timeZone)) >= wanted) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * Where `now` stands against a site's daily release window: inside one (with its operating
 * day and cut-off instant) or outside (with when the next one opens).
 */
export function releaseWindowAt(window: ReleaseWindow, timeZone: string, now: Date): ReleaseWindowPosition {
  // The decisions of one batch ask about the same few sites at the same `now`.
  const key = `${timeZone}|${window.opensAt}|${window.cutOff}`;
  const last = lastPositions.get(key);
  if (last && last.at === now.getTime()) return last.position;
  const position = locateInWindow(window, timeZone, now);
  if (lastPositions.size >= 1_000) lastPositions.clear();
  lastPositions.set(key, { at: now.getTime(), position });
  return position;
}

const lastPositions = new Map<string, { at: number; position: ReleaseWindowPosition }>();

/**
 * The operating day a release at `now` counts against (capacity is counted per operating
 * day): the current window's if one is open, else the next window's. Undefined when the zone
 * is unknown or a window time is not `HH:mm`, so a caller can treat the site as unknown
 * instead of throwing.
 */
export function operatingDayAt(window: ReleaseWindow, timeZone: string, now: Date): LocalDate | undefined {
  if (!window || !isKnownTimeZone(timeZone) || !isLocalTime(window.opensAt) || !isLocalTime(window.cutOff)) return undefined;
  const position = releaseWindowAt(window, timeZone, now);
  return position.open ? position.operatingDay : position.nextOperatingDay;
}

function locateInWindow(window: ReleaseWindow, timeZone: string, now: Date): ReleaseWindowPosition {
  const opens = parseLocalTime(window.opensAt);
  const cutOff = parseLocalTime(window.cutOff);
  const crossesMidnight = cutOff <= opens;
  const today = localDateAt(now, timeZone);
  const at = now.getTime();

  // A window that crosses midnight may have opened yesterday; check it first.
  for (const operatingDay of [addDays(today, -1), today, addDays(today, 1)]) {
    const opensAt = instantAtLocalTime(operatingDay, window.opensAt, timeZone);
    const cutOffAt = instantAtLocalTime(crossesMidnight ? addDays(operatingDay, 1) : operatingDay, window.cutOff, timeZone);
    if (opensAt.getTime() <= at && at < cutOffAt.getTime()) return { open: true, operatingDay, opensAt, cutOffAt };
    if (opensAt.getTime() > at) return { open: false, nextOpensAt: opensAt, nextOperatingDay: operatingDay };
  }
  // Unreachable for a valid window: tomorrow's window always opens after now.
  const nextOperatingDay = addDays(today, 2);
  return { open: false, nextOpensAt: instantAtLocalTime(nextOperatingDay, window.opensAt, timeZone), nextOperatingDay };
}
