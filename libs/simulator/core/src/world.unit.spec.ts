import { createWorld, SHIP_TO_COUNTRIES, siteDirectoryOf, siteFor } from './world';
import { createRandom } from './random';

describe('simulated world', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(createWorld({ seed: 1, tenants: 3 })).toEqual(createWorld({ seed: 1, tenants: 3 }));
    expect(createWorld({ seed: 1, tenants: 3 }).tenants[0].catalogue).not.toEqual(createWorld({ seed: 2, tenants: 3 }).tenants[0].catalogue);
  });

  it('has N tenants whose catalogues and customers use the same ids: collisions are the normal case', () => {
    const world = createWorld({ seed: 1, tenants: 4, skusPerTenant: 25, customersPerTenant: 10 });
    expect(world.tenants.map((t) => t.tenantId)).toEqual(['tenant-01', 'tenant-02', 'tenant-03', 'tenant-04']);
    for (const tenant of world.tenants) {
      expect(tenant.catalogue).toHaveLength(25);
      expect(new Set(tenant.catalogue.map((i) => i.sku)).size).toBe(25);
      for (const item of tenant.catalogue) expect(item.sku).toMatch(/^[A-Z]{4}-\d{4}$/);
      // The same customer ids in every tenant, with each tenant's own addresses.
      expect(tenant.customers.map((c) => c.customerId)).toEqual(Array.from({ length: 10 }, (_, n) => `C${String(n + 1).padStart(4, '0')}`));
    }
    expect(world.tenants[0].customers.map((c) => c.shipTo)).not.toEqual(world.tenants[1].customers.map((c) => c.shipTo));
    // One SKU namespace (25 × 1.25 = 32 codes): catalogues differ but mostly overlap.
    const allSkus = new Set(world.tenants.flatMap((t) => t.catalogue.map((i) => i.sku)));
    expect(allSkus.size).toBeLessThanOrEqual(32);
    const [a, b] = world.tenants.map((t) => new Set(t.catalogue.map((i) => i.sku)));
    expect(a).not.toEqual(b);
    expect([...a].filter((sku) => b.has(sku)).length).toBeGreaterThanOrEqual(25 - 7);
    expect(() => createWorld({ seed: 1, tenants: 0 })).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, tenants: 1, skusPerTenant: 10, sharedSkus: 9 })).toThrow(/sharedSkus/);
  });

  it('stocks a SKU in the same unit (and with the same weight and size) in every tenant', () => {
    const world = createWorld({ seed: 9, tenants: 5 });
    const bySku = new Map<string, unknown>();
    for (const tenant of world.tenants)
      for (const { sku, ...item } of tenant.catalogue) {
        if (bySku.has(sku)) expect(item).toEqual(bySku.get(sku));
        bySku.set(sku, item);
      }
    expect(new Set(Array.from(bySku.values(), (item) => (item as { unitOfMeasure: string }).unitOfMeasure)).size).toBeGreaterThan(3);
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
  it('prefixes tenant ids and the site operator only: SKUs, customers and what is drawn stay the same', () => {
    const plain = createWorld({ seed: 5, tenants: 2 });
    const prefixed = createWorld({ seed: 5, tenants: 2, tenantIdPrefix: 'run42-' });
    expect(prefixed.tenants.map((t) => t.tenantId)).toEqual(['run42-tenant-01', 'run42-tenant-02']);
    expect(prefixed.tenants.map(({ tenantId: _t, ...tenant }) => tenant)).toEqual(plain.tenants.map(({ tenantId: _t, ...tenant }) => tenant));
    expect(plain.sites.map((s) => s.operator)).toEqual(plain.sites.map(() => 'sim-3pl'));
    expect(prefixed.sites.map((s) => s.operator)).toEqual(plain.sites.map(() => 'run42-sim-3pl'));
    expect(createWorld({ seed: 5, tenants: 1, tenantIdPrefix: 'r-', siteOperator: 'acme-3pl' }).sites[0].operator).toBe('r-acme-3pl');
  });
});

describe('site directory', () => {
  it('lists every site under its operator, serving every simulated tenant (LADING_SITES)', () => {
    const world = createWorld({ seed: 5, tenants: 3, tenantIdPrefix: 'run42-' });
    const directory = siteDirectoryOf(world);
    expect(directory.map((entry) => entry.siteId)).toEqual(world.sites.map((site) => site.siteId));
    for (const entry of directory) expect(entry).toEqual({ siteId: entry.siteId, operator: 'run42-sim-3pl', serves: ['run42-tenant-01', 'run42-tenant-02', 'run42-tenant-03'] });
    expect(JSON.parse(JSON.stringify(directory))).toEqual(directory);
  });
});
