import {
  isKnownTimeZone,
  isLengthUnit,
  isWeightUnit,
  validatePostalAddress,
  type LengthUnit,
  type PostalAddress,
  type WeightUnit,
} from '@lading/shared-domain';
import { NonRetriableError } from '@lading/errors';
import { FieldProblem, isIsoInstant } from '../field-problem';
import { isCurrencyCode } from '../money/money';

/** One package as the warehouse packed it (WMS `OrderPacked.packages`). */
export interface FreightPackage {
  packageId: string;
  weight: number;
  weightUnit: WeightUnit;
  length: number;
  width: number;
  height: number;
  lengthUnit: LengthUnit;
}

/** Where the shipment goes; `residential` adds the card's residential accessorial. */
export interface ShipTo extends PostalAddress {
  residential: boolean;
}

/** What is to be moved, from where, to where, by when: the input of `freightOptionsFor`. */
export interface FreightRequest {
  /** Origin warehouse site (must be on a card's `sites` to be served). */
  siteId: string;
  packages: FreightPackage[];
  shipTo: ShipTo;
  /** The delivery instant promised to the customer (ISO-8601); compared as a date in the consignee's zone. */
  promisedDeliveryAt: string;
  hazmat: boolean;
  /** The consignee has no dock: the carrier must bring a liftgate. */
  liftgateRequired: boolean;
  /** The tenant's freight currency: cards in another currency are ineligible (never converted). */
  currency: string;
}

/** The zones a plan reckons in, loaded by the app (site reference data; the consignee's zone from its address). */
export interface FreightCalendars {
  /** IANA zone of the origin site: carrier cut-offs are local times there. */
  siteTimeZone: string;
  /** IANA zone of the consignee: the promise instant becomes a local date there. */
  consigneeTimeZone: string;
}

/** A request or calendars that cannot be planned (bad packages from the WMS, a zone the app failed to load). */
export class InvalidFreightRequestError extends NonRetriableError {
  constructor(readonly problems: FieldProblem[]) {
    super(`invalid freight request: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`, 'INVALID_FREIGHT_REQUEST');
  }
}

function positive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** Every problem with a request and its calendars, each naming its field by JSON path; empty when it can be planned. */
export function validateFreightRequest(request: FreightRequest, calendars: FreightCalendars): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  if (typeof request.siteId !== 'string' || request.siteId.trim() === '') add('siteId', 'required: a non-blank string');
  if (!Array.isArray(request.packages) || request.packages.length === 0) add('packages', 'required: at least one package');
  else {
    const ids = new Set<string>();
    request.packages.forEach((pkg, index) => {
      const path = `packages[${index}]`;
      if (typeof pkg.packageId !== 'string' || pkg.packageId.trim() === '') add(`${path}.packageId`, 'required: a non-blank string');
      else if (ids.has(pkg.packageId)) add(`${path}.packageId`, `${pkg.packageId} is listed twice`);
      else ids.add(pkg.packageId);
      if (!positive(pkg.weight)) add(`${path}.weight`, `not a number > 0: ${JSON.stringify(pkg.weight)}`);
      if (!isWeightUnit(pkg.weightUnit)) add(`${path}.weightUnit`, `not a weight unit (KG, G, LB, OZ): ${JSON.stringify(pkg.weightUnit)}`);
      for (const side of ['length', 'width', 'height'] as const) if (!positive(pkg[side])) add(`${path}.${side}`, `not a number > 0: ${JSON.stringify(pkg[side])}`);
      if (!isLengthUnit(pkg.lengthUnit)) add(`${path}.lengthUnit`, `not a length unit (CM, M, MM, IN, FT): ${JSON.stringify(pkg.lengthUnit)}`);
    });
  }
  for (const problem of validatePostalAddress(request.shipTo)) add(`shipTo.${problem.field}`, problem.problem === 'MISSING' ? 'required' : 'invalid');
  if (typeof request.shipTo?.residential !== 'boolean') add('shipTo.residential', 'required: true or false');
  if (!isIsoInstant(request.promisedDeliveryAt)) add('promisedDeliveryAt', `not an ISO-8601 instant with offset: ${JSON.stringify(request.promisedDeliveryAt)}`);
  if (typeof request.hazmat !== 'boolean') add('hazmat', 'required: true or false');
  if (typeof request.liftgateRequired !== 'boolean') add('liftgateRequired', 'required: true or false');
  if (!isCurrencyCode(request.currency)) add('currency', `not an ISO 4217 code: ${JSON.stringify(request.currency)}`);
  if (!isKnownTimeZone(calendars?.siteTimeZone)) add('calendars.siteTimeZone', `not a known IANA time zone: ${JSON.stringify(calendars?.siteTimeZone)}`);
  if (!isKnownTimeZone(calendars?.consigneeTimeZone)) add('calendars.consigneeTimeZone', `not a known IANA time zone: ${JSON.stringify(calendars?.consigneeTimeZone)}`);
  return problems;
}
