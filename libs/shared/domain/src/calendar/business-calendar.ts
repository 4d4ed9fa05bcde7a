import { isPublicHoliday, validateHolidayArea, type HolidayArea } from './holidays';
import {
  addDays,
  compareLocalDates,
  dayOfWeek,
  instantAtLocalTime,
  isKnownTimeZone,
  isLocalDate,
  isLocalTime,
  localDateAt,
  parseLocalTime,
  type LocalDate,
  type LocalTime,
} from './site-calendar';

/**
 * When a business (a site, a carrier, a customer's receiving dock) works: the days, the hours
 * and the closures, in its own time zone. Business days drive pickup and delivery dates;
 * business time drives SLA clocks ("no scan for 8 business hours").
 *
 * Treat a calendar as an immutable value: the functions validate it once and remember the
 * result by object identity.
 */
export interface BusinessCalendar {
  /** IANA zone the days and hours are reckoned in, e.g. `Europe/London`. */
  timeZone: string;
  /** ISO weekdays that are worked (1 = Monday … 7 = Sunday). Default Monday–Friday. */
  workingDays?: readonly number[];
  /**
   * The hours worked on a business day, local time. `closesAt` must be later than `opensAt`,
   * except `00:00`, which means the midnight that ends the day. Absent: the whole day counts.
   */
  workingHours?: { opensAt: LocalTime; closesAt: LocalTime };
  /** Whose public holidays close the business (see `publicHolidays`). */
  holidaysOf?: HolidayArea;
  /** Further closures: a carrier's own holiday calendar, a site's stocktake. */
  closedDates?: readonly LocalDate[];
}

export const MONDAY_TO_FRIDAY: readonly number[] = [1, 2, 3, 4, 5];

/** How far a search for business may go before the calendar is called closed for good (10 years). */
export const MAX_DAYS_WITHOUT_BUSINESS = 3_660;

interface CompiledCalendar {
  timeZone: string;
  workingDays: ReadonlySet<number>;
  opensAt: LocalTime;
  /** Undefined: the midnight that ends the day. */
  closesAt: LocalTime | undefined;
  holidaysOf: HolidayArea | undefined;
  closedDates: ReadonlySet<LocalDate>;
}

/**
 * Problems with a calendar, each naming its field (`timeZone`, `workingDays[2]`,
 * `workingHours.closesAt`, `holidaysOf.country`, `closedDates[0]`, …). Empty when usable. A
 * calendar with no working day at all is refused: every search for a business day would be endless.
 */
export function validateBusinessCalendar(cal: BusinessCalendar): string[] {
  if (!cal || typeof cal !== 'object') return ['calendar: not an object'];
  const problems: string[] = [];
  if (!isKnownTimeZone(cal.timeZone)) problems.push(`timeZone: not a known IANA time zone: ${String(cal.timeZone)}`);

  if (cal.workingDays !== undefined) {
    if (!Array.isArray(cal.workingDays)) problems.push('workingDays: not a list of ISO weekdays');
    else if (cal.workingDays.length === 0) problems.push('workingDays: no working day at all');
    else
      cal.workingDays.forEach((day, index) => {
        if (!Number.isInteger(day) || day < 1 || day > 7) problems.push(`workingDays[${index}]: not an ISO weekday (1 = Monday … 7 = Sunday): ${String(day)}`);
        else if (cal.workingDays!.indexOf(day) !== index) problems.push(`workingDays[${index}]: ${day} is listed twice`);
      });
  }

  if (cal.workingHours !== undefined) {
    const { opensAt, closesAt } = cal.workingHours ?? {};
    if (!isLocalTime(opensAt)) problems.push(`workingHours.opensAt: not a local time (HH:mm): ${String(opensAt)}`);
    if (!isLocalTime(closesAt)) problems.push(`workingHours.closesAt: not a local time (HH:mm): ${String(closesAt)}`);
    else if (isLocalTime(opensAt) && closesAt !== '00:00' && parseLocalTime(closesAt) <= parseLocalTime(opensAt))
      problems.push(`workingHours.closesAt: ${closesAt} is not after opensAt ${opensAt} (use 00:00 for midnight)`);
  }

  if (cal.holidaysOf !== undefined) problems.push(...validateHolidayArea(cal.holidaysOf).map((problem) => `holidaysOf.${problem}`));

  if (cal.closedDates !== undefined) {
    if (!Array.isArray(cal.closedDates)) problems.push('closedDates: not a list of dates');
    else
      cal.closedDates.forEach((date, index) => {
        if (!isLocalDate(date)) problems.push(`closedDates[${index}]: not a date (YYYY-MM-DD): ${String(date)}`);
      });
  }
  return problems;
}

const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(cal: BusinessCalendar): CompiledCalendar {
  let compiled = compiledCalendars.get(cal);
  if (compiled) return compiled;
  const problems = validateBusinessCalendar(cal);
  if (problems.length > 0) throw new RangeError(`invalid business calendar: ${problems.join('; ')}`);
  compiled = {
    timeZone: cal.timeZone,
    workingDays: new Set(cal.workingDays ?? MONDAY_TO_FRIDAY),
    opensAt: cal.workingHours?.opensAt ?? '00:00',
    closesAt: cal.workingHours && cal.workingHours.closesAt !== '00:00' ? cal.workingHours.closesAt : undefined,
    holidaysOf: cal.holidaysOf,
    closedDates: new Set(cal.closedDates ?? []),
  };
  compiledCalendars.set(cal, compiled);
  return compiled;
}

/** Throws a RangeError listing every problem `validateBusinessCalendar` finds; for config parsed at start-up. */
export function assertBusinessCalendar(cal: BusinessCalendar): void {
  compile(cal);
}

function checkDate(date: LocalDate, name = 'date'): void {
  if (!isLocalDate(date)) throw new RangeError(`${name}: not a local date (YYYY-MM-DD): ${String(date)}`);
}

function checkInstant(instant: Date, name: string): number {
  const at = instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(at)) throw new RangeError(`${name}: not a valid instant`);
  return at;
}

function isOpenOn(cal: CompiledCalendar, date: LocalDate): boolean {
  if (!cal.workingDays.has(dayOfWeek(date)) || cal.closedDates.has(date)) return false;
  return cal.holidaysOf === undefined || !isPublicHoliday(cal.holidaysOf, date);
}

function firstOpenAfter(cal: CompiledCalendar, date: LocalDate): LocalDate {
  let candidate = date;
  for (let days = 0; days < MAX_DAYS_WITHOUT_BUSINESS; days++) {
    candidate = addDays(candidate, 1);
    if (isOpenOn(cal, candidate)) return candidate;
  }
  throw new RangeError(`no business day within ${MAX_DAYS_WITHOUT_BUSINESS} days after ${date}`);
}

/** A working weekday that is neither a public holiday of `holidaysOf` nor a closed date. */
export function isBusinessDay(cal: BusinessCalendar, date: LocalDate): boolean {
  checkDate(date);
  return isOpenOn(compile(cal), date);
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(cal: BusinessCalendar, date: LocalDate): LocalDate {
  checkDate(date);
  return firstOpenAfter(compile(cal), date);
}

/** `date` itself when it is a business day, else the next one. */
export function businessDayOnOrAfter(cal: BusinessCalendar, date: LocalDate): LocalDate {
  checkDate(date);
  const compiled = compile(cal);
  return isOpenOn(compiled, date) ? date : firstOpenAfter(compiled, date);
}

/**
 * `n` business days after `date` (n ≥ 0, whole), counting from the first business day on or
 * after `date`: the clock starts when business does. So adding 0 to a Saturday gives Monday,
 * and adding 1 to a Saturday gives Tuesday, as it does to the Monday.
 */
export function addBusinessDays(cal: BusinessCalendar, date: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`business days to add: not a whole number ≥ 0: ${n}`);
  let result = businessDayOnOrAfter(cal, date);
  const compiled = compile(cal);
  for (let step = 0; step < n; step++) result = firstOpenAfter(compiled, result);
  return result;
}

/** How many business days lie in (from, to]: `from` excluded, `to` included; 0 when `to` is not after `from`. */
export function businessDaysBetween(cal: BusinessCalendar, from: LocalDate, to: LocalDate): number {
  checkDate(from, 'from');
  checkDate(to, 'to');
  const compiled = compile(cal);
  let count = 0;
  for (let date = addDays(from, 1); compareLocalDates(date, to) <= 0; date = addDays(date, 1)) if (isOpenOn(compiled, date)) count++;
  return count;
}

/**
 * The instants a business day's working hours begin and end, `[opensAt, closesAt)`, or
 * undefined on a day that is not a business day. Hours are local, so on a daylight-saving day
 * the span is as long as the clock says (a whole day in New York on 8 March 2026 is 23 hours);
 * a local time the clock skips resolves to the jump (see `instantAtLocalTime`).
 */
export function businessHoursOn(cal: BusinessCalendar, date: LocalDate): { opensAt: Date; closesAt: Date } | undefined {
  checkDate(date);
  const compiled = compile(cal);
  if (!isOpenOn(compiled, date)) return undefined;
  const opensAt = instantAtLocalTime(date, compiled.opensAt, compiled.timeZone);
  const closesAt =
    compiled.closesAt === undefined ? instantAtLocalTime(addDays(date, 1), '00:00', compiled.timeZone) : instantAtLocalTime(date, compiled.closesAt, compiled.timeZone);
  return { opensAt, closesAt };
}

/**
 * The day a carrier picks up, seen from the site: today when `now` is a business day before
 * the carrier's `cutOff` (local time in the calendar's zone), else the next business day.
 */
export function pickupDate(cal: BusinessCalendar, now: Date, cutOff: LocalTime): LocalDate {
  if (!isLocalTime(cutOff)) throw new RangeError(`cutOff: not a local time (HH:mm): ${String(cutOff)}`);
  const at = checkInstant(now, 'now');
  const compiled = compile(cal);
  const today = localDateAt(now, compiled.timeZone);
  if (isOpenOn(compiled, today) && at < instantAtLocalTime(today, cutOff, compiled.timeZone).getTime()) return today;
  return firstOpenAfter(compiled, today);
}

/**
 * When a shipment picked up on `pickup` arrives: `transitBusinessDays` business days of the
 * pickup calendar (pass one carrying the carrier's closures), then rolled forward to a
 * business day of `deliveryCal` (the consignee's; default the pickup calendar). Dates are local
 * dates of each side; a time-zone difference between them is not added.
 */
export function estimatedDeliveryDate(pickupCal: BusinessCalendar, pickup: LocalDate, transitBusinessDays: number, deliveryCal: BusinessCalendar = pickupCal): LocalDate {
  return businessDayOnOrAfter(deliveryCal, addBusinessDays(pickupCal, pickup, transitBusinessDays));
}
