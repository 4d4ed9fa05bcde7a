import Holidays from 'date-holidays';
import { isLocalDate, type LocalDate } from './site-calendar';

/**
 * Public holidays from the `date-holidays` data set (pinned in the root package.json, so a
 * year's list only changes when we upgrade it on purpose). Only holidays of type `public` count;
 * bank, school, optional days and observances do not. The list for a year holds each date of
 * that year once, substitute ("observed") days included: US Independence Day 2026 falls on a
 * Saturday, so both 2026-07-03 and 2026-07-04 are in it.
 *
 * The library is not the whole truth for a business: a carrier's own closures, a site's
 * stocktake, or a day the library types differently are tenant data (`closedDates` of a
 * business calendar).
 *
 * The library is loaded through its CommonJS entry (`lib/index.cjs`, the `require` condition of
 * its exports map), which is what jest's require path and Node's `require` both pick.
 */

/** Where holidays are observed. */
export interface HolidayArea {
  /** ISO 3166-1 alpha-2, e.g. `DE`. */
  country: string;
  /**
   * The country's subdivision as `date-holidays` names it (ISO 3166-2 suffix: `BY` in DE, `NSW`
   * in AU, `NY` in US; for GB the nations `ENG`, `SCT`, `WLS`, `NIR`). Absent: the holidays the
   * whole country shares (for GB that leaves out the August bank holiday, which differs by nation).
   */
  region?: string;
}

const PUBLIC_ONLY = { types: ['public' as const] };

/** One library instance per area: building one parses its rules. */
const calendars = new Map<string, Holidays>();
/** Holidays per area and year; a few countries times a few years. */
const holidayYears = new Map<string, ReadonlySet<LocalDate>>();
/** Codes the data covers, and each country's regions, read once from the library's catalogue. */
let countries: ReadonlySet<string> | undefined;
const regionsByCountry = new Map<string, readonly string[]>();

function knownCountries(): ReadonlySet<string> {
  countries ??= new Set(Object.keys(new Holidays().getCountries('en')));
  return countries;
}

function regionsOf(country: string): readonly string[] {
  let regions = regionsByCountry.get(country);
  if (!regions) {
    regions = Object.keys(new Holidays().getStates(country, 'en') ?? {});
    regionsByCountry.set(country, regions);
  }
  return regions;
}

function normalised(area: HolidayArea): { country: string; region?: string } {
  const country = typeof area?.country === 'string' ? area.country.trim().toUpperCase() : '';
  const region = typeof area?.region === 'string' ? area.region.trim().toUpperCase() : undefined;
  return region === undefined ? { country } : { country, region };
}

/**
 * Problems with an area, naming the field (`country`, `region`): the country must be one the
 * holiday data covers and the region one of its subdivisions. Empty when usable. Case and
 * surrounding spaces are ignored.
 */
export function validateHolidayArea(area: HolidayArea): string[] {
  if (!area || typeof area !== 'object') return ['country: missing'];
  const { country, region } = normalised(area);
  if (country.length === 0) return ['country: missing'];
  if (!knownCountries().has(country)) return [`country: no public holiday data for ${country}`];
  if (region === undefined) return [];
  const regions = regionsOf(country);
  if (region.length === 0) return ['region: blank (leave it out for the whole country)'];
  if (!regions.includes(region)) return [`region: ${country} has no region ${region}${regions.length > 0 ? ` (known: ${regions.join(', ')})` : ' (it has none)'}`];
  return [];
}

function holidaySet(area: HolidayArea, year: number): ReadonlySet<LocalDate> {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`not a four-digit year: ${year}`);
  const { country, region } = normalised(area);
  const areaKey = region === undefined ? country : `${country}-${region}`;
  const key = `${areaKey}|${year}`;
  const cached = holidayYears.get(key);
  if (cached) return cached;

  let calendar = calendars.get(areaKey);
  if (!calendar) {
    const problems = validateHolidayArea(area);
    if (problems.length > 0) throw new RangeError(`holidays of ${areaKey}: ${problems.join('; ')}`);
    calendar = region === undefined ? new Holidays(country, PUBLIC_ONLY) : new Holidays(country, region, PUBLIC_ONLY);
    calendars.set(areaKey, calendar);
  }
  const prefix = `${year}-`;
  const dates = calendar
    .getHolidays(year, 'en')
    .filter((holiday) => holiday.type === 'public')
    // `date` is the local date the holiday starts (`YYYY-MM-DD hh:mm:ss`), whatever the process zone.
    .map((holiday) => holiday.date.slice(0, 10))
    .filter((date) => date.startsWith(prefix))
    .sort();
  const set: ReadonlySet<LocalDate> = new Set(dates);
  if (holidayYears.size >= 10_000) holidayYears.clear();
  holidayYears.set(key, set);
  return set;
}

/**
 * The public holidays of `area` in `year`, ascending, each date once. Throws a RangeError
 * naming the country (or region) when the holiday data does not cover it.
 */
export function publicHolidays(area: HolidayArea, year: number): LocalDate[] {
  return [...holidaySet(area, year)];
}

/** True when `date` is a public holiday in `area` (throws like `publicHolidays`). */
export function isPublicHoliday(area: HolidayArea, date: LocalDate): boolean {
  if (!isLocalDate(date)) throw new RangeError(`not a local date (YYYY-MM-DD): ${date}`);
  return holidaySet(area, Number(date.slice(0, 4))).has(date);
}
