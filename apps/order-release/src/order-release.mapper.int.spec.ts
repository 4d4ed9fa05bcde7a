import {
  recordSchemas,
  topicSpec,
  type ErpCreditV1Record,
  type ErpOrdersV1Record,
  type RecordTypeName,
  type TopicSpec,
  type WmsInventoryV2Record,
  type WmsSitesV1Record,
} from '@lading/contracts';
import { foldEvents } from '@lading/decider';
import {
  creditStandingOf,
  orderRelease,
  siteReadinessOf,
  stockPositionOf,
  type HoldReason,
  type OrderDetails,
  type OrderReleaseCommand,
  type OrderReleaseMessage,
  type ReleaseContext,
  type SiteStatusFact,
  type StockLevelFact,
} from '@lading/order-release-domain';
import type { OutgoingRecord } from '@lading/service-kit';
import { avroType, createAvroSerde, createRegistryAdmin, registerSchemas, SchemaValidationError, subjectFor } from '@lading/schema-registry';
import { testSchemaRegistryUrl, uniqueName } from '@lading/testing';
import { outgoingRecordsFor as recordsFor } from './order-release.mapper';
import {
  cancelOrderFrom,
  commandOf,
  naming,
  orderDetailsFrom,
  releaseFactOf,
  siteStatusFrom,
  creditHoldPlaced,
  creditHoldReleased,
  inventoryLevelChanged,
  line,
  NOW,
  orderAmended,
  orderCancelled,
  orderPlaced,
  stored,
  warehouseStatusChanged,
} from './order-release.mapper.fixtures';

// Every record goes through the real serde against the real registry, on private copies of the
// catalog topics order-release reads and writes, so a mapper value the Avro schema does not
// accept fails here, and inbound values are exactly what a consumer decodes.

const registryUrl = testSchemaRegistryUrl();
const catalogTopics = ['erp.orders.v1', 'erp.credit.v1', 'wms.inventory.v2', 'wms.sites.v1', 'orchestration.order-release.v1', 'wms.commands.v1'];
const outgoingRecordsFor = (event: Parameters<typeof recordsFor>[1]) => recordsFor(naming, event);
const releaseFactFrom = releaseFactOf;
const privateCopy = new Map<string, TopicSpec>(catalogTopics.map((name) => [name, { ...topicSpec(name), name: `${uniqueName('or-mapper')}.${name}` }]));
const serde = createAvroSerde({ registryUrl, catalog: [...privateCopy.values()] });

function privateTopic(catalogName: string): string {
  const spec = privateCopy.get(catalogName);
  if (!spec) throw new Error(`no private copy of ${catalogName}`);
  return spec.name;
}

/** Encodes like the outbox relay would, then decodes like a downstream consumer would. */
async function throughTheWire(record: OutgoingRecord): Promise<{ recordType: string; value: unknown }> {
  const topic = privateTopic(record.topic);
  const decoded = await serde.decode(topic, await serde.encode(topic, record.recordType, record.value));
  return { recordType: decoded.recordType, value: decoded.value };
}

/** Encodes like an ERP / WMS adapter would and returns what the order-release consumer decodes. */
async function asConsumed<R extends { recordType: RecordTypeName; value: object }>(catalogName: string, record: R): Promise<R> {
  const topic = privateTopic(catalogName);
  const decoded = await serde.decode(topic, await serde.encode(topic, record.recordType, record.value));
  return { recordType: decoded.recordType, value: decoded.value } as R;
}

function decide(command: OrderReleaseCommand, history: OrderReleaseMessage[] = []): OrderReleaseMessage[] {
  return orderRelease.decide(command, foldEvents(orderRelease, history), { now: NOW });
}

function readyContext(order: OrderDetails, overrides: Partial<ReleaseContext> = {}): ReleaseContext {
  return {
    credit: { customerId: order.customerId, onHold: false },
    site: {
      siteId: order.siteId,
      timeZone: 'America/New_York',
      status: 'OPEN',
      releaseWindow: { opensAt: '00:00', cutOff: '15:00' },
      dailyCapacity: 100,
      releasedOrders: { operatingDay: '2026-01-15', count: 0 },
      servesTenant: true,
    },
    inventory: { 'BOLT-M8': { available: 100, awaitedByOlderOrders: 0 }, 'NUT-M8': { available: 10, awaitedByOlderOrders: 0 }, 'CABLE-3': { available: 50, awaitedByOlderOrders: 0 } },
    ...overrides,
  };
}

function recordsOf(messages: OrderReleaseMessage[], prefix: string): OutgoingRecord[] {
  return messages.flatMap((message, i) => outgoingRecordsFor(stored(message, { eventId: `${prefix}${String(i).padStart(12, '0')}` })));
}

describe('order-release mapper through the real serde and registry', () => {
  beforeAll(async () => {
    const subjects = [...privateCopy.values()].flatMap((topic) =>
      topic.recordTypes.map((recordType) => ({
        topic: topic.name,
        recordType,
        subject: subjectFor(topic.name, recordType),
        schema: JSON.stringify(recordSchemas[recordType as RecordTypeName]),
      })),
    );
    await registerSchemas(createRegistryAdmin(registryUrl), subjects);
  });

  describe('outbound', () => {
    it('given a release (merged lines, measured unit, ship-to with null parts) and a cancel after it, when every record is encoded and decoded, then each reads back unchanged', async () => {
      const order = orderDetailsFrom(
        orderPlaced({
          lines: [line(1, 'BOLT-M8', 5), line(2, 'NUT-M8', 2, 'CASE'), line(3, 'BOLT-M8', 3), line(4, 'CABLE-3', 12.5, 'METRE')],
          shipTo: { name: 'Harbor Hardware', line1: '12 Dock St', line2: null, city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US', residential: false, timeZone: null },
        }),
      );
      const releasedMessages = decide({ type: 'PlaceOrder', data: { order, context: readyContext(order) } });
      const cancelMessages = decide({ type: 'CancelOrder', data: cancelOrderFrom(orderCancelled()) }, releasedMessages);

      const records = [...recordsOf(releasedMessages, '11111111-1111-4111-8111-'), ...recordsOf(cancelMessages, '22222222-2222-4222-8222-')];

      expect(records.map((r) => r.recordType)).toEqual(['lading.orchestration.OrderReleased', 'lading.commands.ReleaseOrderToWarehouse', 'lading.commands.CancelWarehouseOrder']);
      for (const record of records) {
        await expect(throughTheWire(record)).resolves.toEqual({ recordType: record.recordType, value: record.value });
      }
    });

    it('given an OrderHeld with every domain hold reason, when encoded and decoded, then every reason code is a valid Avro symbol and reads back', async () => {
      const reasons: HoldReason[] = [
        { code: 'CREDIT_HOLD', message: 'customer CUST-42 is on credit hold', customerId: 'CUST-42' },
        { code: 'INVALID_LINES', message: '1 line problem(s): UNKNOWN_UNIT_OF_MEASURE', problems: [{ lineNumber: 2, sku: 'OIL-5', problem: 'UNKNOWN_UNIT_OF_MEASURE' }] },
        { code: 'INVALID_ADDRESS', message: 'ship-to name missing', problems: [{ field: 'name', problem: 'MISSING' }] },
        { code: 'INSUFFICIENT_INVENTORY', message: 'short', shortages: [{ sku: 'BOLT-M8', requested: 5, available: 3, unitOfMeasure: 'EA' }] },
        { code: 'UNKNOWN_SITE', message: 'site US-NJ1 has not reported its status', siteId: 'US-NJ1' },
        { code: 'WAREHOUSE_CLOSED', message: 'site US-NJ1 is closed', siteId: 'US-NJ1' },
        { code: 'PAST_CUT_OFF', message: 'past cut-off', siteId: 'US-NJ1', nextWindowOpensAt: '2026-01-16T05:00:00.000Z' },
        { code: 'NO_CAPACITY', message: 'full', siteId: 'US-NJ1', operatingDay: '2026-01-15', dailyCapacity: 10, nextWindowOpensAt: '2026-01-16T05:00:00.000Z' },
      ];
      const held: OrderReleaseMessage = {
        type: 'OrderHeld',
        data: { orderId: 'SO-1001', tenantId: 'acme', customerId: 'CUST-42', siteId: 'US-NJ1', reasons, heldLines: [], backorder: false, queuedSince: NOW.toISOString(), heldAt: NOW.toISOString() },
      };

      const [record] = outgoingRecordsFor(stored(held));
      const decoded = await throughTheWire(record);

      expect(decoded).toEqual({ recordType: 'lading.orchestration.OrderHeld', value: record.value });
      expect((decoded.value as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual([
        'CREDIT_HOLD',
        'INVALID_LINES',
        'INVALID_ADDRESS',
        'INSUFFICIENT_INVENTORY',
        'UNKNOWN_SITE',
        'WAREHOUSE_CLOSED',
        'PAST_CUT_OFF',
        'WAREHOUSE_AT_CAPACITY',
      ]);
    });

    it('given a record the mapper did not shape (a domain code as Avro code), when encoded, then the serde refuses it: this spec can fail', async () => {
      const [record] = outgoingRecordsFor(
        stored({
          type: 'OrderHeld',
          data: { orderId: 'SO-1001', tenantId: 'acme', customerId: 'CUST-42', siteId: 'US-NJ1', reasons: [], heldLines: [], backorder: false, queuedSince: NOW.toISOString(), heldAt: NOW.toISOString() },
        }),
      );
      const unmapped = { ...record.value, reasons: [{ code: 'NO_CAPACITY', detail: null }] };

      await expect(serde.encode(privateTopic(record.topic), record.recordType, unmapped)).rejects.toBeInstanceOf(SchemaValidationError);
    });
  });

  describe('inbound', () => {
    it('given an ALLOW_PARTIAL OrderPlaced as the consumer decodes it, when mapped and decided short of stock, then part is released and the rest backordered', async () => {
      const record = await asConsumed<ErpOrdersV1Record>('erp.orders.v1', { recordType: 'lading.erp.OrderPlaced', value: orderPlaced({ fulfilmentPolicy: 'ALLOW_PARTIAL', lines: [line(1, 'BOLT-M8', 8)] }) });
      const input = commandOf(record);
      if (input.type !== 'PlaceOrder') throw new Error('expected a placement');
      const { order } = input.data;

      const messages = decide({ type: 'PlaceOrder', data: { order, context: readyContext(order, { inventory: { 'BOLT-M8': { available: 5, awaitedByOlderOrders: 0 } } }) } });

      expect(order.fulfilment).toBe('ALLOW_PARTIAL');
      expect(messages.map((m) => m.type)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse', 'OrderHeld']);
    });

    it('given an OrderPlaced written by a v1 ERP adapter (no fulfilmentPolicy), when read with this build\'s schema, then the order is ship-complete', () => {
      const current = recordSchemas['lading.erp.OrderPlaced'] as { fields: { name: string }[] };
      const v1 = { ...current, fields: current.fields.filter((f) => f.name !== 'fulfilmentPolicy') };
      const writer = avroType(v1);
      const reader = avroType(current);
      const { fulfilmentPolicy: _dropped, ...v1Value } = orderPlaced();

      const read = reader.fromBuffer(writer.toBuffer(v1Value), reader.createResolver(writer));

      expect(read.fulfilmentPolicy).toBe('SHIP_COMPLETE');
      expect(orderDetailsFrom(read).fulfilment).toBe('SHIP_COMPLETE');
    });

    it('given a night-shift site status (14:00–02:00) as the consumer decodes it, when mapped and decided at 22:00 local, then the order is released', async () => {
      const record = await asConsumed<WmsSitesV1Record>('wms.sites.v1', {
        recordType: 'lading.wms.WarehouseStatusChanged',
        value: warehouseStatusChanged({ siteId: 'US-IL1', timeZone: 'America/Chicago', releaseWindowOpensAt: 14 * 3_600_000, cutOffLocalTime: 2 * 3_600_000 }),
      });
      const fact = releaseFactFrom(record) as SiteStatusFact;
      const order = orderDetailsFrom(orderPlaced({ siteId: 'US-IL1' }));
      const context = readyContext(order, { site: siteReadinessOf(fact, { operatingDay: '2026-01-15', count: 0 }, true) });

      expect(fact.releaseWindow).toEqual({ opensAt: '14:00', cutOff: '02:00' });
      // 04:00Z on the 16th is 22:00 CST on the 15th: inside the night shift, past any window from midnight.
      const messages = orderRelease.decide({ type: 'PlaceOrder', data: { order, context } }, orderRelease.initialState(), { now: new Date('2026-01-16T04:00:00.000Z') });
      expect(messages.map((m) => m.type)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    });

    it('given a WarehouseStatusChanged written by a v1 WMS adapter (no opening), when read with this build\'s schema, then the window opens at local midnight', () => {
      const current = recordSchemas['lading.wms.WarehouseStatusChanged'] as { fields: { name: string }[] };
      const v1 = { ...current, fields: current.fields.filter((f) => f.name !== 'releaseWindowOpensAt') };
      const writer = avroType(v1);
      const reader = avroType(current);
      const { releaseWindowOpensAt: _dropped, ...v1Value } = warehouseStatusChanged({ releaseWindowOpensAt: 6 * 3_600_000 });

      const read = reader.fromBuffer(writer.toBuffer(v1Value), reader.createResolver(writer));

      expect(read.releaseWindowOpensAt).toBeNull();
      expect(siteStatusFrom(read).releaseWindow).toEqual({ opensAt: '00:00', cutOff: '15:00' });
    });

    it('given ERP order records as the consumer decodes them, when mapped, then the decider takes them: place (held for a LITRE line), amend, cancel', async () => {
      const placed = await asConsumed<ErpOrdersV1Record>('erp.orders.v1', {
        recordType: 'lading.erp.OrderPlaced',
        value: orderPlaced({ lines: [line(1, 'BOLT-M8', 5), line(2, 'OIL-5', 3, 'LITRE')] }),
      });
      const amended = await asConsumed<ErpOrdersV1Record>('erp.orders.v1', { recordType: 'lading.erp.OrderAmended', value: orderAmended() });
      const cancelled = await asConsumed<ErpOrdersV1Record>('erp.orders.v1', { recordType: 'lading.erp.OrderCancelled', value: orderCancelled({ reason: null }) });

      const place = commandOf(placed);
      const amend = commandOf(amended);
      const cancel = commandOf(cancelled);
      if (place.type !== 'PlaceOrder' || amend.type !== 'AmendOrder' || cancel.type !== 'CancelOrder') throw new Error('unexpected commands');

      const afterPlace = decide({ type: 'PlaceOrder', data: { order: place.data.order, context: readyContext(place.data.order) } });
      expect(afterPlace.map((m) => m.type)).toEqual(['OrderReceived', 'OrderHeld']);
      expect(afterPlace[1]).toMatchObject({ data: { reasons: [{ code: 'INVALID_LINES', problems: [{ lineNumber: 2, sku: 'OIL-5', problem: 'UNKNOWN_UNIT_OF_MEASURE' }] }] } });

      const afterAmend = decide({ type: 'AmendOrder', data: { amendment: amend.data.amendment, context: readyContext(place.data.order) } }, afterPlace);
      expect(afterAmend.map((m) => m.type)).toEqual(['OrderAmended', 'OrderReleased', 'ReleaseOrderToWarehouse']);

      const afterCancel = decide({ type: 'CancelOrder', data: cancel.data }, [...afterPlace, ...afterAmend]);
      expect(afterCancel.map((m) => m.type)).toEqual(['OrderCancelled', 'CancelWarehouseOrder']);
    });

    it('given credit, inventory and site records as the consumer decodes them, when mapped to facts, then they build a context the decider accepts', async () => {
      const facts = [
        releaseFactFrom(await asConsumed<ErpCreditV1Record>('erp.credit.v1', { recordType: 'lading.erp.CreditHoldPlaced', value: creditHoldPlaced({ orderId: 'SO-1001' }) })),
        releaseFactFrom(await asConsumed<ErpCreditV1Record>('erp.credit.v1', { recordType: 'lading.erp.CreditHoldReleased', value: creditHoldReleased() })),
        releaseFactFrom(await asConsumed<WmsInventoryV2Record>('wms.inventory.v2', { recordType: 'lading.wms.InventoryLevelChanged', value: inventoryLevelChanged() })),
        releaseFactFrom(
          await asConsumed<WmsInventoryV2Record>('wms.inventory.v2', {
            recordType: 'lading.wms.InventoryLevelChanged',
            value: inventoryLevelChanged({ sku: 'NUT-M8', onHand: { value: 10, unit: 'CASE' }, allocated: { value: 0, unit: 'CASE' }, changeReason: null }),
          }),
        ),
        releaseFactFrom(await asConsumed<WmsSitesV1Record>('wms.sites.v1', { recordType: 'lading.wms.WarehouseStatusChanged', value: warehouseStatusChanged() })),
      ];
      const [holdPlaced, , boltLevel, nutLevel, site] = facts;
      const order = orderDetailsFrom(orderPlaced());

      const context: ReleaseContext = {
        credit: creditStandingOf(holdPlaced.kind === 'CreditHoldPlaced' ? [{ orderId: holdPlaced.orderId, inForce: true }] : [], order.customerId, order.orderId),
        site: siteReadinessOf(site as SiteStatusFact, { operatingDay: '2026-01-15', count: 0 }, true),
        inventory: { 'BOLT-M8': stockPositionOf(boltLevel as StockLevelFact, 0, 0), 'NUT-M8': stockPositionOf(nutLevel as StockLevelFact, 0, 0) },
      };

      expect(facts.map((f) => f.kind)).toEqual(['CreditHoldPlaced', 'CreditHoldReleased', 'StockLevel', 'StockLevel', 'SiteStatus']);
      expect(context.inventory['BOLT-M8']).toEqual({ available: 100, awaitedByOlderOrders: 0, unitOfMeasure: 'EA' });
      expect(context.site?.releaseWindow).toEqual({ opensAt: '00:00', cutOff: '15:00' });
      const messages = decide({ type: 'PlaceOrder', data: { order, context } });
      expect(messages[1]).toMatchObject({ type: 'OrderHeld', data: { reasons: [{ code: 'CREDIT_HOLD' }] } });
      const released = decide({ type: 'PlaceOrder', data: { order, context: { ...context, credit: creditStandingOf([], order.customerId, order.orderId) } } });
      expect(released.map((m) => m.type)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    });
  });
});
