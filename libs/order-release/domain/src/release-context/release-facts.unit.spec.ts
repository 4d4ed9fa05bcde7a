import {
  creditHoldAfter,
  creditStandingOf,
  isReflectedInLevel,
  reservedBeyondLevel,
  siteReadinessOf,
  siteStatusAfter,
  stockLevelAfter,
  stockPositionOf,
  type CreditFact,
  type SiteStatusFact,
  type StockLevelFact,
} from './release-facts';

const at = (minute: number) => `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`;
const hold = (kind: CreditFact['kind'], minute: number): CreditFact =>
  kind === 'CreditHoldPlaced'
    ? { kind, tenantId: 'acme', customerId: 'C-1', holdId: 'H-1', orderId: null, reason: 'over limit', occurredAt: at(minute) }
    : { kind, tenantId: 'acme', customerId: 'C-1', holdId: 'H-1', orderId: null, occurredAt: at(minute) };
const level = (onHand: number, allocated: number, minute: number): StockLevelFact => ({
  tenantId: 'acme',
  siteId: 'DC-1',
  sku: 'BOLT',
  onHand,
  allocated,
  unitOfMeasure: 'EA',
  changeReason: null,
  occurredAt: at(minute),
});
const site = (status: SiteStatusFact['status'], minute: number): SiteStatusFact => ({
  siteId: 'DC-1',
  status,
  timeZone: 'Europe/Berlin',
  releaseWindow: { opensAt: '06:00', cutOff: '18:00' },
  dailyCapacity: 10,
  ordersAcceptedToday: 0,
  reportedBy: 'acme',
  occurredAt: at(minute),
});

describe('sequencing the facts order-release keeps', () => {
  it('given a hold placed at :05, when a release of :04 arrives late, then nothing changes; when one of :06 arrives, the hold is lifted and keeps its reason', () => {
    const placed = creditHoldAfter(undefined, hold('CreditHoldPlaced', 5))!;
    expect(placed).toMatchObject({ inForce: true, reason: 'over limit' });
    expect(creditHoldAfter(placed, hold('CreditHoldReleased', 4))).toBeUndefined();
    expect(creditHoldAfter(placed, hold('CreditHoldReleased', 6))).toMatchObject({ inForce: false, reason: 'over limit', occurredAt: at(6) });
  });

  it('given a hold and its release in the same clock tick, then the release wins whichever arrives first, and a redelivery changes nothing', () => {
    const released = creditHoldAfter(creditHoldAfter(undefined, hold('CreditHoldPlaced', 5)), hold('CreditHoldReleased', 5))!;
    expect(released.inForce).toBe(false);
    const releasedFirst = creditHoldAfter(undefined, hold('CreditHoldReleased', 5))!;
    expect(creditHoldAfter(releasedFirst, hold('CreditHoldPlaced', 5))).toBeUndefined();
    expect(creditHoldAfter(released, hold('CreditHoldReleased', 5))).toBeUndefined();
  });

  it('given a stock level, when an older one arrives, then it is ignored; a different level at the same instant is the later one; the same again is nothing', () => {
    const current = level(10, 2, 5);
    expect(stockLevelAfter(current, level(99, 0, 4))).toBeUndefined();
    expect(stockLevelAfter(current, level(9, 2, 5))).toEqual(level(9, 2, 5));
    expect(stockLevelAfter(current, level(10, 2, 5))).toBeUndefined();
    expect(stockLevelAfter(current, level(10, 2, 6))).toEqual(level(10, 2, 6));
    expect(stockLevelAfter(undefined, level(1, 0, 1))).toEqual(level(1, 0, 1));
  });

  it('given a site status, then only a newer report changes it', () => {
    expect(siteStatusAfter(site('OPEN', 5), site('CLOSED', 5))).toBeUndefined();
    expect(siteStatusAfter(site('OPEN', 5), site('CLOSED', 6))).toEqual(site('CLOSED', 6));
  });
});

describe('from facts to a decision context', () => {
  it('given reservations, then those the WMS accepted at or before the level are in its allocation; the others are still ours to subtract', () => {
    const current = level(10, 3, 5);
    const reservations = [
      { quantity: 3, handedOverAt: at(4) }, // in the level's allocated already
      { quantity: 2, handedOverAt: at(6) }, // accepted after the level: not in it
      { quantity: 1, handedOverAt: null }, // not accepted yet
    ];
    expect(reservations.map((r) => isReflectedInLevel(r, current))).toEqual([true, false, false]);
    expect(reservedBeyondLevel(current, reservations)).toBe(3);
    expect(stockPositionOf(current, 3, 1)).toEqual({ available: 4, awaitedByOlderOrders: 1, unitOfMeasure: 'EA' });
  });

  it('given no level or more reserved than on hand, then nothing (never less) is available', () => {
    expect(stockPositionOf(undefined, 0, 0)).toEqual({ available: 0, awaitedByOlderOrders: 0 });
    expect(stockPositionOf(level(2, 1, 1), 5, 0).available).toBe(0);
  });

  it('given holds in force on the customer or on this very order, then the order is on hold; a released hold or another order’s hold does not count', () => {
    expect(creditStandingOf([{ orderId: null, inForce: true }], 'C-1', 'SO-1').onHold).toBe(true);
    expect(creditStandingOf([{ orderId: 'SO-1', inForce: true }], 'C-1', 'SO-1').onHold).toBe(true);
    expect(creditStandingOf([{ orderId: 'SO-2', inForce: true }, { orderId: null, inForce: false }], 'C-1', 'SO-1').onHold).toBe(false);
  });

  it('given an unknown site status, then no readiness; otherwise readiness says whether the site serves the tenant', () => {
    const released = { operatingDay: '2026-11-27', count: 0 };
    expect(siteReadinessOf(site('UNKNOWN', 1), released, true)).toBeUndefined();
    expect(siteReadinessOf(site('OPEN', 1), released, false)).toMatchObject({ status: 'OPEN', servesTenant: false });
  });
});
