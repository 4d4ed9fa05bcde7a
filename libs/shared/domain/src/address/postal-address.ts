import { isCountryCode, requiresRegion, usesPostalCodes } from '../geography/country-codes';

/** A postal address as carriers need it: a ship-to, a site, a return address. */
export interface PostalAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  /** State / province / territory; required in US, CA, AU, BR, MX. */
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string;
}

export interface AddressProblem {
  field: keyof PostalAddress;
  problem: 'MISSING' | 'INVALID';
}

function isBlank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim().length === 0;
}

/**
 * Every problem with an address, in field order: name, line1 and city present; the country an
 * assigned ISO 3166-1 alpha-2 code; a postal code where the country uses them and a region
 * where carriers require one. A missing or invalid country stops the checks that depend on it.
 * No address at all is reported as a missing `line1`.
 */
export function validatePostalAddress(address: PostalAddress | undefined): AddressProblem[] {
  if (!address) return [{ field: 'line1', problem: 'MISSING' }];
  const problems: AddressProblem[] = [];
  for (const field of ['name', 'line1', 'city'] as const) if (isBlank(address[field])) problems.push({ field, problem: 'MISSING' });
  if (isBlank(address.countryCode)) {
    problems.push({ field: 'countryCode', problem: 'MISSING' });
    return problems;
  }
  if (!isCountryCode(address.countryCode)) {
    problems.push({ field: 'countryCode', problem: 'INVALID' });
    return problems;
  }
  if (usesPostalCodes(address.countryCode) && isBlank(address.postalCode)) problems.push({ field: 'postalCode', problem: 'MISSING' });
  if (requiresRegion(address.countryCode) && isBlank(address.region)) problems.push({ field: 'region', problem: 'MISSING' });
  return problems;
}

function comparable(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}

/**
 * True when `postalCode` starts with `prefix`, ignoring case and spaces (`sw1a 1aa` matches
 * `SW1A`, `K1A 0B1` matches `k1a0`), for destination zones defined by postal prefix. A blank
 * prefix matches nothing, so an empty zone entry cannot swallow every destination.
 */
export function postalCodePrefixMatches(postalCode: string | undefined, prefix: string): boolean {
  if (typeof postalCode !== 'string' || typeof prefix !== 'string') return false;
  const wanted = comparable(prefix);
  return wanted.length > 0 && comparable(postalCode).startsWith(wanted);
}
