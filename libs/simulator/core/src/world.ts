import { Address } from './facts';
import { createRandom, Random } from './random';

/** A warehouse site with its local release window (a cut-off before `opensAt` crosses midnight). */
export interface SimulatedSite {
  siteId: string;
  timeZone: string;
  releaseWindow: { opensAt: string; cutOff: string };
  dailyCapacity: number;
  /** Countries this site ships to; the ERP assigns orders by ship-to country. */
  serves: string[];
}

export interface CatalogueItem {
  sku: string;
  description: string;
  unitOfMeasure: 'EA' | 'PK' | 'CS' | 'PL' | 'KG' | 'M';
  /** Weight of one unit of measure, for packing. */
  unitWeightKg: number;
  /** Volume of one unit of measure, for choosing boxes. */
  unitVolumeCm3: number;
}

export interface SimulatedCustomer {
  customerId: string;
  shipTo: Address;
}

export interface SimulatedTenant {
  tenantId: string;
  name: string;
  catalogue: CatalogueItem[];
  customers: SimulatedCustomer[];
  /** Relative share of the order flow. */
  weight: number;
}

export interface SimulatedWorld {
  seed: number;
  tenants: SimulatedTenant[];
  sites: SimulatedSite[];
}

export interface WorldConfig {
  seed: number;
  /** Number of tenants (N). */
  tenants: number;
  skusPerTenant?: number;
  customersPerTenant?: number;
  /** Multiplies every site's daily capacity (default 1: 400–1,200 orders a day). */
  capacityScale?: number;
  /**
   * Prepended to tenant ids (and so to order and customer ids) and to SKUs: runs sharing a
   * broker keep their tenants apart, also on the compacted inventory topic, whose key
   * (sku@site) has no tenant. Does not change what is drawn: the same seed gives the same world.
   */
  tenantIdPrefix?: string;
  /**
   * Every site releases around the clock (window 00:00 → 00:00 the next day): runs whose
   * outcome must not depend on the hour of the day they happen to start at (the e2e test).
   */
  roundTheClock?: boolean;
}

/** Sites in several zones; US-IL1 runs a night shift whose cut-off crosses midnight. */
const SITES: readonly (Omit<SimulatedSite, 'dailyCapacity'> & { capacity: number })[] = [
  { siteId: 'US-NJ1', timeZone: 'America/New_York', releaseWindow: { opensAt: '06:00', cutOff: '15:00' }, capacity: 1200, serves: ['US', 'CA', 'MX'] },
  { siteId: 'US-IL1', timeZone: 'America/Chicago', releaseWindow: { opensAt: '14:00', cutOff: '02:00' }, capacity: 800, serves: ['US', 'CA'] },
  { siteId: 'US-CA1', timeZone: 'America/Los_Angeles', releaseWindow: { opensAt: '07:00', cutOff: '16:00' }, capacity: 900, serves: ['US', 'MX'] },
  { siteId: 'GB-MK1', timeZone: 'Europe/London', releaseWindow: { opensAt: '06:00', cutOff: '14:30' }, capacity: 700, serves: ['GB', 'IE'] },
  { siteId: 'DE-HAM', timeZone: 'Europe/Berlin', releaseWindow: { opensAt: '06:00', cutOff: '16:00' }, capacity: 800, serves: ['DE', 'FR', 'NL'] },
  { siteId: 'AU-SYD', timeZone: 'Australia/Sydney', releaseWindow: { opensAt: '07:00', cutOff: '15:00' }, capacity: 500, serves: ['AU', 'NZ'] },
  { siteId: 'JP-OSA', timeZone: 'Asia/Tokyo', releaseWindow: { opensAt: '08:00', cutOff: '17:00' }, capacity: 400, serves: ['JP', 'HK'] },
];

interface Place {
  countryCode: string;
  city: string;
  region?: string;
  postalCodes: string[];
  /** Countries without postal codes leave `postalCodes` empty. */
}

const PLACES: readonly Place[] = [
  { countryCode: 'US', city: 'Newark', region: 'NJ', postalCodes: ['07102', '07105', '07114'] },
  { countryCode: 'US', city: 'New York', region: 'NY', postalCodes: ['10001', '10013', '10036'] },
  { countryCode: 'US', city: 'Chicago', region: 'IL', postalCodes: ['60601', '60607', '60622'] },
  { countryCode: 'US', city: 'Austin', region: 'TX', postalCodes: ['78701', '78704'] },
  { countryCode: 'US', city: 'Los Angeles', region: 'CA', postalCodes: ['90012', '90021'] },
  { countryCode: 'US', city: 'Seattle', region: 'WA', postalCodes: ['98101', '98108'] },
  { countryCode: 'CA', city: 'Toronto', region: 'ON', postalCodes: ['M5V 2T6', 'M4C 1B5'] },
  { countryCode: 'CA', city: 'Vancouver', region: 'BC', postalCodes: ['V6B 1A1'] },
  { countryCode: 'MX', city: 'Monterrey', region: 'NL', postalCodes: ['64000'] },
  { countryCode: 'GB', city: 'London', postalCodes: ['SW1A 1AA', 'E14 5AB', 'N1 9GU'] },
  { countryCode: 'GB', city: 'Manchester', postalCodes: ['M1 1AE', 'M4 5JD'] },
  { countryCode: 'IE', city: 'Dublin', postalCodes: ['D02 X285'] },
  { countryCode: 'DE', city: 'Hamburg', postalCodes: ['20095', '20457'] },
  { countryCode: 'DE', city: 'München', postalCodes: ['80331'] },
  { countryCode: 'FR', city: 'Paris', postalCodes: ['75001', '75011'] },
  { countryCode: 'NL', city: 'Rotterdam', postalCodes: ['3011 AD'] },
  { countryCode: 'AU', city: 'Sydney', region: 'NSW', postalCodes: ['2000', '2015'] },
  { countryCode: 'AU', city: 'Melbourne', region: 'VIC', postalCodes: ['3000'] },
  { countryCode: 'NZ', city: 'Auckland', postalCodes: ['1010'] },
  { countryCode: 'JP', city: 'Osaka', postalCodes: ['530-0001'] },
  { countryCode: 'HK', city: 'Kowloon', postalCodes: [] },
];

const STREETS = ['Harbour Rd', 'Dock St', 'Industrial Pkwy', 'Mill Lane', 'Commerce Way', 'Quay St', 'Station Rd', 'Depot Ave', 'Canal St', 'Freight Blvd'];
const BUSINESSES = ['Hardware', 'Supply Co', 'Trading', 'Outfitters', 'Builders Merchant', 'Marine', 'Garden Centre', 'Electrical', 'Home Goods', 'Workshop'];
const NAMES = ['Harbor', 'Northside', 'Blue Anchor', 'Summit', 'Riverbend', 'Kestrel', 'Ironwood', 'Maple', 'Seaview', 'Granite', 'Union', 'Pioneer'];
const TENANT_NAMES = ['Acme Distribution', 'Globex Supply', 'Initech Parts', 'Umbrella Retail', 'Stark Industrial', 'Wayne Hardware', 'Wonka Foods', 'Tyrell Components'];
const CATEGORIES: readonly (readonly [string, CatalogueItem['unitOfMeasure'], number, number])[] = [
  // code, unit, kg per unit, cm³ per unit
  ['BOLT', 'EA', 0.05, 20],
  ['HNGE', 'EA', 0.3, 250],
  ['LAMP', 'EA', 1.2, 6000],
  ['GLOV', 'PK', 0.4, 1500],
  ['TAPE', 'PK', 0.6, 1800],
  ['PAIN', 'CS', 12, 16000],
  ['TILE', 'CS', 18, 14000],
  ['CEMT', 'PL', 900, 1_200_000],
  ['SEED', 'KG', 1, 1500],
  ['ROPE', 'M', 0.15, 120],
];

/** Country codes the world ships to. */
export const SHIP_TO_COUNTRIES: readonly string[] = [...new Set(PLACES.map((place) => place.countryCode))];

function address(random: Random, name: string): Address {
  const place = random.pick(PLACES);
  return {
    name,
    line1: `${random.int(1, 999)} ${random.pick(STREETS)}`,
    city: place.city,
    ...(place.region ? { region: place.region } : {}),
    ...(place.postalCodes.length > 0 ? { postalCode: random.pick(place.postalCodes) } : {}),
    countryCode: place.countryCode,
  };
}

/** Tenants, their catalogues and customers, and the sites — the same for the same seed. */
export function createWorld(config: WorldConfig): SimulatedWorld {
  const { seed, tenants: tenantCount, skusPerTenant = 40, customersPerTenant = 60, capacityScale = 1, tenantIdPrefix = '' } = config;
  if (!Number.isInteger(tenantCount) || tenantCount < 1) throw new RangeError(`tenants must be a positive integer, got ${tenantCount}`);
  const tenants: SimulatedTenant[] = [];
  for (let index = 0; index < tenantCount; index++) {
    const random = createRandom(seed).fork(`tenant:${index}`);
    const tenantId = `${tenantIdPrefix}tenant-${String(index + 1).padStart(2, '0')}`;
    const prefix = String.fromCharCode(65 + (index % 26)) + String.fromCharCode(65 + (Math.floor(index / 26) % 26));
    const catalogue: CatalogueItem[] = Array.from({ length: skusPerTenant }, (_, n) => {
      const [code, unitOfMeasure, kg, cm3] = random.weighted(CATEGORIES.map((category) => [category, category[1] === 'PL' || category[1] === 'KG' || category[1] === 'M' ? 1 : 3] as const));
      const spread = random.between(0.6, 1.6);
      return {
        sku: `${tenantIdPrefix}${prefix}-${code}-${String(n + 1).padStart(4, '0')}`,
        description: `${code.toLowerCase()} #${n + 1}`,
        unitOfMeasure,
        unitWeightKg: Math.round(kg * spread * 1000) / 1000,
        unitVolumeCm3: Math.round(cm3 * spread),
      };
    });
    const customers: SimulatedCustomer[] = Array.from({ length: customersPerTenant }, (_, n) => ({
      customerId: `${tenantId}-C${String(n + 1).padStart(4, '0')}`,
      shipTo: address(random, `${random.pick(NAMES)} ${random.pick(BUSINESSES)}`),
    }));
    // A few big tenants and a long tail, as in a 3PL's book.
    tenants.push({ tenantId, name: TENANT_NAMES[index % TENANT_NAMES.length], catalogue, customers, weight: 1 / (index + 1) });
  }
  const sites = SITES.map(({ capacity, ...site }) => ({
    ...site,
    releaseWindow: config.roundTheClock ? { opensAt: '00:00', cutOff: '00:00' } : site.releaseWindow,
    serves: [...site.serves],
    dailyCapacity: Math.max(1, Math.round(capacity * capacityScale)),
  }));
  return { seed, tenants, sites };
}

/** The site the ERP assigns for a ship-to country (several candidates: drawn). */
export function siteFor(world: SimulatedWorld, countryCode: string, random: Random): SimulatedSite {
  const candidates = world.sites.filter((site) => site.serves.includes(countryCode));
  return random.pick(candidates.length > 0 ? candidates : world.sites);
}
