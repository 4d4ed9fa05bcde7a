import { keyOf } from '@lading/contracts';
import { createWarehouseSimulator, createWorld, simulateErp, type SimulatedFact, type WmsFact } from '@lading/simulator-core';
import {
  cancelCommandsFrom,
  erpRecordFor,
  fromContractUnit,
  localTimeMillis,
  promisedDeliveryAt,
  releaseCommandFrom,
  toContractUnit,
  warehouseOrderIdFor,
  wmsRecordsFor,
  type WmsMappingContext,
} from './simulator.mapper';

const world = createWorld({ seed: 3, tenants: 2 });
const erp = simulateErp({ seed: 3, world, startAt: '2026-03-02T08:00:00.000Z', ordersPerHour: 600, orders: 200, amendmentRate: 0.5, cancellationRate: 0.3, creditHoldRate: 0.2, invalidOrderRate: 0.2 });
const context: WmsMappingContext = {
  occurredAt: 1_700_000_000_000,
  warehouseOrder: () => undefined,
  allocated: () => 7,
  ordersReleasedToday: () => 12,
};

describe('simulator mapper', () => {
  it('maps units both ways, asking the catalogue where two units share a contract unit', () => {
    expect(['EA', 'PK', 'CS', 'PL', 'KG', 'M', 'BOX'].map(toContractUnit)).toEqual(['EACH', 'CASE', 'CASE', 'PALLET', 'KILOGRAM', 'METRE', 'UNKNOWN']);
    expect(fromContractUnit('CASE', 'PK')).toBe('PK');
    expect(fromContractUnit('CASE', 'CS')).toBe('CS');
    expect(fromContractUnit('CASE', undefined)).toBe('CS');
    expect(fromContractUnit('EACH', 'KG')).toBe('EA');
  });

  it('turns dates and local times into the contract’s milliseconds', () => {
    expect(new Date(promisedDeliveryAt('2026-03-05')).toISOString()).toBe('2026-03-05T23:59:59.999Z');
    expect(localTimeMillis('14:30')).toBe(14.5 * 3_600_000);
    expect(() => localTimeMillis('2pm')).toThrow(/HH:MM/);
  });

  it('stamps every ERP record with a full meta: the fact’s event id, tenant, the journey and the ERP', () => {
    for (const published of erp) {
      const record = erpRecordFor(published, 123);
      expect(record.value.meta).toEqual({
        eventId: published.eventId,
        tenantId: published.tenantId,
        correlationId: 'orderId' in published.fact ? published.fact.orderId : (published.fact as { holdId: string }).holdId,
        causationId: null,
        occurredAt: 123,
        recordedAt: null,
        sourceSystem: 'ERP',
        // OrderPlaced gained its fulfilment policy in version 2; both order records hazmat and liftgate (and Address residential, timeZone) in 3 and 2.
        schemaVersion: ({ 'lading.erp.OrderPlaced': 3, 'lading.erp.OrderAmended': 2 } as Partial<Record<string, number>>)[record.recordType] ?? 1,
      });
      expect(record.topic).toBe(published.fact.type.startsWith('CreditHold') ? 'erp.credit.v1' : 'erp.orders.v1');
    }
  });

  it('publishes each order’s fulfilment policy as the ERP drew it', () => {
    const placed = erp.filter((f) => f.fact.type === 'OrderPlaced');
    const policies = placed.map((published) => {
      const record = erpRecordFor(published, 0);
      if (record.recordType !== 'lading.erp.OrderPlaced' || published.fact.type !== 'OrderPlaced') throw new Error('not a placement');
      expect(record.value.fulfilmentPolicy).toBe(published.fact.fulfilment);
      return record.value.fulfilmentPolicy;
    });
    expect(new Set(policies)).toEqual(new Set(['SHIP_COMPLETE', 'ALLOW_PARTIAL']));
  });

  it('is deterministic for a seed: the same records, in the same order per key', () => {
    const again = simulateErp({ seed: 3, world: createWorld({ seed: 3, tenants: 2 }), startAt: '2026-03-02T08:00:00.000Z', ordersPerHour: 600, orders: 200, amendmentRate: 0.5, cancellationRate: 0.3, creditHoldRate: 0.2, invalidOrderRate: 0.2 });
    expect(again.map((f) => erpRecordFor(f, 1))).toEqual(erp.map((f) => erpRecordFor(f, 1)));
  });

  it('sends an amendment as the whole order, numbered from 1', () => {
    const amended = erp.find((f) => f.fact.type === 'OrderAmended' && f.fact.revision === 2)!;
    const record = erpRecordFor(amended, 0);
    if (record.recordType !== 'lading.erp.OrderAmended' || amended.fact.type !== 'OrderAmended') throw new Error('not an amendment');
    expect(record.value.amendmentNumber).toBe(1);
    expect(record.value.lines.map((l) => l.sku)).toEqual(amended.fact.order.lines.map((l) => l.sku));
    expect(record.value.siteId).toBe(amended.fact.order.siteId);
  });

  it('publishes a site’s status once, by the site’s operator, with the site’s releases over all tenants and an event id the same on every run', () => {
    const statuses = (seed: number) =>
      createWarehouseSimulator({ seed, world, startAt: '2026-03-02T08:00:00.000Z' })
        .start()
        .filter((f) => f.fact.type === 'SiteStatusChanged');
    const released: string[] = [];
    const siteContext = { ...context, ordersReleasedToday: (siteId: string) => (released.push(siteId), 12) };
    const records = statuses(3).flatMap((site) => wmsRecordsFor(site, siteContext).records);
    expect(records.map((r) => [r.topic, r.value.meta.tenantId, 'siteId' in r.value && r.value.siteId])).toEqual(world.sites.map((site) => ['wms.sites.v1', 'sim-3pl', site.siteId]));
    expect(released).toEqual(world.sites.map((site) => site.siteId));
    expect(records[0].value).toMatchObject({ status: 'OPEN', dailyOrderCapacity: expect.any(Number), ordersReleasedToday: 12 });
    expect(new Set(records.map((r) => r.value.meta.eventId)).size).toBe(records.length);
    expect(statuses(3).flatMap((site) => wmsRecordsFor(site, siteContext).records)).toEqual(records);
  });

  it('states each site’s whole release window, a night shift’s opening after its cut-off included', () => {
    const wms = createWarehouseSimulator({ seed: 3, world, startAt: '2026-03-02T08:00:00.000Z' });
    const windows = new Map<string, unknown>();
    for (const site of wms.start().filter((f) => f.fact.type === 'SiteStatusChanged'))
      for (const record of wmsRecordsFor(site, context).records)
        if (record.recordType === 'lading.wms.WarehouseStatusChanged') windows.set(record.value.siteId, { opensAt: record.value.releaseWindowOpensAt, cutOff: record.value.cutOffLocalTime });
    expect(windows.get('US-IL1')).toEqual({ opensAt: 14 * 3_600_000, cutOff: 2 * 3_600_000 });
    expect(windows.get('GB-MK1')).toEqual({ opensAt: 6 * 3_600_000, cutOff: 14.5 * 3_600_000 });
  });

  it('answers a release on its journey: picked lines keep the released line numbers and units', () => {
    const wms = createWarehouseSimulator({ seed: 3, world, startAt: '2026-03-02T08:00:00.000Z', shortageRate: 0, outOfStockRate: 0 });
    wms.start();
    const tenant = world.tenants[0];
    const item = tenant.catalogue.find((i) => i.unitOfMeasure === 'PK') ?? tenant.catalogue[0];
    const released = {
      commandEventId: '6f1c2e1a-0000-4000-8000-000000000001',
      correlationId: 'ORDER-1',
      tenantId: tenant.tenantId,
      orderId: 'ORDER-1',
      lines: [{ lineNumber: 30, sku: item.sku, quantity: { value: 2, unit: toContractUnit(item.unitOfMeasure) }, unitPrice: null }],
    };
    const meta = { eventId: released.commandEventId, tenantId: tenant.tenantId, correlationId: 'ORDER-1', causationId: null, occurredAt: 0, recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 1 };
    const release = {
      meta,
      orderId: 'ORDER-1',
      siteId: 'DE-HAM',
      lines: released.lines,
      shipTo: { name: null, line1: 'x', line2: null, city: 'y', region: null, postalCode: null, countryCode: 'DE', residential: false, timeZone: null },
      promisedDeliveryAt: 0,
      warehouseOrderId: 'ORDER-1-R2',
    };
    const command = releaseCommandFrom(release, warehouseOrderIdFor(release, 0), (sku) => tenant.catalogue.find((i) => i.sku === sku)?.unitOfMeasure);
    expect(command.warehouseOrderId).toBe('ORDER-1-R2');
    expect(command.lines).toEqual([{ sku: item.sku, quantity: 2, unitOfMeasure: item.unitOfMeasure }]);
    wms.handle(command, '2026-03-02T08:00:00.000Z');
    const facts = wms.advanceTo('2026-03-03T08:00:00.000Z');
    const withJourney = { ...context, warehouseOrder: (tenantId: string, id: string) => (tenantId === tenant.tenantId && id === 'ORDER-1-R2' ? released : undefined) };
    const fulfilment = facts.filter((f) => f.key === 'ORDER-1').flatMap((f) => wmsRecordsFor(f, withJourney).records);
    expect(fulfilment.map((r) => r.recordType)).toEqual(['lading.wms.WarehouseOrderAccepted', 'lading.wms.OrderPicked', 'lading.wms.OrderPacked', 'lading.wms.OrderShipped']);
    for (const record of fulfilment) {
      expect(record.value.meta).toMatchObject({ correlationId: 'ORDER-1', causationId: released.commandEventId, sourceSystem: 'WMS' });
      expect(record.value).toMatchObject({ warehouseOrderId: 'ORDER-1-R2' });
    }
    const picked = fulfilment[1];
    if (picked.recordType !== 'lading.wms.OrderPicked') throw new Error('not a pick');
    expect(picked.value.lines).toEqual([{ lineNumber: 30, sku: item.sku, quantity: { value: 2, unit: toContractUnit(item.unitOfMeasure) }, unitPrice: null }]);
    const inventory = facts.filter((f) => f.fact.type === 'InventoryLevelChanged').flatMap((f) => wmsRecordsFor(f, context).records);
    expect(inventory[0].value).toMatchObject({ sku: item.sku, siteId: 'DE-HAM', allocated: { value: 7 }, changeReason: 'PICK' });
    expect(inventory[0].topic).toBe('wms.inventory.v2');
    expect(keyOf(inventory[0].topic, inventory[0].value)).toBe(`${tenant.tenantId}@${item.sku}@DE-HAM`);
  });

  it('publishes every tenant’s stock level on wms.inventory.v2 under its own key, nothing on v1', () => {
    const opening = createWarehouseSimulator({ seed: 3, world, startAt: '2026-03-02T08:00:00.000Z' })
      .start()
      .filter((f) => f.fact.type === 'InventoryLevelChanged');
    const records = opening.flatMap((f) => wmsRecordsFor(f, context).records);
    expect(new Set(records.map((r) => r.topic))).toEqual(new Set(['wms.inventory.v2']));
    const keys = records.map((r) => keyOf(r.topic, r.value));
    expect(new Set(keys).size).toBe(keys.length);
    // The SKUs collide across tenants: at one site, two tenants stock the same code under two keys.
    const [a, b] = world.tenants.map((t) => t.tenantId);
    const shared = world.tenants[0].catalogue.find((item) => world.tenants[1].catalogue.some((other) => other.sku === item.sku))!.sku;
    expect(keys).toEqual(expect.arrayContaining([`${a}@${shared}@US-NJ1`, `${b}@${shared}@US-NJ1`]));
  });

  it('publishes a cancellation at the warehouse as WarehouseOrderCancelled; a refused cancellation stays unpublishable (the order goes on)', () => {
    const fact = (type: 'WarehouseOrderCancelled' | 'WarehouseCancellationRejected'): SimulatedFact<WmsFact> => ({
      at: '2026-03-02T08:00:00.000Z',
      system: 'WMS',
      eventId: '6f1c2e1a-0000-4000-8000-000000000002',
      tenantId: 't',
      key: 'O',
      fact: type === 'WarehouseOrderCancelled' ? { type, warehouseOrderId: 'O-W1', orderId: 'O', tenantId: 't', siteId: 'S' } : { type, warehouseOrderId: 'O-W1', orderId: 'O', tenantId: 't', siteId: 'S', reason: 'ALREADY_SHIPPED' },
    });
    expect(wmsRecordsFor(fact('WarehouseOrderCancelled'), context)).toMatchObject({
      records: [{ topic: 'wms.fulfilment.v1', recordType: 'lading.wms.WarehouseOrderCancelled', value: { orderId: 'O', siteId: 'S', warehouseOrderId: 'O-W1' } }],
    });
    expect(wmsRecordsFor(fact('WarehouseCancellationRejected'), context)).toMatchObject({ records: [], unpublishable: 'WarehouseCancellationRejected' });
  });

  it('names a warehouse order by Lading’s id, and by its own `<orderId>-W<n>` only for a release without one', () => {
    const meta = { eventId: '6f1c2e1a-0000-4000-8000-000000000004', tenantId: 't', correlationId: 'O', causationId: null, occurredAt: 0, recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 2 };
    const release = { meta, orderId: 'O', siteId: 'S', lines: [], shipTo: { name: null, line1: 'x', line2: null, city: 'y', region: null, postalCode: null, countryCode: 'DE', residential: false, timeZone: null }, promisedDeliveryAt: 0 };
    expect(warehouseOrderIdFor({ ...release, warehouseOrderId: 'O-R1' }, 0)).toBe('O-R1');
    expect(warehouseOrderIdFor({ ...release, warehouseOrderId: 'O-R3' }, 2)).toBe('O-R3');
    expect(warehouseOrderIdFor({ ...release, warehouseOrderId: null }, 0)).toBe('O-W1');
    expect(warehouseOrderIdFor({ ...release, warehouseOrderId: null }, 2)).toBe('O-W3');
  });

  describe('a cancel', () => {
    const meta = { eventId: '6f1c2e1a-0000-4000-8000-000000000003', tenantId: 't', correlationId: 'O', causationId: null, occurredAt: 0, recordedAt: null, sourceSystem: 'ORDER_RELEASE' as const, schemaVersion: 2 };
    const cancelled = (warehouseOrderId: string | null, ids: string[]) => cancelCommandsFrom({ meta, orderId: 'O', siteId: 'S', reason: null, warehouseOrderId }, ids).map((c) => c.warehouseOrderId);

    it('naming a warehouse order stops exactly that one, and the order’s others go on', () => {
      expect(cancelled('O-R2', ['O-R1', 'O-R2', 'O-R3'])).toEqual(['O-R2']);
    });

    it('naming a warehouse order this order was never released as stops none', () => {
      expect(cancelled('P-R1', ['O-R1', 'O-R2'])).toEqual([]);
    });

    it('naming none (a producer before version 2) stops every warehouse order the order was released as', () => {
      expect(cancelled(null, ['O-W1', 'O-W2'])).toEqual(['O-W1', 'O-W2']);
    });
  });
});
