import type { Address, UnitOfMeasure as AvroUnitOfMeasure } from '@lading/contracts';
import { NonRetriableError } from '@lading/errors';
import type { PostalAddress, UnitOfMeasure } from '@lading/shared-domain';

// Conversions every service's mapper needs between the Avro contracts and the shared domain
// types: written once here, so two services never disagree on what a unit or an address is.

/** ISO-8601 of an Avro timestamp-millis; an instant JS cannot represent is a malformed record (dead-lettered). */
export function isoInstant(epochMillis: number, field: string): string {
  const date = new Date(epochMillis);
  if (Number.isNaN(date.getTime())) throw new NonRetriableError(`${field} ${epochMillis} is not a representable instant`, 'INVALID_TIMESTAMP');
  return date.toISOString();
}

/** Avro unit symbol → domain unit code. LITRE and UNKNOWN have none: the domain does not stock them. */
const DOMAIN_UNIT_OF: Readonly<Record<AvroUnitOfMeasure, UnitOfMeasure | undefined>> = {
  UNKNOWN: undefined,
  EACH: 'EA',
  CASE: 'CS',
  PALLET: 'PL',
  KILOGRAM: 'KG',
  POUND: 'LB',
  LITRE: undefined,
  METRE: 'M',
};

/** Domain unit code → Avro unit symbol. The contract has no pack unit (PK). */
const AVRO_UNIT_OF: Readonly<Record<UnitOfMeasure, AvroUnitOfMeasure | undefined>> = {
  EA: 'EACH',
  PK: undefined,
  CS: 'CASE',
  PL: 'PALLET',
  KG: 'KILOGRAM',
  LB: 'POUND',
  M: 'METRE',
};

/**
 * The domain's unit code for an Avro unit, or the Avro symbol itself when the domain has no such
 * unit (`LITRE`, `UNKNOWN`): the domain then finds the line invalid and says why.
 */
export function unitOfMeasureFrom(unit: AvroUnitOfMeasure): string {
  return DOMAIN_UNIT_OF[unit] ?? unit;
}

/** The Avro unit for a domain unit; throws for PK, which the contract cannot express. */
export function avroUnitOfMeasure(unit: UnitOfMeasure): AvroUnitOfMeasure {
  const symbol = AVRO_UNIT_OF[unit];
  if (!symbol) throw new NonRetriableError(`unit of measure ${unit} has no symbol in lading.common.UnitOfMeasure`, 'UNIT_NOT_IN_CONTRACT');
  return symbol;
}

/** A canonical Address as the shared postal address; a missing addressee becomes blank (which validation reports as MISSING). */
export function postalAddressFrom(address: Address): PostalAddress {
  return {
    name: address.name ?? '',
    line1: address.line1,
    ...(address.line2 === null ? {} : { line2: address.line2 }),
    city: address.city,
    ...(address.region === null ? {} : { region: address.region }),
    ...(address.postalCode === null ? {} : { postalCode: address.postalCode }),
    countryCode: address.countryCode,
  };
}

/**
 * A postal address as the canonical Avro Address. `residential` and `timeZone` go along when the
 * caller knows them (a shipment's ship-to); otherwise they are the schema defaults (false, null).
 */
export function avroAddressFrom(address: PostalAddress & { residential?: boolean; timeZone?: string }): Address {
  return {
    name: address.name,
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city,
    region: address.region ?? null,
    postalCode: address.postalCode ?? null,
    countryCode: address.countryCode,
    residential: address.residential ?? false,
    timeZone: address.timeZone ?? null,
  };
}
