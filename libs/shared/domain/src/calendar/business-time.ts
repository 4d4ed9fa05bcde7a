import { assertBusinessCalendar, businessHoursOn, MAX_DAYS_WITHOUT_BUSINESS, type BusinessCalendar } from './business-calendar';
import { addDays, compareLocalDates, localDateAt, type LocalDate } from './site-calendar';

/**
 * Business time: the milliseconds inside working hours on business days, in the calendar's
 * zone. It runs SLA clocks ("respond within 4 business hours") and silence alarms ("no scan
 * for 8 business hours").
 *
 * Each business day contributes the real length of `businessHoursOn(cal, day)`: a whole day is
 * 23 hours when the clocks spring forward and 25 when they fall back. Days are visited in
 * order and their spans never overlap (a day's hours end by the midnight that starts the next
 * day), so `businessMillisBetween` and `addBusinessMillis` are exact inverses.
 */

function instantOf(instant: Date, name: string): number {
  const at = instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(at)) throw new RangeError(`${name}: not a valid instant`);
  return at;
}

/**
 * The business time between two instants, in milliseconds: only time inside working hours on
 * business days counts. 0 when `toInstant` is not after `fromInstant` (a clock read before the
 * event it measures from has not started yet).
 */
export function businessMillisBetween(cal: BusinessCalendar, fromInstant: Date, toInstant: Date): number {
  const from = instantOf(fromInstant, 'fromInstant');
  const to = instantOf(toInstant, 'toInstant');
  assertBusinessCalendar(cal);
  if (to <= from) return 0;
  // One day either side: where a zone falls back across midnight, a day's hours can begin
  // before an instant whose wall clock still reads the day before.
  const last: LocalDate = addDays(localDateAt(toInstant, cal.timeZone), 1);
  let total = 0;
  for (let date = addDays(localDateAt(fromInstant, cal.timeZone), -1); compareLocalDates(date, last) <= 0; date = addDays(date, 1)) {
    const hours = businessHoursOn(cal, date);
    if (hours) total += Math.max(0, Math.min(hours.closesAt.getTime(), to) - Math.max(hours.opensAt.getTime(), from));
  }
  return total;
}

/**
 * The first instant at which `millis` of business time have elapsed since `fromInstant`
 * (`millis` a whole number ≥ 0). Adding 0 gives `fromInstant` itself, even outside working
 * hours; a positive amount that ends exactly at closing time gives the closing instant, not the
 * next opening. Throws when the calendar offers no business time for 10 years.
 */
export function addBusinessMillis(cal: BusinessCalendar, fromInstant: Date, millis: number): Date {
  const from = instantOf(fromInstant, 'fromInstant');
  if (!Number.isSafeInteger(millis) || millis < 0) throw new RangeError(`business millis to add: not a whole number ≥ 0: ${millis}`);
  assertBusinessCalendar(cal);
  if (millis === 0) return new Date(from);
  let remaining = millis;
  let idleDays = 0;
  for (let date = addDays(localDateAt(fromInstant, cal.timeZone), -1); idleDays <= MAX_DAYS_WITHOUT_BUSINESS; date = addDays(date, 1)) {
    const hours = businessHoursOn(cal, date);
    const start = hours ? Math.max(hours.opensAt.getTime(), from) : 0;
    const available = hours ? hours.closesAt.getTime() - start : 0;
    if (available <= 0) {
      idleDays++;
      continue;
    }
    idleDays = 0;
    if (remaining <= available) return new Date(start + remaining);
    remaining -= available;
  }
  throw new RangeError(`no business time within ${MAX_DAYS_WITHOUT_BUSINESS} days after ${fromInstant.toISOString()}`);
}
