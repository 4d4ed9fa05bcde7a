import type { HolidayArea, LocalDate, LocalTime } from '@lading/shared-domain';
import type { Money } from '../money/money';

/**
 * A tenant's rate card with one carrier, as the tenant publishes it (JSON over the HTTP API).
 * A card is a contract: every amount on it is in the card's `currency`, every weight in
 * kilograms, every length in centimetres. It is versioned by `effectiveFrom`; the version in
 * force at an instant is `effectiveVersionAt(state, instant)`.
 *
 * Pricing a shipment with a service (see `priceShipment`):
 *   billable kg per package = max(actual kg, L×W×H / dimensionalDivisorCm3PerKg), rounded UP to
 *   `billableWeightIncrementKg`; the shipment's billable weight is their sum;
 *   weight charge = billable kg × the `ratePerKg` of the first weight break whose `upToKg` is at
 *   least that weight; freight charge = max(weight charge, `minimumCharge`);
 *   fuel surcharge = freight charge × `fuelSurchargePercent` / 100;
 *   accessorials (residential, liftgate) are flat per shipment and carry no fuel surcharge;
 *   each line is rounded half up to the currency's minor unit, the total is the sum of the lines.
 */
export interface RateCard {
  /** Stream key of the card (`rate-card:<rateCardId>`); unique within the tenant. */
  rateCardId: string;
  /** Carrier code as the TMS knows it (SCAC or TMS carrier code). */
  carrierId: string;
  /** ISO 4217 code of every amount on the card. */
  currency: string;
  /** ISO-8601 instant with offset from which this version applies. */
  effectiveFrom: string;
  /** The carrier's dimensional divisor, cm³ per kg (5000 express, 6000 IATA air, 4000 some road). */
  dimensionalDivisorCm3PerKg: number;
  /** Each package's billable weight is rounded up to a multiple of this (e.g. 0.5 or 1 kg). */
  billableWeightIncrementKg: number;
  /** Fuel surcharge on the freight charge, percent as a decimal string (`"12.5"`). */
  fuelSurchargePercent: string;
  /** Flat per-shipment charges. No `residential` entry: residential delivery costs nothing extra; no `liftgate`: not offered. */
  accessorials?: { residential?: Money; liftgate?: Money };
  /** The origin sites the carrier collects from, each with its daily pickup cut-off (site local time). */
  sites: PickupSite[];
  /** The carrier's working days and holidays; absent: Monday–Friday, no holidays. */
  carrierCalendar?: CarrierCalendar;
  services: ServiceRate[];
}

export interface PickupSite {
  siteId: string;
  /** Packages ready before this local time (`HH:mm`, the site's zone) on a carrier business day leave the same day. */
  pickupCutOff: LocalTime;
}

/** The carrier's own calendar, reckoned in the zone of whichever place it is applied to. */
export interface CarrierCalendar {
  /** ISO weekdays the carrier picks up and delivers (1 = Monday … 7 = Sunday); default Monday–Friday. */
  workingDays?: number[];
  /** Whose public holidays the carrier keeps. */
  holidaysOf?: HolidayArea;
  /** The carrier's further closures. */
  closedDates?: LocalDate[];
}

export interface ServiceRate {
  /** The carrier's service, e.g. `GROUND`, `2DAY`, `OVERNIGHT`, `LTL`; unique on the card. */
  serviceLevel: string;
  /** Origin sites this service runs from (each on `sites`); absent: every site of the card. */
  originSiteIds?: string[];
  /** Business days from pickup to delivery (a zone may say otherwise). */
  transitBusinessDays: number;
  /** Where the service delivers. */
  zones: DestinationZone[];
  /** Ascending by `upToKg`; the last one is the most a shipment may weigh (billable). */
  weightBreaks: WeightBreak[];
  minimumCharge: Money;
  /** Heaviest package the service takes (actual weight, kg). */
  maxPackageWeightKg: number;
  hazmatAccepted: boolean;
}

/**
 * A destination zone: a country, or the postal codes of a country that start with one of
 * `postalPrefixes` (case and spaces ignored). When several zones of a service match, the one
 * with the longest matching prefix decides the transit time; a whole-country zone comes last.
 */
export interface DestinationZone {
  zoneId: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
  /** Absent: the whole country. Never empty (an empty list would cover nothing). */
  postalPrefixes?: string[];
  /** Overrides the service's transit time for this zone. */
  transitBusinessDays?: number;
}

export interface WeightBreak {
  /** Inclusive upper bound of the shipment's billable weight, kg. */
  upToKg: number;
  /** Price per billable kg in this break. */
  ratePerKg: Money;
}
