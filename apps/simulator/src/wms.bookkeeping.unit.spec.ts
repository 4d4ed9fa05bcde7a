import { keyOf, type CancelWarehouseOrder, type EventMeta, type ReleaseOrderToWarehouse, type WmsCommandsV1Record } from '@lading/contracts';
import { createWarehouseSimulator, createWorld, simulateErp, type OrderPlaced, type SimulatedFact, type WmsFact } from '@lading/simulator-core';
import { createSimulationClock } from './clock';
import { createLogger } from './logger';
import { toContractAddress, toContractUnit, wmsRecordsFor, type OutboundRecord } from './simulator.mapper';
import { createWmsBookkeeping } from './wms.bookkeeping';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const world = createWorld({ seed: 12, tenants: 2 });
const [tenantA, tenantB] = world.tenants.map((t) => t.tenantId);

/**
 * Two tenants place the same order number for the same customer id with a SKU both stock, as
 * the ERP simulation does all the time; the releases go to one site. Both tenants' placements
 * are taken from the ERP's own facts, so the collision is the simulator's normal case.
 */
function twinOrders(): [OrderPlaced, OrderPlaced] {
  const placed = simulateErp({ seed: 12, world, startAt: new Date(START).toISOString(), ordersPerHour: 600, orders: 400, amendmentRate: 0, cancellationRate: 0, creditHoldRate: 0 })
    .map((f) => f.fact)
    .filter((fact): fact is OrderPlaced => fact.type === 'OrderPlaced');
  for (const a of placed.filter((p) => p.tenantId === tenantA)) {
    const b = placed.find((p) => p.tenantId === tenantB && p.orderId === a.orderId && p.customerId === a.customerId);
    const sku = b && a.lines.find((line) => b.lines.some((other) => other.sku === line.sku) && ['EA', 'PK', 'CS'].includes(line.unitOfMeasure))?.sku;
    if (b && sku) {
      const only = (order: OrderPlaced, quantity: number): OrderPlaced => ({ ...order, siteId: 'US-NJ1', lines: [{ ...order.lines.find((line) => line.sku === sku)!, lineNumber: 10, quantity }] });
      return [only(a, 4), only(b, 30)];
    }
  }
  throw new Error('the ERP placed no twin orders');
}

const meta = (tenantId: string, orderId: string, eventId: string): EventMeta => ({
  eventId,
  tenantId,
  correlationId: orderId,
  causationId: null,
  occurredAt: START,
  recordedAt: null,
  sourceSystem: 'ORDER_RELEASE',
  schemaVersion: 2,
});

function releaseOf(order: OrderPlaced, eventId: string): WmsCommandsV1Record {
  const value: ReleaseOrderToWarehouse = {
    meta: meta(order.tenantId, order.orderId, eventId),
    orderId: order.orderId,
    siteId: order.siteId,
    lines: order.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: { value: l.quantity, unit: toContractUnit(l.unitOfMeasure) }, unitPrice: null })),
    shipTo: toContractAddress(order.shipTo),
    promisedDeliveryAt: START + 86_400_000,
    warehouseOrderId: `${order.orderId}-R1`,
  };
  return { recordType: 'lading.commands.ReleaseOrderToWarehouse', value };
}

function cancelOf(order: OrderPlaced, eventId: string): WmsCommandsV1Record {
  const value: CancelWarehouseOrder = { meta: meta(order.tenantId, order.orderId, eventId), orderId: order.orderId, siteId: order.siteId, reason: 'cancelled in the ERP', warehouseOrderId: `${order.orderId}-R1` };
  return { recordType: 'lading.commands.CancelWarehouseOrder', value };
}

function setUp() {
  const model = createWarehouseSimulator({
    seed: 12,
    world,
    startAt: new Date(START).toISOString(),
    shortageRate: 0,
    outOfStockRate: 0,
    initialStock: { min: 50, max: 50 },
    restock: false,
    delays: { acceptSeconds: [1, 1], pickMinutes: [10, 10], packMinutes: [60, 60], shipMinutes: [60, 60] },
  });
  // Frozen at START: the model is advanced by hand.
  const clock = { ...createSimulationClock(1, START), simulatedAt: () => START };
  const bookkeeping = createWmsBookkeeping({ model, world, clock, logger: createLogger('simulator', () => undefined) });
  const records: OutboundRecord[] = [];
  const advanceTo = (at: number) => {
    const facts: SimulatedFact<WmsFact>[] = model.advanceTo(new Date(at).toISOString());
    bookkeeping.settleAllocations();
    records.push(...facts.flatMap((f) => wmsRecordsFor(f, bookkeeping.context(Date.parse(f.at))).records));
  };
  model.start();
  return { model, bookkeeping, records, advanceTo };
}

describe('WMS bookkeeping with two tenants using the same ids', () => {
  const [a, b] = twinOrders();
  const sku = a.lines[0].sku;

  it('uses twin orders: same order number, customer id and SKU, at one site', () => {
    expect([b.orderId, b.customerId, b.lines[0].sku, b.siteId]).toEqual([a.orderId, a.customerId, sku, a.siteId]);
    expect(a.tenantId).not.toBe(b.tenantId);
  });

  it('takes both tenants’ <order>-R1 as two warehouse orders, each answered on its own journey and picked from its own tenant’s stock', () => {
    const { model, bookkeeping, records, advanceTo } = setUp();
    // Event ids are per tenant too: the same id in another tenant is not a redelivery.
    expect(bookkeeping.handle(releaseOf(a, '6f1c2e1a-0000-4000-8000-00000000000a'))).toEqual({ handled: true });
    expect(bookkeeping.handle(releaseOf(b, '6f1c2e1a-0000-4000-8000-00000000000a'))).toEqual({ handled: true });
    expect(bookkeeping.handle(releaseOf(b, '6f1c2e1a-0000-4000-8000-00000000000a'))).toEqual({ handled: false, reason: 'redelivered' });
    expect(bookkeeping.handle(releaseOf(b, '6f1c2e1a-0000-4000-8000-00000000000b'))).toEqual({ handled: false, reason: 'known_warehouse_order' });
    expect(model.duplicateReleases()).toBe(0);
    expect(bookkeeping.warehouseOrders().map((o) => [o.tenantId, o.warehouseOrderId])).toEqual([
      [a.tenantId, `${a.orderId}-R1`],
      [b.tenantId, `${b.orderId}-R1`],
    ]);
    expect(bookkeeping.openWarehouseOrders()).toBe(2);
    const level = (tenantId: string) => bookkeeping.stock(tenantId).find((s) => s.siteId === 'US-NJ1' && s.sku === sku);
    expect([level(a.tenantId)!.allocated, level(b.tenantId)!.allocated]).toEqual([4, 30]);
    // Both tenants' releases count towards the site's day: the site's capacity is one pool.
    expect(bookkeeping.context(START).ordersReleasedToday('US-NJ1')).toBe(2);

    advanceTo(START + 86_400_000);
    for (const [order, quantity] of [[a, 4], [b, 30]] as const) {
      const mine = records.filter((r) => r.value.meta.tenantId === order.tenantId);
      const fulfilment = mine.filter((r) => r.topic === 'wms.fulfilment.v1');
      expect(fulfilment.map((r) => r.recordType)).toEqual(['lading.wms.WarehouseOrderAccepted', 'lading.wms.OrderPicked', 'lading.wms.OrderPacked', 'lading.wms.OrderShipped']);
      for (const record of fulfilment) {
        expect(record.value.meta).toMatchObject({ correlationId: order.orderId, causationId: '6f1c2e1a-0000-4000-8000-00000000000a' });
        expect(record.value).toMatchObject({ orderId: order.orderId, warehouseOrderId: `${order.orderId}-R1` });
      }
      const picked = mine.filter((r) => r.topic === 'wms.inventory.v2');
      expect(picked.map((r) => [keyOf(r.topic, r.value), 'onHand' in r.value && r.value.onHand.value])).toEqual([[`${order.tenantId}@${sku}@US-NJ1`, 50 - quantity]]);
      expect(level(order.tenantId)).toMatchObject({ onHand: 50 - quantity, allocated: 0 });
      expect(bookkeeping.warehouseOrders(order.tenantId)).toEqual([expect.objectContaining({ tenantId: order.tenantId, status: 'SHIPPED' })]);
    }
    expect(bookkeeping.openWarehouseOrders()).toBe(0);
  });

  it('cancels B’s warehouse order and never touches A’s', () => {
    const { bookkeeping, records, advanceTo } = setUp();
    bookkeeping.handle(releaseOf(a, '6f1c2e1a-0000-4000-8000-00000000000c'));
    bookkeeping.handle(releaseOf(b, '6f1c2e1a-0000-4000-8000-00000000000d'));
    advanceTo(START + 30 * 60_000); // both picked, neither packed
    expect(bookkeeping.handle(cancelOf(b, '6f1c2e1a-0000-4000-8000-00000000000e'))).toEqual({ handled: true });
    advanceTo(START + 86_400_000);
    const after = records.filter((r) => r.topic === 'wms.fulfilment.v1' && r.recordType !== 'lading.wms.WarehouseOrderAccepted' && r.recordType !== 'lading.wms.OrderPicked');
    expect(after.map((r) => [r.value.meta.tenantId, r.recordType])).toEqual([
      [b.tenantId, 'lading.wms.WarehouseOrderCancelled'],
      [a.tenantId, 'lading.wms.OrderPacked'],
      [a.tenantId, 'lading.wms.OrderShipped'],
    ]);
    expect(after[0].value.meta.causationId).toBe('6f1c2e1a-0000-4000-8000-00000000000d');
    expect(bookkeeping.warehouseOrders(a.tenantId)).toEqual([expect.objectContaining({ status: 'SHIPPED' })]);
    expect(bookkeeping.warehouseOrders(b.tenantId)).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    const level = (tenantId: string) => bookkeeping.stock(tenantId).find((s) => s.siteId === 'US-NJ1' && s.sku === sku)!.onHand;
    expect([level(a.tenantId), level(b.tenantId)]).toEqual([46, 50]);
  });

  it('knows no order of another tenant: a cancel for an order only A released is unknown to B', () => {
    const { bookkeeping } = setUp();
    bookkeeping.handle(releaseOf(a, '6f1c2e1a-0000-4000-8000-00000000000f'));
    expect(bookkeeping.handle(cancelOf(b, '6f1c2e1a-0000-4000-8000-000000000010'))).toEqual({ handled: false, reason: 'unknown_order' });
    const stranger = { ...releaseOf(a, '6f1c2e1a-0000-4000-8000-000000000011') };
    stranger.value = { ...stranger.value, meta: { ...stranger.value.meta, tenantId: 'not-simulated' } };
    expect(bookkeeping.handle(stranger)).toEqual({ handled: false, reason: 'other_tenant' });
    expect(bookkeeping.warehouseOrders(b.tenantId)).toEqual([]);
  });
});
