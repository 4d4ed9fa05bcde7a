import { randomUUID } from 'node:crypto';
import { keyOf, type CancelWarehouseOrder, type ReleaseOrderToWarehouse } from '@lading/contracts';
import { createAvroSerde } from '@lading/schema-registry';
import { testSchemaRegistryUrl } from '@lading/testing';
import { createWarehouseSimulator, createWorld, simulateErp, type SimulatedFact, type WmsFact } from '@lading/simulator-core';
import { cancelCommandsFrom, erpRecordFor, releaseCommandFrom, toContractAddress, toContractUnit, wmsRecordsFor, type OutboundRecord, type ReleasedWarehouseOrder } from './simulator.mapper';

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
    const seen = await roundTrip(erp.map((published, n) => erpRecordFor(published, Date.parse(startAt) + n)));
    expect([...seen].sort()).toEqual(['lading.erp.CreditHoldPlaced', 'lading.erp.CreditHoldReleased', 'lading.erp.OrderAmended', 'lading.erp.OrderCancelled', 'lading.erp.OrderPlaced']);
  });

  it('decodes release and cancel commands into the WMS model and encodes every answer', async () => {
    const wms = createWarehouseSimulator({ seed: 11, world, startAt, shortageRate: 0.3, siteClosureRate: 0.5 });
    const facts: SimulatedFact<WmsFact>[] = wms.start();
    const released = new Map<string, ReleasedWarehouseOrder>();
    const placed = erp.flatMap((f) => (f.fact.type === 'OrderPlaced' && f.fact.lines.every((l) => l.quantity > 0 && toContractUnit(l.unitOfMeasure) !== 'UNKNOWN') ? [f.fact] : [])).slice(0, 40);
    for (const [n, order] of placed.entries()) {
      const meta = { eventId: randomUUID(), tenantId: order.tenantId, correlationId: order.orderId, causationId: randomUUID(), occurredAt: Date.parse(startAt), recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 1 };
      const release: ReleaseOrderToWarehouse = {
        meta,
        orderId: order.orderId,
        siteId: order.siteId,
        lines: order.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: { value: l.quantity, unit: toContractUnit(l.unitOfMeasure) }, unitPrice: null })),
        shipTo: toContractAddress(order.shipTo),
        promisedDeliveryAt: Date.parse(`${order.promisedDate}T23:59:59.999Z`),
      };
      const decoded = await serde.decode('wms.commands.v1', await serde.encode('wms.commands.v1', 'lading.commands.ReleaseOrderToWarehouse', release));
      const tenant = world.tenants.find((t) => t.tenantId === order.tenantId)!;
      const command = releaseCommandFrom(decoded.value as ReleaseOrderToWarehouse, `${order.orderId}-W1`, (sku) => tenant.catalogue.find((i) => i.sku === sku)?.unitOfMeasure);
      // Through the contract and back, the WMS gets the order the ERP placed.
      expect(command.lines).toEqual(order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitOfMeasure: l.unitOfMeasure })));
      released.set(command.warehouseOrderId, { commandEventId: meta.eventId, correlationId: order.orderId, lines: release.lines });
      wms.handle(command, startAt);
      if (n % 10 === 0) {
        const cancel: CancelWarehouseOrder = { meta: { ...meta, eventId: randomUUID() }, orderId: order.orderId, siteId: order.siteId, reason: 'cancelled in the ERP' };
        const decodedCancel = await serde.decode('wms.commands.v1', await serde.encode('wms.commands.v1', 'lading.commands.CancelWarehouseOrder', cancel));
        for (const c of cancelCommandsFrom(decodedCancel.value as CancelWarehouseOrder, [command.warehouseOrderId])) wms.handle(c, '2026-03-02T08:00:00.500Z');
      }
    }
    facts.push(...wms.advanceTo('2026-03-05T08:00:00.000Z'));
    const context = {
      occurredAt: Date.parse(startAt),
      tenantIds: world.tenants.map((t) => t.tenantId),
      warehouseOrder: (id: string) => released.get(id),
      allocated: () => 3,
      ordersReleasedToday: () => 1,
    };
    const seen = await roundTrip(facts.flatMap((f) => wmsRecordsFor(f, context).records));
    expect([...seen].sort()).toEqual([
      'lading.wms.InventoryLevelChanged',
      'lading.wms.OrderPacked',
      'lading.wms.OrderPicked',
      'lading.wms.OrderShipped',
      'lading.wms.WarehouseOrderAccepted',
      'lading.wms.WarehouseStatusChanged',
    ]);
  });
});
