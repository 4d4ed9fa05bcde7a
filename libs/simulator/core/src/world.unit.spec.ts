import { createWorld, SHIP_TO_COUNTRIES, siteFor } from './world';
import { createRandom } from './random';

describe('simulated world', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(createWorld({ seed: 1, tenants: 3 })).toEqual(createWorld({ seed: 1, tenants: 3 }));
    expect(createWorld({ seed: 1, tenants: 3 }).tenants[0].catalogue).not.toEqual(createWorld({ seed: 2, tenants: 3 }).tenants[0].catalogue);
  });

  it('has N tenants with their own catalogues and customers', () => {
    const world = createWorld({ seed: 1, tenants: 4, skusPerTenant: 25, customersPerTenant: 10 });
    expect(world.tenants.map((t) => t.tenantId)).toEqual(['tenant-01', 'tenant-02', 'tenant-03', 'tenant-04']);
    for (const tenant of world.tenants) {
      expect(tenant.catalogue).toHaveLength(25);
      expect(new Set(tenant.catalogue.map((i) => i.sku)).size).toBe(25);
      expect(tenant.customers).toHaveLength(10);
    }
    const allSkus = world.tenants.flatMap((t) => t.catalogue.map((i) => i.sku));
    expect(new Set(allSkus).size).toBe(allSkus.length);
    expect(() => createWorld({ seed: 1, tenants: 0 })).toThrow(RangeError);
  });

  it('has sites in real IANA zones, including a cut-off across midnight, serving every ship-to country', () => {
    const world = createWorld({ seed: 1, tenants: 1 });
    for (const site of world.sites) expect(() => new Intl.DateTimeFormat('en', { timeZone: site.timeZone })).not.toThrow();
    expect(world.sites.some((s) => s.releaseWindow.cutOff <= s.releaseWindow.opensAt)).toBe(true);
    expect(new Set(world.sites.map((s) => s.timeZone)).size).toBeGreaterThanOrEqual(5);
    for (const country of SHIP_TO_COUNTRIES) expect(siteFor(world, country, createRandom(1)).serves).toContain(country);
  });

  it('gives customers addresses in several countries, with the fields those countries use', () => {
    const world = createWorld({ seed: 1, tenants: 3 });
    const addresses = world.tenants.flatMap((t) => t.customers.map((c) => c.shipTo));
    expect(new Set(addresses.map((a) => a.countryCode)).size).toBeGreaterThanOrEqual(6);
    for (const a of addresses) {
      expect(a.name && a.line1 && a.city).toBeTruthy();
      if (['US', 'CA', 'AU', 'MX'].includes(a.countryCode)) expect(a.region).toBeTruthy();
      if (a.countryCode !== 'HK') expect(a.postalCode).toBeTruthy();
    }
  });

  it('scales site capacity', () => {
    const base = createWorld({ seed: 1, tenants: 1 }).sites[0].dailyCapacity;
    expect(createWorld({ seed: 1, tenants: 1, capacityScale: 0.01 }).sites[0].dailyCapacity).toBe(Math.round(base * 0.01));
  });
});

describe('tenant id prefix', () => {
  it('prefixes tenant, customer and SKU ids without changing what is drawn', () => {
    const plain = createWorld({ seed: 5, tenants: 2 });
    const prefixed = createWorld({ seed: 5, tenants: 2, tenantIdPrefix: 'run42-' });
    expect(prefixed.tenants.map((t) => t.tenantId)).toEqual(['run42-tenant-01', 'run42-tenant-02']);
    expect(prefixed.tenants[0].customers[0].customerId).toBe(`run42-${plain.tenants[0].customers[0].customerId}`);
    expect(prefixed.tenants[0].catalogue).toEqual(plain.tenants[0].catalogue.map((item) => ({ ...item, sku: `run42-${item.sku}` })));
  });
});
