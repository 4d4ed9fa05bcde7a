import { HoldReasonCodeSymbols, UnitOfMeasureSymbols, type UnitOfMeasure as AvroUnitOfMeasure } from '@lading/contracts';
import { foldEvents } from '@lading/decider';
import { orderRelease, type HoldReasonCode, type OrderDetails, type OrderReleaseCommand, type OrderReleaseMessage, type ReleaseContext, type ReleaseLine } from '@lading/order-release-domain';
import { avroUnitOfMeasure, uuidV5, type OutgoingRecord } from '@lading/service-kit';
import { AVRO_HOLD_REASON_CODE, outgoingRecordsFor as recordsFor, PUBLISHED_ORDER_RELEASE_EVENTS } from './order-release.mapper';
import { cancelOrderFrom, line, naming, NOW, orderAmended, orderAmendmentFrom, orderCancelled, orderDetailsFrom, orderPlaced, stored, TENANT } from './order-release.mapper.fixtures';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const outgoingRecordsFor = (event: Parameters<typeof recordsFor>[1]) => recordsFor(naming, event);
const publishedEventId = (storedEventId: string, recordType: Parameters<typeof naming.eventIdOf>[2], tenantId = TENANT) => naming.eventIdOf(tenantId, storedEventId, recordType);

/** A context where everything is ready: the site open (00:00–15:00 in New York), stock on hand, no credit hold. */
function readyContext(order: OrderDetails, overrides: Partial<ReleaseContext> = {}): ReleaseContext {
  return {
    credit: { customerId: order.customerId, onHold: false },
    site: {
      siteId: 'US-NJ1',
      timeZone: 'America/New_York',
      status: 'OPEN',
      releaseWindow: { opensAt: '00:00', cutOff: '15:00' },
      dailyCapacity: 100,
      releasedOrders: { operatingDay: '2026-01-15', count: 10 },
      servesTenant: true,
    },
    inventory: { 'BOLT-M8': { available: 100, awaitedByOlderOrders: 0, unitOfMeasure: 'EA' }, 'NUT-M8': { available: 10, awaitedByOlderOrders: 0, unitOfMeasure: 'CS' } },
    ...overrides,
  };
}
const contextFromFacts = readyContext;

function decide(command: OrderReleaseCommand, history: OrderReleaseMessage[] = []): OrderReleaseMessage[] {
  return orderRelease.decide(command, foldEvents(orderRelease, history), { now: NOW });
}

function place(order: OrderDetails, context: ReleaseContext = readyContext(order)): OrderReleaseMessage[] {
  return decide({ type: 'PlaceOrder', data: { order, context } });
}

function recordsOf(messages: OrderReleaseMessage[]): OutgoingRecord[] {
  return messages.flatMap((message, i) => outgoingRecordsFor(stored(message, { eventId: `0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a3${i}` })));
}

const bolts = (quantity: number, lineNumbers = [1]): ReleaseLine => ({ sku: 'BOLT-M8', quantity, unitOfMeasure: 'EA', lineNumbers });

describe('order-release mapper, outbound', () => {
  describe('stored decisions → Kafka records', () => {
    it('given the RFC 4122 DNS example, when a v5 uuid is derived, then it matches the published value', () => {
      expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    });

    it('given a stored event published twice, when mapped, then the event id is the same v5 uuid; another event, record type or tenant gives another', () => {
      const id = publishedEventId('0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a37', 'lading.orchestration.OrderHeld');
      expect(publishedEventId('0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a37', 'lading.orchestration.OrderHeld', 'globex')).not.toBe(id);

      expect(id).toMatch(UUID_V5);
      expect(publishedEventId('0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a37', 'lading.orchestration.OrderHeld')).toBe(id);
      expect(publishedEventId('0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a38', 'lading.orchestration.OrderHeld')).not.toBe(id);
      expect(publishedEventId('0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a37', 'lading.orchestration.OrderReleased')).not.toBe(id);
    });

    it('given the messages of a placement, a hold and a cancel after release, then exactly the PUBLISHED_ORDER_RELEASE_EVENTS become records (the relay reads only those)', () => {
      const order = orderDetailsFrom(orderPlaced());
      const released = place(order);
      const cancelledAfterRelease = decide({ type: 'CancelOrder', data: { orderId: order.orderId, tenantId: TENANT, reason: 'customer', cancelledAt: NOW.toISOString() } }, released);
      const held = place(order, contextFromFacts(order, { credit: { customerId: order.customerId, onHold: true } }));
      const messages = [...released, ...cancelledAfterRelease, ...held];
      expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse', 'OrderCancelled', 'CancelWarehouseOrder', 'OrderHeld']));
      for (const message of messages) {
        expect({ type: message.type, published: recordsOf([message]).length > 0 }).toEqual({ type: message.type, published: PUBLISHED_ORDER_RELEASE_EVENTS.includes(message.type) });
      }
    });

    it('given an OrderHeld, when mapped, then one OrderHeld record on the order-release topic, keyed by order, with full meta and every reason', () => {
      const order = orderDetailsFrom(orderPlaced({ lines: [line(1, 'BOLT-M8', 5, 'LITRE')] }));
      const credit = { customerId: 'CUST-42', onHold: true };
      const heldMessage = place(order, contextFromFacts(order, { credit })).find((m) => m.type === 'OrderHeld')!;
      const event = stored(heldMessage);

      const records = outgoingRecordsFor(event);

      expect(records).toEqual([
        {
          topic: 'orchestration.order-release.v1',
          recordType: 'lading.orchestration.OrderHeld',
          key: 'SO-1001',
          value: {
            meta: {
              eventId: publishedEventId(event.eventId, 'lading.orchestration.OrderHeld'),
              tenantId: TENANT,
              correlationId: 'SO-1001',
              causationId: 'a3c1e4f0-1d2b-4c5d-8e6f-7a8b9c0d1e2f',
              occurredAt: NOW.getTime(),
              recordedAt: Date.parse('2026-01-15T15:00:00.125Z'),
              sourceSystem: 'ORDER_RELEASE',
              schemaVersion: 1,
            },
            orderId: 'SO-1001',
            siteId: 'US-NJ1',
            reasons: [
              { code: 'CREDIT_HOLD', detail: 'customer CUST-42 is on credit hold' },
              { code: 'INVALID_LINES', detail: '1 line problem(s): UNKNOWN_UNIT_OF_MEASURE' },
            ],
          },
        },
      ]);
    });

    it('given every domain hold reason code, when mapped, then each has an Avro symbol other than UNKNOWN; NO_CAPACITY is WAREHOUSE_AT_CAPACITY', () => {
      const domainCodes: HoldReasonCode[] = ['CREDIT_HOLD', 'INVALID_LINES', 'INVALID_ADDRESS', 'INSUFFICIENT_INVENTORY', 'UNKNOWN_SITE', 'WAREHOUSE_CLOSED', 'PAST_CUT_OFF', 'NO_CAPACITY'];

      expect(Object.keys(AVRO_HOLD_REASON_CODE).sort()).toEqual([...domainCodes].sort());
      for (const code of domainCodes) {
        expect(HoldReasonCodeSymbols).toContain(AVRO_HOLD_REASON_CODE[code]);
        expect(AVRO_HOLD_REASON_CODE[code]).not.toBe('UNKNOWN');
      }
      expect(AVRO_HOLD_REASON_CODE.NO_CAPACITY).toBe('WAREHOUSE_AT_CAPACITY');
      expect(new Set(Object.values(AVRO_HOLD_REASON_CODE)).size).toBe(domainCodes.length);
    });

    it('given a release decided from a mapped order, when its messages are mapped, then OrderReleased and ReleaseOrderToWarehouse records follow', () => {
      const order = orderDetailsFrom(orderPlaced());

      const records = recordsOf(place(order));

      expect(records.map((r) => [r.topic, r.recordType, r.key])).toEqual([
        ['orchestration.order-release.v1', 'lading.orchestration.OrderReleased', 'SO-1001'],
        ['wms.commands.v1', 'lading.commands.ReleaseOrderToWarehouse', 'SO-1001'],
      ]);
      const command = records[1];
      if (command.recordType !== 'lading.commands.ReleaseOrderToWarehouse') throw new Error('expected the warehouse command');
      expect(command.value).toMatchObject({
        orderId: 'SO-1001',
        siteId: 'US-NJ1',
        lines: [
          { lineNumber: 1, sku: 'BOLT-M8', quantity: { value: 5, unit: 'EACH' }, unitPrice: null },
          { lineNumber: 2, sku: 'NUT-M8', quantity: { value: 2, unit: 'CASE' }, unitPrice: null },
        ],
        shipTo: { name: 'Harbor Hardware', line1: '12 Dock St', line2: null, city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US' },
        promisedDeliveryAt: Date.parse('2026-01-20T00:00:00.000Z'),
        warehouseOrderId: 'SO-1001-R1',
      });
      expect(command.value.meta.sourceSystem).toBe('ORDER_RELEASE');
    });

    it('given ERP lines merged into one release line, when mapped, then the Avro line has the first ERP line number and the summed quantity', () => {
      const records = outgoingRecordsFor(
        stored({
          type: 'OrderReleased',
          data: {
            orderId: 'SO-1001',
            tenantId: TENANT,
            customerId: 'CUST-42',
            siteId: 'US-NJ1',
            releaseNumber: 1,
            warehouseOrderId: 'SO-1001-R1',
            lines: [bolts(10, [2, 5])],
            backordered: [],
            operatingDay: '2026-01-15',
            releasedAt: NOW.toISOString(),
          },
        }),
      );

      expect(records[0].value).toMatchObject({ lines: [{ lineNumber: 2, sku: 'BOLT-M8', quantity: { value: 10, unit: 'EACH' } }] });
    });

    it('given a warehouse command without promised date, when mapped, then the promise is the release instant', () => {
      const [record] = outgoingRecordsFor(
        stored({
          type: 'ReleaseOrderToWarehouse',
          data: {
            warehouseOrderId: 'SO-1001-R1',
            orderId: 'SO-1001',
            tenantId: TENANT,
            customerId: 'CUST-42',
            siteId: 'US-NJ1',
            shipTo: { name: 'Harbor Hardware', line1: '12 Dock St', city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US' },
            lines: [bolts(5)],
            partial: false,
            releasedAt: NOW.toISOString(),
          },
        }),
      );

      expect(record.value).toMatchObject({ promisedDeliveryAt: NOW.getTime() });
    });

    it('given a cancel after release, when mapped, then a CancelWarehouseOrder command goes to the WMS and the domain OrderCancelled publishes nothing', () => {
      const order = orderDetailsFrom(orderPlaced());
      const history = place(order);
      const cancel = cancelOrderFrom(orderCancelled());

      const records = recordsOf(decide({ type: 'CancelOrder', data: cancel }, history));

      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        topic: 'wms.commands.v1',
        recordType: 'lading.commands.CancelWarehouseOrder',
        key: 'SO-1001',
        value: { orderId: 'SO-1001', siteId: 'US-NJ1', warehouseOrderId: 'SO-1001-R1', reason: 'customer changed mind', meta: { occurredAt: NOW.getTime() } },
      });
    });

    it('given decided messages as the deciding process holds them and as jsonb gives them back, when mapped, then the records are the same (the relay takes bodies from memory)', () => {
      const order = orderDetailsFrom(orderPlaced());
      const released = place(order);
      const cancelledAfterRelease = decide({ type: 'CancelOrder', data: { orderId: order.orderId, tenantId: TENANT, reason: 'customer', cancelledAt: NOW.toISOString() } }, released);
      const heldForCredit = place(order, contextFromFacts(order, { credit: { customerId: order.customerId, onHold: true } }));
      const heldForStock = place(order, contextFromFacts(order, { inventory: {} }));
      const messages = [...released, ...cancelledAfterRelease, ...heldForCredit, ...heldForStock];
      const readBack = messages.map((m) => JSON.parse(JSON.stringify(m)) as OrderReleaseMessage);

      expect(recordsOf(messages).length).toBeGreaterThanOrEqual(5);
      expect(recordsOf(messages)).toEqual(recordsOf(readBack));
    });

    it('given the internal-only events, when mapped, then nothing is published', () => {
      const order = orderDetailsFrom(orderPlaced());
      const internal: OrderReleaseMessage[] = [
        { type: 'OrderReceived', data: { order, receivedAt: NOW.toISOString() } },
        { type: 'AmendmentDeferred', data: { amendment: orderAmendmentFrom(orderAmended()), deferredAt: NOW.toISOString() } },
        { type: 'OrderAmended', data: { orderId: 'SO-1001', revision: 1, changes: {}, amendedAt: NOW.toISOString(), recordedAt: NOW.toISOString() } },
        { type: 'AmendmentRefused', data: { orderId: 'SO-1001', revision: 1, reason: 'ALREADY_RELEASED', message: 'released', refusedAt: NOW.toISOString() } },
        { type: 'OrderCancelled', data: { orderId: 'SO-1001', tenantId: TENANT, reason: 'x', stage: 'BEFORE_RELEASE', warehouseOrderIds: [], cancelledAt: NOW.toISOString() } },
      ];

      expect(internal.flatMap((m) => outgoingRecordsFor(stored(m)))).toEqual([]);
    });

    it('given a decision recorded with a W3C traceparent, when mapped, then the record carries it for the Kafka headers', () => {
      const order = orderDetailsFrom(orderPlaced());
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

      const records = place(order).flatMap((m) => outgoingRecordsFor(stored(m, { metadata: { correlationId: 'SO-1001', traceparent } })));

      expect(records.map((r) => r.traceparent)).toEqual([traceparent, traceparent]);
    });

    it('given a decision with no inbound cause (a timer), when mapped, then causationId is null', () => {
      const order = orderDetailsFrom(orderPlaced());
      const heldMessage = place(order, contextFromFacts(order, { credit: { customerId: 'CUST-42', onHold: true } })).find((m) => m.type === 'OrderHeld')!;

      const [record] = outgoingRecordsFor(stored(heldMessage, { metadata: { correlationId: 'SO-1001' } }));

      expect(record.value.meta.causationId).toBeNull();
    });

    it('given a stored event whose type disagrees with its payload, when mapped, then a non-retriable EVENT_TYPE_MISMATCH is thrown', () => {
      const order = orderDetailsFrom(orderPlaced());
      const event = stored({ type: 'OrderReceived', data: { order, receivedAt: NOW.toISOString() } }, { eventType: 'OrderReleased' });

      expect(() => outgoingRecordsFor(event)).toThrow(expect.objectContaining({ code: 'EVENT_TYPE_MISMATCH' }));
    });

    it('given a release line in packs (PK), which the contract has no symbol for, when mapped, then UNIT_NOT_IN_CONTRACT is thrown rather than a wrong unit', () => {
      expect(() => avroUnitOfMeasure('PK')).toThrow(expect.objectContaining({ code: 'UNIT_NOT_IN_CONTRACT' }));
      const symbols: readonly AvroUnitOfMeasure[] = UnitOfMeasureSymbols;
      expect(symbols).not.toContain('PACK');
    });
  });
});
