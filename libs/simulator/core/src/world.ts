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
  /**
   * Who runs the site (the 3PL): a site is a physical resource shared by tenants and owned by
   * its operator (DESIGN §9), whose WMS reports its status once, not once per tenant.
   */
  operator: string;
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
  /** Size of each tenant's catalogue, drawn from the shared SKU namespace (default 40). */
  skusPerTenant?: number;
  /**
   * Size of the one SKU namespace every tenant's catalogue is a subset of (default a quarter
   * more than `skusPerTenant`, so catalogues mostly overlap: tenants stock the same SKU codes).
   */
  sharedSkus?: number;
  /** Customers per tenant, `C0001`… — the same ids in every tenant (default 60). */
  customersPerTenant?: number;
  /** Multiplies every site's daily capacity (default 1: 400–1,200 orders a day). */
  capacityScale?: number;
  /**
   * Prepended to tenant ids and to the site operator's id, and to nothing else: runs sharing a
   * broker keep their tenants apart (every tenant-owned key carries the tenant, the inventory
   * topic's too). Order numbers, customer ids and SKUs stay the same in every tenant and every
   * run — colliding ids are the normal case (DESIGN §9), a prefix on them would hide a mix-up.
   * Does not change what is drawn: the same seed gives the same world.
   */
  tenantIdPrefix?: string;
  /** Id of the operator (the 3PL) that runs every simulated site, before the prefix (default `sim-3pl`). */
  siteOperator?: string;
  /**
   * Every site releases around the clock (window 00:00 → 00:00 the next day): runs whose
   * outcome must not depend on the hour of the day they happen to start at (the e2e test).
   */
  roundTheClock?: boolean;
}

/** Sites in several zones; US-IL1 runs a night shift whose cut-off crosses midnight. */
const SITES: readonly (Omit<SimulatedSite, 'dailyCapacity' | 'operator'> & { capacity: number })[] = [
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

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The one SKU namespace: `BOLT-0001`, `TAPE-0003`…, each with one unit of measure wherever it is stocked. */
function sharedCatalogue(seed: number, size: number): CatalogueItem[] {
  const random = createRandom(seed).fork('skus');
  const numbers = new Map<string, number>();
  return Array.from({ length: size }, () => {
    const [code, unitOfMeasure, kg, cm3] = random.weighted(CATEGORIES.map((category) => [category, category[1] === 'PL' || category[1] === 'KG' || category[1] === 'M' ? 1 : 3] as const));
    const n = (numbers.get(code) ?? 0) + 1;
    numbers.set(code, n);
    const spread = random.between(0.6, 1.6);
    return {
      sku: `${code}-${pad(n, 4)}`,
      description: `${code.toLowerCase()} #${n}`,
      unitOfMeasure,
      unitWeightKg: Math.round(kg * spread * 1000) / 1000,
      unitVolumeCm3: Math.round(cm3 * spread),
    };
  });
}

/** `count` of the shared items, drawn without repeats, in the namespace's order. */
function subset(items: readonly CatalogueItem[], count: number, random: Random): CatalogueItem[] {
  const indices = items.map((_, n) => n);
  for (let n = 0; n < count; n++) {
    const other = random.int(n, indices.length - 1);
    [indices[n], indices[other]] = [indices[other], indices[n]];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((n) => ({ ...items[n] }));
}

/**
 * Tenants, their catalogues and customers, and the sites — the same for the same seed. Ids
 * collide across tenants on purpose (DESIGN §9): every tenant numbers its customers `C0001`…,
 * and every catalogue is a subset of one SKU namespace.
 */
export function createWorld(config: WorldConfig): SimulatedWorld {
  const { seed, tenants: tenantCount, skusPerTenant = 40, customersPerTenant = 60, capacityScale = 1, tenantIdPrefix = '', siteOperator = 'sim-3pl' } = config;
  const sharedSkus = config.sharedSkus ?? Math.ceil(skusPerTenant * 1.25);
  if (!Number.isInteger(tenantCount) || tenantCount < 1) throw new RangeError(`tenants must be a positive integer, got ${tenantCount}`);
  if (!Number.isInteger(sharedSkus) || sharedSkus < skusPerTenant) throw new RangeError(`sharedSkus must be an integer ≥ skusPerTenant (${skusPerTenant}), got ${sharedSkus}`);
  const skus = sharedCatalogue(seed, sharedSkus);
  const tenants: SimulatedTenant[] = [];
  for (let index = 0; index < tenantCount; index++) {
    const random = createRandom(seed).fork(`tenant:${index}`);
    const tenantId = `${tenantIdPrefix}tenant-${pad(index + 1, 2)}`;
    const catalogue = subset(skus, skusPerTenant, random);
    const customers: SimulatedCustomer[] = Array.from({ length: customersPerTenant }, (_, n) => ({
      customerId: `C${pad(n + 1, 4)}`,
      shipTo: address(random, `${random.pick(NAMES)} ${random.pick(BUSINESSES)}`),
    }));
    // A few big tenants and a long tail, as in a 3PL's book.
    tenants.push({ tenantId, name: TENANT_NAMES[index % TENANT_NAMES.length], catalogue, customers, weight: 1 / (index + 1) });
  }
  const operator = `${tenantIdPrefix}${siteOperator}`;
  const sites = SITES.map(({ capacity, ...site }) => ({
    ...site,
    releaseWindow: config.roundTheClock ? { opensAt: '00:00', cutOff: '00:00' } : site.releaseWindow,
    serves: [...site.serves],
    dailyCapacity: Math.max(1, Math.round(capacity * capacityScale)),
    operator,
  }));
  return { seed, tenants, sites };
}

/** One site of `LADING_SITES` (see SiteDirectory in @lading/tenancy): who runs it, which tenants it serves. */
export interface SiteDirectoryEntry {
  siteId: string;
  operator: string;
  serves: string[];
}

/**
 * The site directory the simulated world implies: every site run by its operator and serving
 * every simulated tenant. `JSON.stringify` it for `LADING_SITES`, so the services accept the
 * operator's status reports and release every tenant's orders to the sites.
 */
export function siteDirectoryOf(world: SimulatedWorld): SiteDirectoryEntry[] {
  const tenantIds = world.tenants.map((tenant) => tenant.tenantId);
  return world.sites.map((site) => ({ siteId: site.siteId, operator: site.operator, serves: [...tenantIds] }));
}

/** The site the ERP assigns for a ship-to country (several candidates: drawn). */
export function siteFor(world: SimulatedWorld, countryCode: string, random: Random): SimulatedSite {
  const candidates = world.sites.filter((site) => site.serves.includes(countryCode));
  return random.pick(candidates.length > 0 ? candidates : world.sites);
}
