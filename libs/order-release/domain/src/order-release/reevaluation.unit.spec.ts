import { DeciderSpecification } from '@lading/decider';
import { contextWith, NOW, order, site, stock } from './order-release.fixtures';
import { orderRelease } from './order-release.decide';
import { OrderDetails, OrderHeld, OrderReleaseMessage, ReleaseContext } from './order-release';
import { HeldOrder, heldOrderFromEvent, heldOrderOf, heldOrdersToReevaluate, releaseContextNeededFor, stockAwaitedByOlderOrders } from './reevaluation';

function heldOrder(orderId: string, queuedSince: string, overrides: Partial<HeldOrder> = {}): HeldOrder {
  return {
    orderId,
    tenantId: 'acme',
    customerId: 'CUST-1',
    siteId: 'US-NJ1',
    queuedSince,
    reasons: ['INSUFFICIENT_INVENTORY'],
    waitingFor: [{ sku: 'BOLT-M8', quantity: 10 }],
    backorder: false,
    ...overrides,
  };
}

describe('re-evaluating held orders', () => {
  const oldest = heldOrder('SO-3', '2026-01-15T08:00:00Z', { waitingFor: [{ sku: 'BOLT-M8', quantity: 100 }] });
  const middle = heldOrder('SO-1', '2026-01-15T09:00:00Z');
  const tiedA = heldOrder('SO-4', '2026-01-15T10:00:00Z');
  const tiedB = heldOrder('SO-5', '2026-01-15T10:00:00Z');
  const otherSku = heldOrder('SO-6', '2026-01-15T07:00:00Z', { waitingFor: [{ sku: 'NUT-M8', quantity: 1 }] });
  const otherSite = heldOrder('SO-7', '2026-01-15T07:00:00Z', { siteId: 'GB-MK1' });
  const otherTenant = heldOrder('SO-8', '2026-01-15T07:00:00Z', { tenantId: 'globex' });
  const creditHeld = heldOrder('SO-9', '2026-01-15T07:30:00Z', { reasons: ['CREDIT_HOLD', 'INSUFFICIENT_INVENTORY'], customerId: 'CUST-9' });
  const pastCutOff = heldOrder('SO-10', '2026-01-15T06:00:00Z', { reasons: ['PAST_CUT_OFF'] });
  const everyone = [tiedB, middle, otherSku, tiedA, otherSite, oldest, otherTenant, creditHeld, pastCutOff];
  const ids = (orders: HeldOrder[]) => orders.map((o) => o.orderId);

  it('an inventory change concerns orders short of that SKU at that tenant and site, oldest first, ties by order id', () => {
    expect(ids(heldOrdersToReevaluate(everyone, { kind: 'INVENTORY_CHANGED', tenantId: 'acme', siteId: 'US-NJ1', sku: 'BOLT-M8' }))).toEqual(['SO-9', 'SO-3', 'SO-1', 'SO-4', 'SO-5']);
  });

  it('a site change or an opening window concerns orders held for site reasons there', () => {
    expect(ids(heldOrdersToReevaluate(everyone, { kind: 'SITE_STATUS_CHANGED', siteId: 'US-NJ1' }))).toEqual(['SO-10']);
    expect(ids(heldOrdersToReevaluate(everyone, { kind: 'RELEASE_WINDOW_OPENED', siteId: 'GB-MK1' }))).toEqual([]);
  });

  it("a lifted credit hold concerns that customer's credit-held orders; a new hold concerns none", () => {
    expect(ids(heldOrdersToReevaluate(everyone, { kind: 'CREDIT_CHANGED', tenantId: 'acme', customerId: 'CUST-9', onHold: false }))).toEqual(['SO-9']);
    expect(ids(heldOrdersToReevaluate(everyone, { kind: 'CREDIT_CHANGED', tenantId: 'acme', customerId: 'CUST-9', onHold: true }))).toEqual([]);
    expect(ids(heldOrdersToReevaluate(everyone, { kind: 'CREDIT_CHANGED', tenantId: 'globex', customerId: 'CUST-9', onHold: false }))).toEqual([]);
  });

  it('older orders claim what they wait for, except those only they can cure (credit, invalid lines or address)', () => {
    const newcomer = { orderId: 'SO-NEW', tenantId: 'acme', siteId: 'US-NJ1', queuedSince: '2026-01-15T09:30:00Z' };
    expect(stockAwaitedByOlderOrders(everyone, newcomer)).toEqual({ 'BOLT-M8': 120, 'NUT-M8': 1 });
    // SO-1 itself: only SO-3 (100), SO-10 (10) and SO-6 (NUT) are older at acme/US-NJ1.
    expect(stockAwaitedByOlderOrders(everyone, middle)).toEqual({ 'BOLT-M8': 110, 'NUT-M8': 1 });
    // Tie on time: the order id decides, the same on every instance.
    expect(stockAwaitedByOlderOrders(everyone, tiedB)['BOLT-M8']).toBe(130);
    expect(stockAwaitedByOlderOrders(everyone, tiedA)['BOLT-M8']).toBe(120);
    expect(stockAwaitedByOlderOrders(everyone, pastCutOff)).toEqual({});
  });

  it('a big older order is not starved by a stream of small younger ones', () => {
    // SO-BIG waits for 100 bolts with 60 in stock. Small orders keep arriving, then 40 more come in.
    const now = (iso: string) => DeciderSpecification.for(orderRelease, { now: new Date(iso) });
    const big: OrderDetails = { ...order, orderId: 'SO-BIG', lines: [{ lineNumber: 1, sku: 'BOLT-M8', quantity: 100, unitOfMeasure: 'EA' }] };
    const small = (orderId: string): OrderDetails => ({ ...order, orderId, lines: [{ lineNumber: 1, sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA' }] });
    let onHand = 60;
    const streams = new Map<string, OrderReleaseMessage[]>();
    const held = () => [...streams.values()].map((stream) => heldOrderOf(DeciderSpecification.for(orderRelease, { now: NOW }).given(stream).state())).filter((h): h is HeldOrder => !!h);
    const contextFor = (details: OrderDetails, queuedSince: string): ReleaseContext =>
      contextWith({ inventory: { 'BOLT-M8': stock(onHand, stockAwaitedByOlderOrders(held(), { ...details, queuedSince })['BOLT-M8'] ?? 0) } });
    const run = (details: OrderDetails, at: string) => {
      const stream = streams.get(details.orderId) ?? [];
      const state = now(at).given(stream).state();
      const command =
        state.status === 'Unplaced'
          ? ({ type: 'PlaceOrder', data: { order: details, context: contextFor(details, at) } } as const)
          : ({ type: 'ReevaluateOrder', data: { orderId: details.orderId, context: contextFor(details, heldOrderOf(state)!.queuedSince) } } as const);
      const out = now(at).given(stream).when(command).events();
      for (const m of out) if (m.type === 'OrderReleased') for (const l of m.data.lines) onHand -= l.quantity;
      streams.set(details.orderId, [...stream, ...out]);
      return out.map((m) => m.type);
    };

    expect(run(big, '2026-01-15T15:00:00Z')).toEqual(['OrderReceived', 'OrderHeld']);
    for (const [i, at] of ['15:01', '15:02', '15:03'].entries()) {
      expect(run(small(`SO-SMALL-${i}`), `2026-01-15T${at}:00Z`)).toEqual(['OrderReceived', 'OrderHeld']);
    }
    expect(onHand).toBe(60);

    onHand += 50; // 110 on hand: the big one first, then two of the three small ones
    const queue = heldOrdersToReevaluate(held(), { kind: 'INVENTORY_CHANGED', tenantId: order.tenantId, siteId: order.siteId, sku: 'BOLT-M8' });
    expect(ids(queue)).toEqual(['SO-BIG', 'SO-SMALL-0', 'SO-SMALL-1', 'SO-SMALL-2']);
    const outcomes = queue.map((h) => run(h.orderId === 'SO-BIG' ? big : small(h.orderId), '2026-01-15T15:10:00Z')[0]);
    expect(outcomes).toEqual(['OrderReleased', 'OrderReleased', 'OrderReleased', undefined]);
    expect(onHand).toBe(0);
  });

  it('the held-order row is the same from the event and from the folded state', () => {
    const spec = DeciderSpecification.for(orderRelease, { now: NOW });
    const events = spec.given([]).when({ type: 'PlaceOrder', data: { order, context: contextWith({ inventory: { 'BOLT-M8': stock(1) } }) } }).events();
    const hold = events.find((m): m is OrderHeld => m.type === 'OrderHeld')!;
    expect(heldOrderFromEvent(hold)).toEqual(heldOrderOf(spec.given(events).state()));
    expect(heldOrderFromEvent(hold)).toEqual({
      orderId: 'SO-1001',
      tenantId: 'acme',
      customerId: 'CUST-42',
      siteId: 'US-NJ1',
      queuedSince: NOW.toISOString(),
      reasons: ['INSUFFICIENT_INVENTORY'],
      waitingFor: [
        { sku: 'BOLT-M8', quantity: 5 },
        { sku: 'NUT-M8', quantity: 2 },
      ],
      backorder: false,
    });
    expect(heldOrderOf({ status: 'Unplaced' })).toBeUndefined();
  });

  it('says which facts to load before deciding, including the lines of an amendment deferred before placement', () => {
    const spec = DeciderSpecification.for(orderRelease, { now: NOW });
    const deferred = spec
      .given([])
      .when({ type: 'AmendOrder', data: { amendment: { orderId: order.orderId, revision: 2, amendedAt: NOW.toISOString(), changes: { lines: [{ lineNumber: 3, sku: 'WASHER', quantity: 1, unitOfMeasure: 'EA' }] } }, context: contextWith() } })
      .events();
    const state = spec.given(deferred).state();
    expect(releaseContextNeededFor({ type: 'PlaceOrder', data: { order, context: contextWith() } }, state)).toEqual({
      tenantId: 'acme',
      customerId: 'CUST-42',
      siteId: 'US-NJ1',
      skus: ['BOLT-M8', 'NUT-M8', 'WASHER'],
    });
    expect(releaseContextNeededFor({ type: 'CancelOrder', data: { orderId: order.orderId, tenantId: order.tenantId, reason: 'x', cancelledAt: NOW.toISOString() } }, state)).toBeUndefined();
    // an early amendment that moved the order: the placement is decided at the site it names
    const moved = spec
      .given([])
      .when({ type: 'AmendOrder', data: { amendment: { orderId: order.orderId, revision: 2, amendedAt: NOW.toISOString(), changes: { siteId: 'JP-OSA' } }, context: contextWith() } })
      .events();
    expect(releaseContextNeededFor({ type: 'PlaceOrder', data: { order, context: contextWith() } }, spec.given(moved).state())).toMatchObject({ siteId: 'JP-OSA' });
    const heldState = spec.given([{ type: 'OrderReceived', data: { order, receivedAt: NOW.toISOString() } }]).state();
    expect(releaseContextNeededFor({ type: 'ReevaluateOrder', data: { orderId: order.orderId, context: contextWith() } }, heldState)).toMatchObject({
      skus: ['BOLT-M8', 'NUT-M8'],
      queuedSince: NOW.toISOString(),
    });
  });
});

describe('re-evaluating an order held until its site window opens', () => {
  const afterCutOff = new Date('2026-01-15T20:00:00Z'); // 15:00 in New York, a Thursday
  const heldPastCutOff = DeciderSpecification.for(orderRelease, { now: afterCutOff }).given([]).when({ type: 'PlaceOrder', data: { order, context: contextWith() } }).events();
  const reevaluateAt = (now: Date, context: ReleaseContext = contextWith()) =>
    DeciderSpecification.for(orderRelease, { now }).given(heldPastCutOff).when({ type: 'ReevaluateOrder', data: { orderId: order.orderId, context } });
  const opensAt = (messages: OrderReleaseMessage[]) => messages.flatMap((m) => (m.type === 'OrderHeld' ? m.data.reasons.map((r) => ('nextWindowOpensAt' in r ? r.nextWindowOpensAt : r.code)) : []));

  it("given an order held past Thursday's cut-off until Friday's window, when it is re-evaluated before that window opens, then nothing is emitted: it waits for the same opening", () => {
    expect(opensAt(heldPastCutOff)).toEqual(['2026-01-16T11:00:00.000Z']);
    reevaluateAt(new Date('2026-01-16T03:00:00Z')).thenNothingHappens();
  });

  it("given an order held until Friday's window, when it is re-evaluated only after Friday's cut-off (its wake-up was lost), then it is held again naming Saturday's window, so that its wake-up is asked for again", () => {
    expect(opensAt(reevaluateAt(new Date('2026-01-16T21:00:00Z')).events())).toEqual(['2026-01-17T11:00:00.000Z']);
  });

  it("given an order held until Friday's window, when it is re-evaluated in Friday's window and Friday is full, then it is held for capacity until Saturday's window, not quietly", () => {
    const full = contextWith({ site: { ...site, releasedOrders: { operatingDay: '2026-01-16', count: 100 } } });
    const events = reevaluateAt(new Date('2026-01-16T15:00:00Z'), full).events();
    expect(events.map((m) => m.type)).toEqual(['OrderHeld']);
    expect(opensAt(events)).toEqual(['2026-01-17T11:00:00.000Z']);
  });

  it('given an order held for capacity until the next window, when it is re-evaluated on the next operating day and that day is full too, then it is held again naming the window after', () => {
    const full = (operatingDay: string) => contextWith({ site: { ...site, releasedOrders: { operatingDay, count: 100 } } });
    const heldForCapacity = DeciderSpecification.for(orderRelease, { now: NOW }).given([]).when({ type: 'PlaceOrder', data: { order, context: full('2026-01-15') } }).events();
    const nextDay = DeciderSpecification.for(orderRelease, { now: new Date('2026-01-16T15:00:00Z') })
      .given(heldForCapacity)
      .when({ type: 'ReevaluateOrder', data: { orderId: order.orderId, context: full('2026-01-16') } })
      .events();
    expect(opensAt(heldForCapacity)).toEqual(['2026-01-16T11:00:00.000Z']);
    expect(opensAt(nextDay)).toEqual(['2026-01-17T11:00:00.000Z']);
  });
});

