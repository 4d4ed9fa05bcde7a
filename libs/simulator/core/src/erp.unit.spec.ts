import { erpFacts, ErpSimulationConfig, simulateErp } from './erp';
import { ErpFact, OrderPlaced, SimulatedFact } from './facts';
import { createWorld } from './world';

const world = createWorld({ seed: 21, tenants: 3 });
const base: ErpSimulationConfig & { orders: number } = {
  seed: 21,
  world,
  startAt: '2026-03-01T00:00:00.000Z',
  ordersPerHour: 1200,
  orders: 300,
  amendmentRate: 0.1,
  cancellationRate: 0.05,
  creditHoldRate: 0.04,
};

/** Order and customer ids repeat across tenants: only with the tenant do they name one thing. */
const scoped = (fact: { tenantId: string; orderId?: string; customerId?: string }) => `${fact.tenantId}/${fact.orderId ?? fact.customerId}`;

const ofType = <T extends ErpFact['type']>(facts: SimulatedFact<ErpFact>[], type: T) =>
  facts.filter((f): f is SimulatedFact<Extract<ErpFact, { type: T }>> => f.fact.type === type);

describe('ERP simulator', () => {
  it('is deterministic for a seed: same facts, same times, same event ids', () => {
    expect(simulateErp(base)).toEqual(simulateErp(base));
    expect(simulateErp({ ...base, seed: 22 })).not.toEqual(simulateErp(base));
  });

  it('publishes in time order, starting at startAt', () => {
    const facts = simulateErp({ ...base, duplicateRate: 0.05 });
    for (let i = 1; i < facts.length; i++) expect(Date.parse(facts[i].at)).toBeGreaterThanOrEqual(Date.parse(facts[i - 1].at));
    expect(Date.parse(facts[0].at)).toBeGreaterThanOrEqual(Date.parse(base.startAt));
  });

  it('places realistic orders: catalogue SKUs in their units, several countries, a site that serves the ship-to, promised after placement', () => {
    const placed = ofType(simulateErp(base), 'OrderPlaced');
    expect(placed).toHaveLength(300);
    expect(new Set(placed.map((p) => p.tenantId)).size).toBe(3);
    expect(new Set(placed.map((p) => p.fact.shipTo.countryCode)).size).toBeGreaterThanOrEqual(6);
    for (const { fact, key } of placed) {
      expect(key).toBe(fact.orderId);
      const tenant = world.tenants.find((t) => t.tenantId === fact.tenantId)!;
      expect(tenant.customers.map((c) => c.customerId)).toContain(fact.customerId);
      for (const line of fact.lines) {
        const item = tenant.catalogue.find((i) => i.sku === line.sku)!;
        expect(line.unitOfMeasure).toBe(item.unitOfMeasure);
        expect(line.quantity).toBeGreaterThan(0);
      }
      expect(world.sites.find((s) => s.siteId === fact.siteId)!.serves).toContain(fact.shipTo.countryCode);
      expect(fact.promisedDate > fact.placedAt.slice(0, 10)).toBe(true);
      expect(fact.revision).toBe(1);
    }
  });

  it('numbers each tenant’s orders from 1: two tenants’ n-th orders have the same order number', () => {
    const placed = ofType(simulateErp({ ...base, orderNumberPrefix: 'X7-' }), 'OrderPlaced');
    for (const tenant of world.tenants) {
      const numbers = placed.filter((p) => p.tenantId === tenant.tenantId).map((p) => p.fact.orderId);
      expect(numbers).toEqual(numbers.map((_, n) => `SO-X7-${String(n + 1).padStart(7, '0')}`));
    }
    const [a, b] = world.tenants.map((t) => placed.filter((p) => p.tenantId === t.tenantId));
    expect(a[16].fact.orderId).toBe('SO-X7-0000017');
    expect(b[16].fact.orderId).toBe(a[16].fact.orderId);
    // Same order number, same customer id, a SKU in both: nothing tells them apart but the tenant.
    const twins = a.filter((p) => b.some((q) => q.fact.orderId === p.fact.orderId && q.fact.customerId === p.fact.customerId && q.fact.lines.some((l) => p.fact.lines.some((m) => m.sku === l.sku))));
    expect(twins.length).toBeGreaterThan(0);
    expect(new Set(placed.map((p) => scoped(p.fact))).size).toBe(placed.length);
  });

  it('amends and cancels after the placement, with increasing revisions', () => {
    const facts = simulateErp({ ...base, amendmentRate: 0.5, cancellationRate: 0.5 });
    const placedAt = new Map(ofType(facts, 'OrderPlaced').map((p) => [scoped(p.fact), p.at]));
    const lastRevision = new Map<string, number>();
    for (const { at, fact } of facts) {
      if (fact.type === 'OrderAmended') {
        expect(at > placedAt.get(scoped(fact))!).toBe(true);
        expect(fact.revision).toBe((lastRevision.get(scoped(fact)) ?? 1) + 1);
        lastRevision.set(scoped(fact), fact.revision);
      }
      if (fact.type === 'OrderCancelled') expect(at > placedAt.get(scoped(fact))!).toBe(true);
    }
    expect(Math.max(...lastRevision.values())).toBe(3);
  });

  it('carries the whole order after each amendment, the changes applied on the previous state', () => {
    const facts = simulateErp({ ...base, amendmentRate: 0.6 });
    const current = new Map(ofType(facts, 'OrderPlaced').map(({ fact }) => [scoped(fact), { siteId: fact.siteId, lines: fact.lines, shipTo: fact.shipTo, promisedDate: fact.promisedDate }]));
    const amendments = ofType(facts, 'OrderAmended');
    expect(amendments.length).toBeGreaterThan(10);
    for (const { fact } of amendments) {
      const expected = { ...current.get(scoped(fact))!, ...fact.changes };
      expect(fact.order).toEqual(expected);
      current.set(scoped(fact), expected);
    }
  });

  it('names each credit hold, and its release names the same hold', () => {
    const facts = simulateErp({ ...base, creditHoldRate: 0.3 });
    const open = new Map<string, string>();
    const seen = new Set<string>();
    for (const { fact } of facts) {
      if (fact.type === 'CreditHoldPlaced') {
        expect(open.has(scoped(fact))).toBe(false);
        expect(seen.has(`${fact.tenantId}/${fact.holdId}`)).toBe(false);
        open.set(scoped(fact), fact.holdId);
        seen.add(`${fact.tenantId}/${fact.holdId}`);
      }
      if (fact.type === 'CreditHoldReleased') {
        expect(fact.holdId).toBe(open.get(scoped(fact)));
        open.delete(scoped(fact));
      }
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  describe('configured proportions over many orders (±2 points)', () => {
    const config = {
      ...base,
      orders: 20_000,
      amendmentRate: 0.12,
      cancellationRate: 0.06,
      creditHoldRate: 0.05,
      allowPartialRate: 0.25,
      invalidOrderRate: 0.03,
      duplicateRate: 0.02,
    };
    const facts = simulateErp(config);
    const firstCopies = [...new Map(facts.map((f) => [f.eventId, f])).values()];
    const placed = ofType(firstCopies, 'OrderPlaced');
    const share = (n: number) => n / placed.length;

    it('placements: exactly the number asked for', () => {
      expect(placed).toHaveLength(20_000);
    });

    it('amendments and cancellations', () => {
      expect(Math.abs(share(new Set(ofType(firstCopies, 'OrderAmended').map((a) => scoped(a.fact))).size) - 0.12)).toBeLessThan(0.02);
      expect(Math.abs(share(ofType(firstCopies, 'OrderCancelled').length) - 0.06)).toBeLessThan(0.02);
    });

    it('orders placed while their customer is on credit hold', () => {
      const onHold = new Set<string>();
      let underHold = 0;
      for (const { fact } of firstCopies) {
        if (fact.type === 'CreditHoldPlaced') onHold.add(`${fact.tenantId}/${fact.customerId}`);
        if (fact.type === 'CreditHoldReleased') onHold.delete(`${fact.tenantId}/${fact.customerId}`);
        if (fact.type === 'OrderPlaced' && onHold.has(`${fact.tenantId}/${fact.customerId}`)) underHold++;
      }
      expect(Math.abs(share(underHold) - 0.05)).toBeLessThan(0.02);
      expect(ofType(firstCopies, 'CreditHoldReleased').length).toBe(ofType(firstCopies, 'CreditHoldPlaced').length);
    });

    it('partial-shipment orders and invalid orders', () => {
      expect(Math.abs(share(placed.filter((p) => p.fact.fulfilment === 'ALLOW_PARTIAL').length) - 0.25)).toBeLessThan(0.02);
      const invalid = (order: OrderPlaced) =>
        order.shipTo.countryCode === 'XX' || order.shipTo.line1 === '' || order.lines.some((l) => l.quantity <= 0 || l.unitOfMeasure === 'BOX');
      expect(Math.abs(share(placed.filter((p) => invalid(p.fact)).length) - 0.03)).toBeLessThan(0.02);
    });

    it('duplicate publications carry the same event id and fact', () => {
      const duplicates = facts.length - firstCopies.length;
      expect(Math.abs(duplicates / firstCopies.length - 0.02)).toBeLessThan(0.01);
      const seen = new Map<string, SimulatedFact<ErpFact>>();
      for (const f of facts) {
        const first = seen.get(f.eventId);
        if (first) expect(f.fact).toEqual(first.fact);
        else seen.set(f.eventId, f);
      }
    });

    it('shares the flow unevenly across tenants, as in a 3PL', () => {
      const perTenant = world.tenants.map((t) => placed.filter((p) => p.tenantId === t.tenantId).length);
      expect(perTenant[0]).toBeGreaterThan(perTenant[1]);
      expect(perTenant[1]).toBeGreaterThan(perTenant[2]);
    });

    it('arrives at the configured rate', () => {
      const hours = (Date.parse(placed[placed.length - 1].at) - Date.parse(base.startAt)) / 3_600_000;
      expect(Math.abs(20_000 / hours / 1200 - 1)).toBeLessThan(0.03);
    });
  });

  it('runs endlessly as a generator when no order count is given', () => {
    const generator = erpFacts({ ...base, orders: undefined });
    const first = Array.from({ length: 50 }, () => generator.next().value as SimulatedFact<ErpFact>);
    expect(first.filter((f) => f.fact.type === 'OrderPlaced').length).toBeGreaterThan(20);
    expect(first).toEqual(simulateErp({ ...base, orders: 300 }).slice(0, 50));
  });

  it('refuses rates outside 0..1 and a non-positive arrival rate', () => {
    expect(() => simulateErp({ ...base, amendmentRate: 1.2 })).toThrow(/amendmentRate/);
    expect(() => simulateErp({ ...base, ordersPerHour: 0 })).toThrow(/ordersPerHour/);
  });
});
