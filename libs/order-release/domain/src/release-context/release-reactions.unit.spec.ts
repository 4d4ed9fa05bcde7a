import type { OrderHeld, OrderReleaseState } from '../order-release/order-release';
import { order } from '../order-release/order-release.fixtures';
import type { HeldOrder } from '../order-release/reevaluation';
import type { SiteStatusFact } from './release-facts';
import { claimsGivenUpBy, REASONS_THAT_CLEAR_WITHOUT_THE_ORDER, releaseTriggerFor, windowReevaluationsFor, worthReevaluating, type StoredFactsOfHeldOrder } from './release-reactions';

const held = (reasons: HeldOrder['reasons']): HeldOrder => ({
  orderId: 'SO-1',
  tenantId: 'acme',
  customerId: 'C-1',
  siteId: 'US-NJ1',
  queuedSince: '2026-01-15T10:00:00.000Z',
  reasons,
  waitingFor: [{ sku: 'BOLT-M8', quantity: 5 }],
  backorder: false,
});

describe('when held orders are decided again', () => {
  it('given a stock level, a site status or a credit change, then the trigger names exactly what changed, tenant included', () => {
    expect(
      releaseTriggerFor({ kind: 'StockLevel', tenantId: 'acme', siteId: 'DC-1', sku: 'BOLT', onHand: 1, allocated: 0, unitOfMeasure: 'EA', changeReason: null, occurredAt: 'x' }),
    ).toEqual({ kind: 'INVENTORY_CHANGED', tenantId: 'acme', siteId: 'DC-1', sku: 'BOLT' });
    expect(releaseTriggerFor({ kind: 'CreditHoldReleased', tenantId: 'acme', customerId: 'C-1', holdId: 'H', orderId: null, occurredAt: 'x' })).toEqual({
      kind: 'CREDIT_CHANGED',
      tenantId: 'acme',
      customerId: 'C-1',
      onHold: false,
    });
  });

  it('given a held order, when anything is decided about it, then it gives up its claim on every SKU it waited for; a released order gives up nothing', () => {
    const heldState: OrderReleaseState = {
      status: 'Held',
      order,
      queuedSince: '2026-01-15T10:00:00.000Z',
      reasons: [],
      heldLines: [
        { sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA', lineNumbers: [1] },
        { sku: 'NUT-M8', quantity: 2, unitOfMeasure: 'CS', lineNumbers: [2] },
      ],
    };
    const anyDecision = [{ type: 'OrderAmended', data: {} }] as never;
    expect(claimsGivenUpBy(heldState, anyDecision).map((t) => t.sku)).toEqual(['BOLT-M8', 'NUT-M8']);
    expect(claimsGivenUpBy(heldState, [])).toEqual([]);
    expect(claimsGivenUpBy({ status: 'Released', order, releases: [] }, anyDecision)).toEqual([]);
  });

  it('given a hold past the cut-off and at capacity, then it is decided again at the earliest window it names', () => {
    const message = {
      type: 'OrderHeld',
      data: {
        orderId: 'SO-1',
        reasons: [
          { code: 'NO_CAPACITY', nextWindowOpensAt: '2026-01-16T11:00:00.000Z' },
          { code: 'PAST_CUT_OFF', nextWindowOpensAt: '2026-01-16T10:00:00.000Z' },
          { code: 'CREDIT_HOLD' },
        ],
      },
    } as unknown as OrderHeld;
    expect(windowReevaluationsFor([message])).toEqual([{ orderId: 'SO-1', dueAt: '2026-01-16T10:00:00.000Z' }]);
    expect(windowReevaluationsFor([{ ...message, data: { ...message.data, reasons: [{ code: 'CREDIT_HOLD' }] } } as never])).toEqual([]);
  });

});

describe('which held orders the sweep wakes: a reason cleared by the stored facts and the clock', () => {
  const thursdayInWindow = new Date('2026-01-15T15:00:00Z'); // 10:00 in New York
  const thursdayNight = new Date('2026-01-15T20:00:00Z'); // 15:00, the cut-off passed
  const fridayInWindow = new Date('2026-01-16T12:00:00Z');
  const site: SiteStatusFact = {
    siteId: 'US-NJ1',
    status: 'OPEN',
    timeZone: 'America/New_York',
    releaseWindow: { opensAt: '06:00', cutOff: '15:00' },
    dailyCapacity: 100,
    ordersAcceptedToday: 0,
    reportedBy: 'acme',
    occurredAt: '2026-01-15T05:00:00.000Z',
  };
  const facts = (overrides: Partial<StoredFactsOfHeldOrder> = {}): StoredFactsOfHeldOrder => ({ levels: new Map(), creditHolds: [], site, releasedOn: () => 0, servesTenant: true, ...overrides });
  const worth = (reasons: HeldOrder['reasons'], overrides: Partial<StoredFactsOfHeldOrder> = {}, now = thursdayInWindow) => worthReevaluating(held(reasons), facts(overrides), now);

  it('given an order held for stock, when a SKU it waits for has unallocated stock on hand, then it is woken; when none is free, not', () => {
    expect(worth(['INSUFFICIENT_INVENTORY'], { levels: new Map([['BOLT-M8', { onHand: 3, allocated: 1 }]]) })).toBe(true);
    expect(worth(['INSUFFICIENT_INVENTORY'], { levels: new Map([['BOLT-M8', { onHand: 3, allocated: 3 }]]) })).toBe(false);
    expect(worth(['INSUFFICIENT_INVENTORY'], { levels: new Map([['NUT-M8', { onHand: 3, allocated: 0 }]]) })).toBe(false);
  });

  it("given an order held for credit, when its customer's holds are lifted (or cover only another order), then it is woken; while one covering it is in force, not", () => {
    expect(worth(['CREDIT_HOLD'], { creditHolds: [{ orderId: null, inForce: false }] })).toBe(true);
    expect(worth(['CREDIT_HOLD'], { creditHolds: [{ orderId: 'SO-OTHER', inForce: true }] })).toBe(true);
    expect(worth(['CREDIT_HOLD'], { creditHolds: [{ orderId: null, inForce: true }] })).toBe(false);
    expect(worth(['CREDIT_HOLD'], { creditHolds: [{ orderId: 'SO-1', inForce: true }] })).toBe(false);
  });

  it("given an order held past the cut-off, when the site's window is open, then it is woken; outside it, not", () => {
    expect(worth(['PAST_CUT_OFF'], {}, thursdayNight)).toBe(false);
    expect(worth(['PAST_CUT_OFF'], {}, fridayInWindow)).toBe(true);
  });

  it('given an order held for capacity, when a window is open on an operating day with capacity left, then it is woken; on the full day or outside a window, not', () => {
    const thursdayFull = { releasedOn: (day: string) => (day === '2026-01-15' ? 100 : 0) };
    expect(worth(['NO_CAPACITY'], thursdayFull, thursdayInWindow)).toBe(false);
    expect(worth(['NO_CAPACITY'], thursdayFull, thursdayNight)).toBe(false);
    expect(worth(['NO_CAPACITY'], thursdayFull, fridayInWindow)).toBe(true);
  });

  it('given an order held at its site, when the site is open, serving its tenant and configured, then it is woken; closed, never reported, not serving it or misconfigured, not', () => {
    expect(worth(['WAREHOUSE_CLOSED'])).toBe(true);
    expect(worth(['WAREHOUSE_CLOSED'], { site: { ...site, status: 'CLOSED' } })).toBe(false);
    expect(worth(['UNKNOWN_SITE'])).toBe(true);
    expect(worth(['UNKNOWN_SITE'], { site: undefined })).toBe(false);
    expect(worth(['UNKNOWN_SITE'], { servesTenant: false })).toBe(false);
    expect(worth(['UNKNOWN_SITE'], { site: { ...site, timeZone: 'Mars/Olympus' } })).toBe(false);
  });

  it('given an order held for invalid lines or address, then it is never woken: only an amendment of the order cures those', () => {
    expect(REASONS_THAT_CLEAR_WITHOUT_THE_ORDER).toEqual(['CREDIT_HOLD', 'INSUFFICIENT_INVENTORY', 'UNKNOWN_SITE', 'WAREHOUSE_CLOSED', 'PAST_CUT_OFF', 'NO_CAPACITY']);
    expect(worth(['INVALID_LINES', 'INVALID_ADDRESS'], { levels: new Map([['BOLT-M8', { onHand: 9, allocated: 0 }]]) })).toBe(false);
  });

  it('given an order held for credit and past the cut-off, when only the credit hold is lifted, then it is woken: the re-evaluation records the reason that remains', () => {
    expect(worth(['CREDIT_HOLD', 'PAST_CUT_OFF'], {}, thursdayNight)).toBe(true);
    expect(worth(['CREDIT_HOLD', 'PAST_CUT_OFF'], { creditHolds: [{ orderId: null, inForce: true }] }, thursdayNight)).toBe(false);
  });
});
