import { randomUUID } from 'node:crypto';
import { keyOf, type CancelWarehouseOrder, type ReleaseOrderToWarehouse } from '@lading/contracts';
import { createAvroSerde } from '@lading/schema-registry';
import { testSchemaRegistryUrl } from '@lading/testing';
import { createWarehouseSimulator, createWorld, simulateErp, type SimulatedFact, type WmsFact } from '@lading/simulator-core';
import {
  cancelCommandsFrom,
  erpRecordFor,
  releaseCommandFrom,
  toContractAddress,
  toContractUnit,
  warehouseOrderIdFor,
  wmsRecordsFor,
  type OutboundRecord,
  type ReleasedWarehouseOrder,
} from './simulator.mapper';

/**
 * Every record the mapper produces goes through the real serde against the real registry:
 * a mapping that breaks the schema (a missing field, a bad uuid, a wrong enum) fails here.
 */
describe('simulator mapper against the registered schemas', () => {
  const serde = createAvroSerde({ registryUrl: testSchemaRegistryUrl() });
  const world = createWorld({ seed: 11, tenants: 3, tenantIdPrefix: 'mapper-' });
  const startAt = '2026-03-02T08:00:00.000Z';
  const erp = simulateErp({ seed: 11, world, startAt, ordersPerHour: 600, orders: 150, amendmentRate: 0.4, cancellationRate: 0.2, creditHoldRate: 0.2, invalidOrderRate: 0.2, duplicateRate: 0.05 });

  async function roundTrip(records: OutboundRecord[]): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const record of records) {
      const bytes = await serde.encode(record.topic, record.recordType, record.value);
      const decoded = await serde.decode(record.topic, bytes);
      expect(decoded.recordType).toBe(record.recordType);
      expect(decoded.value).toEqual(record.value);
      expect(keyOf(record.topic, record.value)).not.toBe('');
      seen.add(record.recordType);
    }
    return seen;
  }

  it('encodes every ERP record the simulation produces (invalid orders included)', async () => {
    const records = erp.map((published, n) => erpRecordFor(published, Date.parse(startAt) + n));
    const seen = await roundTrip(records);
    const policies = new Set(records.flatMap((r) => (r.recordType === 'lading.erp.OrderPlaced' ? [r.value.fulfilmentPolicy] : [])));
    expect(policies).toEqual(new Set(['SHIP_COMPLETE', 'ALLOW_PARTIAL']));
    expect([...seen].sort()).toEqual(['lading.erp.CreditHoldPlaced', 'lading.erp.CreditHoldReleased', 'lading.erp.OrderAmended', 'lading.erp.OrderCancelled', 'lading.erp.OrderPlaced']);
  });

  it('decodes release and cancel commands into the WMS model and encodes every answer', async () => {
    const wms = createWarehouseSimulator({ seed: 11, world, startAt, shortageRate: 0.3, siteClosureRate: 0.5 });
    const facts: SimulatedFact<WmsFact>[] = wms.start();
    const released = new Map<string, ReleasedWarehouseOrder>();
    const placed = erp.flatMap((f) => (f.fact.type === 'OrderPlaced' && f.fact.lines.every((l) => l.quantity > 0 && toContractUnit(l.unitOfMeasure) !== 'UNKNOWN') ? [f.fact] : [])).slice(0, 40);
    // Each order is released as two warehouse orders (a backorder): Lading names both, except every
    // fifth order, whose releases come from a producer before v2 and carry no id.
    const releasedAs = new Map<string, string[]>();
    const releaseAll = placed.flatMap((order, n) => [1, 2].map((r) => ({ order, n, warehouseOrderId: n % 5 === 4 ? null : `${order.orderId}-R${r}` })));
    for (const { order, warehouseOrderId } of releaseAll) {
      const meta = { eventId: randomUUID(), tenantId: order.tenantId, correlationId: order.orderId, causationId: randomUUID(), occurredAt: Date.parse(startAt), recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 2 };
      const release: ReleaseOrderToWarehouse = {
        meta,
        orderId: order.orderId,
        siteId: order.siteId,
        lines: order.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: { value: l.quantity, unit: toContractUnit(l.unitOfMeasure) }, unitPrice: null })),
        shipTo: toContractAddress(order.shipTo),
        promisedDeliveryAt: Date.parse(`${order.promisedDate}T23:59:59.999Z`),
        warehouseOrderId,
      };
      const decoded = await serde.decode('wms.commands.v1', await serde.encode('wms.commands.v1', 'lading.commands.ReleaseOrderToWarehouse', release));
      const tenant = world.tenants.find((t) => t.tenantId === order.tenantId)!;
      const decodedRelease = decoded.value as ReleaseOrderToWarehouse;
      const ids = releasedAs.get(`${order.tenantId}/${order.orderId}`) ?? [];
      const command = releaseCommandFrom(decodedRelease, warehouseOrderIdFor(decodedRelease, ids.length), (sku) => tenant.catalogue.find((i) => i.sku === sku)?.unitOfMeasure);
      expect(command.warehouseOrderId).toBe(warehouseOrderId ?? `${order.orderId}-W${ids.length + 1}`);
      releasedAs.set(`${order.tenantId}/${order.orderId}`, [...ids, command.warehouseOrderId]);
      // Through the contract and back, the WMS gets the order the ERP placed.
      expect(command.lines).toEqual(order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitOfMeasure: l.unitOfMeasure })));
      released.set(`${order.tenantId}/${command.warehouseOrderId}`, { commandEventId: meta.eventId, correlationId: order.orderId, tenantId: order.tenantId, orderId: order.orderId, lines: release.lines });
      wms.handle(command, startAt);
    }
    // Cancels right after the releases, before any pick: every third order's backorder by name,
    // and both warehouse orders of every other pre-v2 order (a cancel naming none).
    const cancelledIds = new Set<string>();
    for (const [n, order] of placed.entries()) {
      const named = n % 10 === 4 ? null : n % 5 === 4 ? undefined : n % 3 === 0 ? `${order.orderId}-R2` : undefined;
      if (named === undefined) continue;
      const meta = { eventId: randomUUID(), tenantId: order.tenantId, correlationId: order.orderId, causationId: randomUUID(), occurredAt: Date.parse(startAt), recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 2 };
      const cancel: CancelWarehouseOrder = { meta, orderId: order.orderId, siteId: order.siteId, reason: 'cancelled in the ERP', warehouseOrderId: named };
      const decodedCancel = await serde.decode('wms.commands.v1', await serde.encode('wms.commands.v1', 'lading.commands.CancelWarehouseOrder', cancel));
      for (const c of cancelCommandsFrom(decodedCancel.value as CancelWarehouseOrder, releasedAs.get(`${order.tenantId}/${order.orderId}`)!)) {
        cancelledIds.add(`${c.tenantId}/${c.warehouseOrderId}`);
        wms.handle(c, '2026-03-02T08:00:00.500Z');
      }
    }
    expect(cancelledIds.size).toBeGreaterThan(0);
    for (const [key, ids] of releasedAs)
      for (const id of ids) {
        const [tenantId, orderId] = key.split('/');
        const view = wms.warehouseOrder(tenantId, id)!;
        expect(view.orderId).toBe(orderId);
        // Naming the backorder leaves the first warehouse order of the same order untouched.
        expect(view.status === 'CANCELLED').toBe(cancelledIds.has(`${tenantId}/${id}`));
      }
    facts.push(...wms.advanceTo('2026-03-05T08:00:00.000Z'));
    const context = {
      occurredAt: Date.parse(startAt),
      warehouseOrder: (tenantId: string, id: string) => released.get(`${tenantId}/${id}`),
      allocated: () => 3,
      ordersReleasedToday: () => 1,
    };
    const records = facts.flatMap((f) => wmsRecordsFor(f, context).records);
    const seen = await roundTrip(records);
    // Every answer about a warehouse order names it: Lading's id, or the WMS's own for a pre-v2 release.
    const answered = new Set<string>();
    for (const record of records)
      if (record.topic === 'wms.fulfilment.v1') {
        const id = `${record.value.meta.tenantId}/${record.value.warehouseOrderId!}`;
        expect(released.get(id)).toMatchObject({ orderId: record.value.orderId });
        // a cancelled warehouse order is at most accepted, then confirmed cancelled: never picked
        expect(cancelledIds.has(id) && !['lading.wms.WarehouseOrderAccepted', 'lading.wms.WarehouseOrderCancelled'].includes(record.recordType)).toBe(false);
        answered.add(id);
      }
    const confirmedCancelled = new Set(records.filter((r) => r.recordType === 'lading.wms.WarehouseOrderCancelled').map((r) => `${r.value.meta.tenantId}/${r.value.warehouseOrderId}`));
    expect(confirmedCancelled).toEqual(cancelledIds);
    expect([...answered].some((id) => /-R\d$/.test(id)) && [...answered].some((id) => /-W\d$/.test(id))).toBe(true);
    const windows = new Map(records.flatMap((r) => (r.recordType === 'lading.wms.WarehouseStatusChanged' ? [[r.value.siteId, [r.value.releaseWindowOpensAt, r.value.cutOffLocalTime]] as const] : [])));
    expect(windows.get('US-IL1')).toEqual([14 * 3_600_000, 2 * 3_600_000]);
    expect([...seen].sort()).toEqual([
      'lading.wms.InventoryLevelChanged',
      'lading.wms.OrderPacked',
      'lading.wms.OrderPicked',
      'lading.wms.OrderShipped',
      'lading.wms.WarehouseOrderAccepted',
      'lading.wms.WarehouseOrderCancelled',
      'lading.wms.WarehouseStatusChanged',
    ]);
  });
});
