import { InventoryLevelChanged, ReleaseOrderToWarehouseCommand, SimulatedFact, WmsFact } from './facts';
import { createWarehouseSimulator, WarehouseSimulationConfig } from './wms';
import { createWorld } from './world';

const world = createWorld({ seed: 5, tenants: 2, skusPerTenant: 10 });
const tenant = world.tenants[0];
const START = '2026-03-01T00:00:00.000Z';
const config: WarehouseSimulationConfig = { seed: 5, world, startAt: START, outOfStockRate: 0, shortageRate: 0, initialStock: { min: 50, max: 50 } };
const parcelItems = tenant.catalogue.filter((i) => i.unitOfMeasure === 'EA' || i.unitOfMeasure === 'PK');

function release(n: number, overrides: Partial<ReleaseOrderToWarehouseCommand> = {}): ReleaseOrderToWarehouseCommand {
  return {
    type: 'ReleaseOrderToWarehouse',
    warehouseOrderId: `SO-${n}-R1`,
    orderId: `SO-${n}`,
    tenantId: tenant.tenantId,
    siteId: 'US-NJ1',
    lines: [{ sku: parcelItems[0].sku, quantity: 4, unitOfMeasure: parcelItems[0].unitOfMeasure }],
    ...overrides,
  };
}

const types = (facts: SimulatedFact<WmsFact>[]) => facts.map((f) => f.fact.type);
const DAY_LATER = '2026-03-02T00:00:00.000Z';

describe('WMS simulator', () => {
  it('publishes every site once, by its operator, and every tenant × sku × site at start', () => {
    const wms = createWarehouseSimulator(config);
    const facts = wms.start();
    const sites = facts.filter((f) => f.fact.type === 'SiteStatusChanged');
    expect(sites.map((f) => f.key)).toEqual(world.sites.map((site) => site.siteId));
    for (const site of sites) expect(site).toMatchObject({ tenantId: 'sim-3pl', fact: { operator: 'sim-3pl' } });
    const stock = facts.filter((f): f is SimulatedFact<InventoryLevelChanged> => f.fact.type === 'InventoryLevelChanged');
    expect(stock).toHaveLength(world.tenants.length * world.sites.length * 10);
    const { fact } = stock[0];
    expect(stock[0]).toMatchObject({ at: START, system: 'WMS', tenantId: fact.tenantId, key: `${fact.tenantId}@${fact.sku}@${fact.siteId}`, fact: { onHand: 50, delta: 50, reason: 'INITIAL' } });
    expect(new Set(stock.map((f) => f.key)).size).toBe(stock.length);
    expect(facts.find((f) => f.fact.type === 'SiteStatusChanged' && f.fact.siteId === 'US-IL1')!.fact).toMatchObject({
      status: 'OPEN',
      timeZone: 'America/Chicago',
      releaseWindow: { opensAt: '14:00', cutOff: '02:00' },
    });
  });

  it('answers a release with accept → pick → pack → ship, in time order, and takes the stock at pick time', () => {
    const wms = createWarehouseSimulator(config);
    wms.start();
    wms.handle(release(1), '2026-03-01T01:00:00.000Z');
    const facts = wms.advanceTo(DAY_LATER);
    expect(types(facts)).toEqual(['WarehouseOrderAccepted', 'InventoryLevelChanged', 'WarehouseOrderPicked', 'OrderPacked', 'OrderShipped']);
    for (let i = 1; i < facts.length; i++) expect(facts[i].at >= facts[i - 1].at).toBe(true);
    expect(facts[0].at > '2026-03-01T01:00:00.000Z').toBe(true);
    expect(facts.every((f) => f.tenantId === tenant.tenantId)).toBe(true);
    expect(facts[1].fact).toMatchObject({ type: 'InventoryLevelChanged', onHand: 46, delta: -4, reason: 'PICK' });
    expect(facts[2].fact).toMatchObject({ lines: [{ ordered: 4, picked: 4 }], short: false });
    const packed = facts[3].fact.type === 'OrderPacked' ? facts[3].fact.packages : [];
    expect(packed.reduce((sum, p) => sum + p.contents.reduce((s, c) => s + c.quantity, 0), 0)).toBe(4);
    expect(facts[4].fact).toMatchObject({ type: 'OrderShipped', packageIds: packed.map((p) => p.packageId) });
    expect(wms.stockOnHand(tenant.tenantId, 'US-NJ1', parcelItems[0].sku)).toBe(46);
    expect(wms.warehouseOrder(tenant.tenantId, 'SO-1-R1')).toMatchObject({ status: 'SHIPPED' });
  });

  it('packs parcels of at most 25 kg (plus tare) and pallets on their own', () => {
    const heavyWorld = createWorld({ seed: 5, tenants: 1, skusPerTenant: 60 });
    const items = heavyWorld.tenants[0].catalogue;
    const parcel = items.find((i) => i.unitOfMeasure === 'EA' && i.unitWeightKg < 2)!;
    const palletItem = items.find((i) => i.unitOfMeasure === 'PL')!;
    const wms = createWarehouseSimulator({ ...config, world: heavyWorld, initialStock: { min: 1000, max: 1000 } });
    wms.start();
    wms.handle(
      release(2, {
        tenantId: heavyWorld.tenants[0].tenantId,
        lines: [
          { sku: parcel.sku, quantity: 300, unitOfMeasure: 'EA' },
          { sku: palletItem.sku, quantity: 2, unitOfMeasure: 'PL' },
        ],
      }),
      START,
    );
    const packed = wms.advanceTo(DAY_LATER).find((f) => f.fact.type === 'OrderPacked')!;
    const packages = packed.fact.type === 'OrderPacked' ? packed.fact.packages : [];
    const pallets = packages.filter((p) => p.contents[0].sku === palletItem.sku);
    expect(pallets).toHaveLength(2);
    for (const p of pallets) expect(p).toMatchObject({ lengthCm: 120, widthCm: 80 });
    const parcels = packages.filter((p) => p.contents[0].sku !== palletItem.sku);
    expect(parcels.length).toBeGreaterThan(1);
    for (const p of parcels) expect(p.weightKg).toBeLessThanOrEqual(25.5);
    expect(parcels.reduce((sum, p) => sum + p.contents[0].quantity, 0)).toBe(300);
  });

  it('picks short when stock is not there, and packs nothing when nothing was picked', () => {
    const wms = createWarehouseSimulator({ ...config, initialStock: { min: 3, max: 3 }, restock: false });
    wms.start();
    wms.handle(release(3, { lines: [{ sku: parcelItems[0].sku, quantity: 5, unitOfMeasure: 'EA' }] }), START);
    wms.handle(release(4, { lines: [{ sku: parcelItems[0].sku, quantity: 5, unitOfMeasure: 'EA' }] }), '2026-03-01T05:00:00.000Z');
    const facts = wms.advanceTo(DAY_LATER);
    const picks = facts.filter((f) => f.fact.type === 'WarehouseOrderPicked').map((f) => f.fact);
    expect(picks).toMatchObject([
      { warehouseOrderId: 'SO-3-R1', lines: [{ ordered: 5, picked: 3 }], short: true },
      { warehouseOrderId: 'SO-4-R1', lines: [{ ordered: 5, picked: 0 }], short: true },
    ]);
    expect(wms.warehouseOrder(tenant.tenantId, 'SO-4-R1')!.status).toBe('NOTHING_PICKED');
    expect(facts.filter((f) => f.key === 'SO-4').map((f) => f.fact.type)).toEqual(['WarehouseOrderAccepted', 'WarehouseOrderPicked']);
  });

  it('finds shortages at the configured rate over many lines (±1 point), writing the loss off', () => {
    const wms = createWarehouseSimulator({ ...config, shortageRate: 0.04, initialStock: { min: 1_000_000, max: 1_000_000 }, restock: false });
    wms.start();
    for (let n = 0; n < 4000; n++) wms.handle(release(n), START);
    const facts = wms.advanceTo(DAY_LATER);
    const picks = facts.flatMap((f) => (f.fact.type === 'WarehouseOrderPicked' ? f.fact.lines : []));
    expect(picks).toHaveLength(4000);
    const adjustments = facts.filter((f) => f.fact.type === 'InventoryLevelChanged' && f.fact.reason === 'ADJUSTMENT');
    expect(Math.abs(adjustments.length / 4000 - 0.04)).toBeLessThan(0.01);
  });

  it('starts the configured share of tenant × sku × site out of stock (±2 points)', () => {
    const big = createWorld({ seed: 8, tenants: 3, skusPerTenant: 100 });
    const facts = createWarehouseSimulator({ seed: 8, world: big, startAt: START, outOfStockRate: 0.1 }).start();
    const levels = facts.filter((f) => f.fact.type === 'InventoryLevelChanged').map((f) => (f.fact as InventoryLevelChanged).onHand);
    expect(Math.abs(levels.filter((onHand) => onHand === 0).length / levels.length - 0.1)).toBeLessThan(0.02);
  });

  it('restocks what fell to the reorder point', () => {
    const wms = createWarehouseSimulator({ ...config, initialStock: { min: 4, max: 4 }, restock: { everyMinutes: 60, reorderPoint: 5, quantity: [100, 100] } });
    wms.start();
    const receipts = wms.advanceTo('2026-03-01T01:00:00.000Z').filter((f) => f.fact.type === 'InventoryLevelChanged');
    expect(receipts).toHaveLength(world.tenants.length * world.sites.length * 10);
    expect(receipts[0].fact).toMatchObject({ onHand: 104, delta: 100, reason: 'RECEIPT' });
    expect(wms.advanceTo('2026-03-01T02:00:00.000Z')).toEqual([]);
  });

  it('cancels a warehouse order not yet shipped and puts picked stock back', () => {
    const wms = createWarehouseSimulator({ ...config, delays: { acceptSeconds: [1, 1], pickMinutes: [10, 10], packMinutes: [60, 60], shipMinutes: [60, 60] } });
    wms.start();
    wms.handle(release(5), START);
    wms.advanceTo('2026-03-01T00:30:00.000Z'); // picked, not packed
    expect(wms.stockOnHand(tenant.tenantId, 'US-NJ1', parcelItems[0].sku)).toBe(46);
    wms.handle({ type: 'CancelWarehouseOrder', warehouseOrderId: 'SO-5-R1', orderId: 'SO-5', tenantId: tenant.tenantId, siteId: 'US-NJ1' }, '2026-03-01T00:30:00.000Z');
    const facts = wms.advanceTo(DAY_LATER);
    expect(types(facts)).toEqual(['WarehouseOrderCancelled', 'InventoryLevelChanged']);
    expect(facts[1].fact).toMatchObject({ reason: 'PUTAWAY', delta: 4, onHand: 50 });
    expect(wms.warehouseOrder(tenant.tenantId, 'SO-5-R1')!.status).toBe('CANCELLED');
  });

  it('rejects cancelling a shipped or unknown warehouse order', () => {
    const wms = createWarehouseSimulator(config);
    wms.start();
    wms.handle(release(6), START);
    wms.advanceTo(DAY_LATER);
    wms.handle({ type: 'CancelWarehouseOrder', warehouseOrderId: 'SO-6-R1', orderId: 'SO-6', tenantId: tenant.tenantId, siteId: 'US-NJ1' }, DAY_LATER);
    wms.handle({ type: 'CancelWarehouseOrder', warehouseOrderId: 'SO-X-R1', orderId: 'SO-X', tenantId: tenant.tenantId, siteId: 'US-NJ1' }, DAY_LATER);
    expect(wms.advanceTo('2026-03-03T00:00:00.000Z').map((f) => f.fact)).toMatchObject([
      { type: 'WarehouseCancellationRejected', warehouseOrderId: 'SO-6-R1', reason: 'ALREADY_SHIPPED' },
      { type: 'WarehouseCancellationRejected', warehouseOrderId: 'SO-X-R1', reason: 'UNKNOWN_WAREHOUSE_ORDER' },
    ]);
  });

  it('ignores a repeated release and counts it', () => {
    const wms = createWarehouseSimulator(config);
    wms.start();
    wms.handle(release(7), START);
    wms.handle(release(7), '2026-03-01T00:00:05.000Z');
    expect(types(wms.advanceTo(DAY_LATER)).filter((t) => t === 'WarehouseOrderAccepted')).toHaveLength(1);
    expect(wms.duplicateReleases()).toBe(1);
    expect(wms.warehouseOrders()).toHaveLength(1);
  });

  it('closes sites now and then at the configured daily rate, and reopens them', () => {
    const wms = createWarehouseSimulator({ ...config, siteClosureRate: 0.3, restock: false });
    wms.start();
    const facts = wms.advanceTo('2026-05-10T00:00:00.000Z'); // 70 days
    const closures = facts.filter((f) => f.fact.type === 'SiteStatusChanged' && f.fact.status === 'CLOSED');
    const reopenings = facts.filter((f) => f.fact.type === 'SiteStatusChanged' && f.fact.status === 'OPEN');
    expect(Math.abs(closures.length / (70 * world.sites.length) - 0.3)).toBeLessThan(0.05);
    expect(reopenings.length).toBe(closures.length);
  });

  describe('two tenants with the same ids', () => {
    const [a, b] = world.tenants;
    // A SKU both catalogues hold (they mostly overlap), in the same unit in both.
    const sku = a.catalogue.find((item) => (item.unitOfMeasure === 'EA' || item.unitOfMeasure === 'PK') && b.catalogue.some((other) => other.sku === item.sku))!;
    const releaseOf = (tenantId: string, quantity: number, warehouseOrderId = 'SO-X-R1'): ReleaseOrderToWarehouseCommand => ({
      type: 'ReleaseOrderToWarehouse',
      warehouseOrderId,
      orderId: warehouseOrderId.replace(/-R\d+$/, ''),
      tenantId,
      siteId: 'US-NJ1',
      lines: [{ sku: sku.sku, quantity, unitOfMeasure: sku.unitOfMeasure }],
    });
    const delays = { acceptSeconds: [1, 1], pickMinutes: [10, 10], packMinutes: [60, 60], shipMinutes: [60, 60] } as WarehouseSimulationConfig['delays'];

    it('takes both tenants’ SO-X-R1 at one site as two warehouse orders, each picked from its own tenant’s stock', () => {
      const wms = createWarehouseSimulator({ ...config, delays, restock: false });
      wms.start();
      wms.handle(releaseOf(a.tenantId, 4), START);
      wms.handle(releaseOf(b.tenantId, 30), START);
      const facts = wms.advanceTo(DAY_LATER);
      expect(wms.duplicateReleases()).toBe(0);
      expect(wms.warehouseOrders().map((o) => [o.tenantId, o.warehouseOrderId, o.status])).toEqual([
        [a.tenantId, 'SO-X-R1', 'SHIPPED'],
        [b.tenantId, 'SO-X-R1', 'SHIPPED'],
      ]);
      for (const [tenantId, ordered] of [[a.tenantId, 4], [b.tenantId, 30]] as const) {
        const mine = facts.filter((f) => f.tenantId === tenantId);
        expect(types(mine)).toEqual(['WarehouseOrderAccepted', 'InventoryLevelChanged', 'WarehouseOrderPicked', 'OrderPacked', 'OrderShipped']);
        expect(mine[1]).toMatchObject({ key: `${tenantId}@${sku.sku}@US-NJ1`, fact: { tenantId, onHand: 50 - ordered, delta: -ordered, reason: 'PICK' } });
        expect(wms.warehouseOrder(tenantId, 'SO-X-R1')!.picked).toEqual([{ sku: sku.sku, ordered, picked: ordered, unitOfMeasure: sku.unitOfMeasure }]);
        expect(wms.stockOnHand(tenantId, 'US-NJ1', sku.sku)).toBe(50 - ordered);
      }
    });

    it('cancels B’s SO-X-R1 and never touches A’s; a cancel naming a warehouse order only A has is unknown to B', () => {
      const wms = createWarehouseSimulator({ ...config, delays, restock: false });
      wms.start();
      wms.handle(releaseOf(a.tenantId, 4), START);
      wms.handle(releaseOf(a.tenantId, 2, 'SO-Y-R1'), START);
      wms.handle(releaseOf(b.tenantId, 30), START);
      wms.advanceTo('2026-03-01T00:30:00.000Z'); // all picked, none packed
      wms.handle({ type: 'CancelWarehouseOrder', warehouseOrderId: 'SO-X-R1', orderId: 'SO-X', tenantId: b.tenantId, siteId: 'US-NJ1' }, '2026-03-01T00:30:00.000Z');
      wms.handle({ type: 'CancelWarehouseOrder', warehouseOrderId: 'SO-Y-R1', orderId: 'SO-Y', tenantId: b.tenantId, siteId: 'US-NJ1' }, '2026-03-01T00:30:00.000Z');
      const facts = wms.advanceTo(DAY_LATER);
      expect(facts.filter((f) => f.tenantId === b.tenantId).map((f) => f.fact)).toMatchObject([
        { type: 'WarehouseOrderCancelled', tenantId: b.tenantId, warehouseOrderId: 'SO-X-R1' },
        { type: 'InventoryLevelChanged', tenantId: b.tenantId, sku: sku.sku, reason: 'PUTAWAY', delta: 30, onHand: 50 },
        { type: 'WarehouseCancellationRejected', tenantId: b.tenantId, warehouseOrderId: 'SO-Y-R1', reason: 'UNKNOWN_WAREHOUSE_ORDER' },
      ]);
      expect(wms.warehouseOrder(b.tenantId, 'SO-X-R1')!.status).toBe('CANCELLED');
      expect(wms.warehouseOrder(a.tenantId, 'SO-X-R1')!.status).toBe('SHIPPED');
      expect(wms.warehouseOrder(a.tenantId, 'SO-Y-R1')!.status).toBe('SHIPPED');
      expect(wms.warehouseOrder(b.tenantId, 'SO-Y-R1')).toBeUndefined();
      expect(types(facts.filter((f) => f.tenantId === a.tenantId && f.key === 'SO-X'))).toEqual(['OrderPacked', 'OrderShipped']);
      expect(wms.stockOnHand(a.tenantId, 'US-NJ1', sku.sku)).toBe(44);
      expect(wms.stockOnHand(b.tenantId, 'US-NJ1', sku.sku)).toBe(50);
    });

    it('ignores a repeated release per tenant only', () => {
      const wms = createWarehouseSimulator(config);
      wms.start();
      wms.handle(releaseOf(a.tenantId, 1), START);
      wms.handle(releaseOf(b.tenantId, 1), START);
      wms.handle(releaseOf(b.tenantId, 1), START);
      expect(wms.duplicateReleases()).toBe(1);
      expect(wms.warehouseOrders()).toHaveLength(2);
    });
  });

  it('does not go back in time', () => {
    const wms = createWarehouseSimulator(config);
    wms.start();
    wms.advanceTo(DAY_LATER);
    expect(() => wms.advanceTo(START)).toThrow(RangeError);
  });

  it('is deterministic for a seed and the same calls', () => {
    const run = (seed: number) => {
      const wms = createWarehouseSimulator({ ...config, seed, shortageRate: 0.2, siteClosureRate: 0.2 });
      const facts = wms.start();
      for (let n = 0; n < 50; n++) wms.handle(release(n), `2026-03-01T0${n % 10}:00:00.000Z`);
      return [...facts, ...wms.advanceTo('2026-03-05T00:00:00.000Z')];
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});
