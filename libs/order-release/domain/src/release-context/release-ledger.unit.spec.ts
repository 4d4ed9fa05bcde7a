import type { OrderCancelled, OrderHeld, OrderReleased } from '../order-release/order-release';
import type { HeldOrder } from '../order-release/reevaluation';
import { operatingDayFor, type SiteStatusFact, type StockLevelFact } from './release-facts';
import { createReleaseLedger, customerKey, releaseScopeBuilder, siteDayKey, siteQueueKey, stockKey, type ReleaseContextRequest, type ReleaseSnapshot } from './release-ledger';

const NOW = new Date('2026-11-27T10:00:00.000Z');
const T = 'acme';
const SITE = 'DC-1';

function level(sku: string, onHand: number, allocated = 0): StockLevelFact {
  return { tenantId: T, siteId: SITE, sku, onHand, allocated, unitOfMeasure: 'EA', changeReason: null, occurredAt: '2026-11-27T09:00:00.000Z' };
}

function site(overrides: Partial<SiteStatusFact> = {}): SiteStatusFact {
  return {
    siteId: SITE,
    status: 'OPEN',
    timeZone: 'Europe/Berlin',
    releaseWindow: { opensAt: '06:00', cutOff: '18:00' },
    dailyCapacity: 100,
    ordersAcceptedToday: 0,
    reportedBy: T,
    occurredAt: '2026-11-27T09:00:00.000Z',
    ...overrides,
  };
}

function snapshot(parts: Partial<ReleaseSnapshot> = {}): ReleaseSnapshot {
  return {
    stock: new Map([[stockKey(T, SITE, 'SKU-A'), { level: level('SKU-A', 5), reserved: 0 }]]),
    sites: new Map([[SITE, site()]]),
    releasedOrders: new Map([[siteDayKey(SITE, '2026-11-27'), 0]]),
    held: new Map(),
    credit: new Map(),
    serves: () => true,
    ...parts,
  };
}

const request = (orderId: string, overrides: Partial<ReleaseContextRequest> = {}): ReleaseContextRequest => ({
  orderId,
  tenantId: T,
  customerId: 'CUST-1',
  siteId: SITE,
  skus: ['SKU-A'],
  ...overrides,
});

function released(orderId: string, quantity: number, sku = 'SKU-A'): OrderReleased {
  return {
    type: 'OrderReleased',
    data: {
      orderId,
      tenantId: T,
      customerId: 'CUST-1',
      siteId: SITE,
      releaseNumber: 1,
      warehouseOrderId: `${orderId}-R1`,
      lines: [{ sku, quantity, unitOfMeasure: 'EA', lineNumbers: [1] }],
      backordered: [],
      operatingDay: '2026-11-27',
      releasedAt: NOW.toISOString(),
    },
  };
}

function heldFor(orderId: string, quantity: number, queuedSince: string): OrderHeld {
  return {
    type: 'OrderHeld',
    data: {
      orderId,
      tenantId: T,
      customerId: 'CUST-1',
      siteId: SITE,
      reasons: [{ code: 'INSUFFICIENT_INVENTORY', message: 'short', shortages: [] }],
      heldLines: [{ sku: 'SKU-A', quantity, unitOfMeasure: 'EA', lineNumbers: [1] }],
      backorder: false,
      queuedSince,
      heldAt: NOW.toISOString(),
    },
  } as OrderHeld;
}

function cancelled(orderId: string): OrderCancelled {
  return { type: 'OrderCancelled', data: { orderId, tenantId: T, reason: 'customer', stage: 'AFTER_RELEASE', warehouseOrderIds: [`${orderId}-R1`], cancelledAt: NOW.toISOString() } };
}

describe('release ledger: decisions of one unit, one after another, against one snapshot', () => {
  it('given 5 on hand, when an order for 3 is released, then the next decision sees 2 available and one more release counted for the day', () => {
    const ledger = createReleaseLedger(snapshot());
    expect(ledger.contextFor(request('SO-1'), NOW).inventory['SKU-A'].available).toBe(5);

    ledger.apply([released('SO-1', 3)]);

    const next = ledger.contextFor(request('SO-2'), NOW);
    expect(next.inventory['SKU-A'].available).toBe(2);
    expect(next.site?.releasedOrders).toEqual({ operatingDay: '2026-11-27', count: 1 });
  });

  it('given reservations already in PostgreSQL, then they are subtracted before the unit reserves more', () => {
    const ledger = createReleaseLedger(snapshot({ stock: new Map([[stockKey(T, SITE, 'SKU-A'), { level: level('SKU-A', 5, 1), reserved: 3 }]]) }));
    expect(ledger.contextFor(request('SO-1'), NOW).inventory['SKU-A'].available).toBe(1);
  });

  it('given an older order held for 4, then a younger order sees the 4 as awaited; when the older one is released, the claim is gone', () => {
    const ledger = createReleaseLedger(snapshot());
    ledger.apply([heldFor('SO-OLD', 4, '2026-11-27T08:00:00.000Z')]);
    expect(ledger.contextFor(request('SO-NEW', { queuedSince: '2026-11-27T09:00:00.000Z' }), NOW).inventory['SKU-A'].awaitedByOlderOrders).toBe(4);
    // the older order itself is not behind itself
    expect(ledger.contextFor(request('SO-OLD', { queuedSince: '2026-11-27T08:00:00.000Z' }), NOW).inventory['SKU-A'].awaitedByOlderOrders).toBe(0);

    ledger.apply([released('SO-OLD', 4)]);

    const younger = ledger.contextFor(request('SO-NEW', { queuedSince: '2026-11-27T09:00:00.000Z' }), NOW).inventory['SKU-A'];
    expect(younger).toEqual(expect.objectContaining({ available: 1, awaitedByOlderOrders: 0 }));
  });

  it('given an order released in this unit, when it is cancelled, then its stock stays reserved (the warehouse may have picked it) and it leaves no queue', () => {
    const ledger = createReleaseLedger(snapshot());
    ledger.apply([released('SO-NOW', 3)]);
    ledger.apply([cancelled('SO-NOW')]);
    expect(ledger.contextFor(request('SO-X'), NOW).inventory['SKU-A'].available).toBe(2);
  });

  it('given a credit hold on one order and none on the customer, then only that order is on hold; a customer-wide hold holds every order', () => {
    const orderHold = createReleaseLedger(snapshot({ credit: new Map([[customerKey(T, 'CUST-1'), [{ orderId: 'SO-1', inForce: true }]]]) }));
    expect(orderHold.contextFor(request('SO-1'), NOW).credit.onHold).toBe(true);
    expect(orderHold.contextFor(request('SO-2'), NOW).credit.onHold).toBe(false);

    const customerHold = createReleaseLedger(
      snapshot({ credit: new Map([[customerKey(T, 'CUST-1'), [{ orderId: null, inForce: true }, { orderId: 'SO-1', inForce: false }]]]) }),
    );
    expect(customerHold.contextFor(request('SO-2'), NOW).credit.onHold).toBe(true);
  });

  it('given a sku that was never loaded, when a context asks for it, then it is refused: those rows are not locked', () => {
    const ledger = createReleaseLedger(snapshot());
    expect(() => ledger.contextFor(request('SO-1', { skus: ['SKU-A', 'SKU-Z'] }), NOW)).toThrow(/SKU-Z@DC-1 .*outside the locked scope/);
  });

  it('given a sku loaded without a level (the empty locked row), then nothing is available and no unit is required', () => {
    const ledger = createReleaseLedger(snapshot({ stock: new Map([[stockKey(T, SITE, 'SKU-A'), { reserved: 0 }]]) }));
    expect(ledger.contextFor(request('SO-1'), NOW).inventory['SKU-A']).toEqual({ available: 0, awaitedByOlderOrders: 0 });
  });

  it('given a site that never reported, then the context has no site (the domain holds the order as UNKNOWN_SITE)', () => {
    const ledger = createReleaseLedger(snapshot({ sites: new Map() }));
    expect(ledger.contextFor(request('SO-1'), NOW).site).toBeUndefined();
  });

  it('given a site that does not serve the tenant (site directory), then the context says so (the domain holds the order as UNKNOWN_SITE)', () => {
    const ledger = createReleaseLedger(snapshot({ serves: (siteId, tenantId) => !(siteId === SITE && tenantId === T) }));
    expect(ledger.contextFor(request('SO-1'), NOW).site).toEqual(expect.objectContaining({ siteId: SITE, servesTenant: false }));
  });

  it("given two tenants with the same order number held at one site, when tenant B cancels its order, then tenant A's stays in its queue", () => {
    const queueA = new Map<string, HeldOrder>();
    const queueB = new Map<string, HeldOrder>();
    const ledger = createReleaseLedger(snapshot({ held: new Map([[siteQueueKey(T, SITE), queueA], [siteQueueKey('globex', SITE), queueB]]) }));
    ledger.apply([heldFor('SO-1', 4, '2026-11-27T08:00:00.000Z')]);
    const heldB = heldFor('SO-1', 2, '2026-11-27T08:30:00.000Z');
    ledger.apply([{ ...heldB, data: { ...heldB.data, tenantId: 'globex' } }]);
    ledger.apply([{ ...cancelled('SO-1'), data: { ...cancelled('SO-1').data, tenantId: 'globex', stage: 'BEFORE_RELEASE', warehouseOrderIds: [] } }]);
    expect([...queueA.keys()]).toEqual(['SO-1']);
    expect([...queueB.keys()]).toEqual([]);
  });

  it('given a held order in the queue of the unit, when it is cancelled, then it leaves the queue', () => {
    const queue = new Map<string, HeldOrder>();
    const ledger = createReleaseLedger(snapshot({ held: new Map([[siteQueueKey(T, SITE), queue]]) }));
    ledger.apply([heldFor('SO-1', 4, '2026-11-27T08:00:00.000Z')]);
    expect(queue.has('SO-1')).toBe(true);
    ledger.apply([{ ...cancelled('SO-1'), data: { ...cancelled('SO-1').data, stage: 'BEFORE_RELEASE', warehouseOrderIds: [] } }]);
    expect(queue.has('SO-1')).toBe(false);
  });
});

describe('the operating day a release counts against', () => {
  it('given a site open 06:00–18:00 in Berlin, when it is 10:00 UTC, then today; after the cut-off, the next day', () => {
    expect(operatingDayFor(site(), NOW)).toBe('2026-11-27');
    expect(operatingDayFor(site(), new Date('2026-11-27T18:30:00.000Z'))).toBe('2026-11-28');
  });

  it('given a night shift 14:00–02:00, when it is 01:30 local, then the day the window opened', () => {
    const nightShift = site({ releaseWindow: { opensAt: '14:00', cutOff: '02:00' } });
    // 01:30 in Berlin on the 28th (UTC+1 in November)
    expect(operatingDayFor(nightShift, new Date('2026-11-28T00:30:00.000Z'))).toBe('2026-11-27');
  });

  it('given an unknown status, an unknown time zone or a malformed window, then none (no capacity row is locked)', () => {
    expect(operatingDayFor(undefined, NOW)).toBeUndefined();
    expect(operatingDayFor(site({ status: 'UNKNOWN' }), NOW)).toBeUndefined();
    expect(operatingDayFor(site({ timeZone: 'Mars/Olympus_Mons' }), NOW)).toBeUndefined();
    expect(operatingDayFor(site({ releaseWindow: { opensAt: '25:00', cutOff: '18:00' } }), NOW)).toBeUndefined();
  });
});

describe('release scope: the rows a unit locks, each once, in lock order', () => {
  it('given requests in any order, then stock keys come out sorted by tenant, site and sku in byte order, without duplicates', () => {
    const scope = releaseScopeBuilder()
      .add({ tenantId: 'b', customerId: 'C1', siteId: 'DC-2', skus: ['Z', 'a'] })
      .add({ tenantId: 'a', customerId: 'C1', siteId: 'DC-9', skus: ['B', 'A'] })
      .add({ tenantId: 'b', customerId: 'C1', siteId: 'DC-2', skus: ['Z'] })
      .scope();
    expect(scope.stock.map((k) => `${k.tenantId}/${k.siteId}/${k.sku}`)).toEqual(['a/DC-9/A', 'a/DC-9/B', 'b/DC-2/Z', 'b/DC-2/a']);
    expect(scope.sites).toEqual(['DC-2', 'DC-9']);
    expect(scope.customers).toEqual([
      { tenantId: 'a', customerId: 'C1' },
      { tenantId: 'b', customerId: 'C1' },
    ]);
  });
});
