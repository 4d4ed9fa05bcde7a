import { UnitOfMeasureSymbols, type ErpOrdersV1Record } from '@lading/contracts';
import { foldEvents } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import {
  creditStandingOf,
  orderRelease,
  releaseTriggerFor,
  siteReadinessOf,
  stockPositionOf,
  type CreditFact,
  type HoldReason,
  type HoldReasonCode,
  type OrderDetails,
  type OrderHeld,
  type OrderReleaseCommand,
  type OrderReleaseMessage,
  type ReleaseContext,
  type SiteStatusFact,
  type StockLevelFact,
} from '@lading/order-release-domain';
import { avroUnitOfMeasure, unitOfMeasureFrom, type OutgoingRecord } from '@lading/service-kit';
import { UNITS_OF_MEASURE } from '@lading/shared-domain';
import { SiteDirectory } from '@lading/tenancy';
import { ERP_CANCEL_REASON_UNSTATED, erpOrderInputs, fulfilmentPolicyFrom, localTimeFrom, outgoingRecordsFor, siteFactInputs, stockLevelFrom } from './order-release.mapper';
import {
  cancelOrderFrom,
  commandOf,
  creditHoldPlaced,
  creditHoldReleased,
  HOUR_MS,
  inboundOf,
  inventoryLevelChanged,
  line,
  meta,
  naming,
  NOW,
  orderAmended,
  orderAmendmentFrom,
  orderCancelled,
  orderDetailsFrom,
  orderPlaced,
  releaseFactOf,
  siteStatusFrom,
  stored,
  TENANT,
  warehouseProgressOf,
  warehouseStatusChanged,
} from './order-release.mapper.fixtures';

const credit = (record: Parameters<typeof creditHoldPlaced>[0] = {}) => releaseFactOf({ recordType: 'lading.erp.CreditHoldPlaced', value: creditHoldPlaced(record) }) as CreditFact;
const released = (record: Parameters<typeof creditHoldReleased>[0] = {}) => releaseFactOf({ recordType: 'lading.erp.CreditHoldReleased', value: creditHoldReleased(record) }) as CreditFact;
const SERVED = true;
const readinessOf = (site: SiteStatusFact | undefined, releasedOrders: { operatingDay: string; count: number }) => siteReadinessOf(site, releasedOrders, SERVED);

/** A context built only from facts the mapper produced, as the app builds it from its read models. */
function contextFromFacts(order: OrderDetails, overrides: Partial<ReleaseContext> = {}): ReleaseContext {
  const site = siteStatusFrom(warehouseStatusChanged());
  const bolts = stockLevelFrom(inventoryLevelChanged());
  const nuts = stockLevelFrom(inventoryLevelChanged({ sku: 'NUT-M8', onHand: { value: 10, unit: 'CASE' }, allocated: { value: 0, unit: 'CASE' } }));
  return {
    credit: creditStandingOf([], order.customerId, order.orderId),
    site: readinessOf(site, { operatingDay: '2026-01-15', count: 10 }),
    inventory: { 'BOLT-M8': stockPositionOf(bolts, 0, 0), 'NUT-M8': stockPositionOf(nuts, 0, 0) },
    ...overrides,
  };
}

function decide(command: OrderReleaseCommand, history: OrderReleaseMessage[] = []): OrderReleaseMessage[] {
  return orderRelease.decide(command, foldEvents(orderRelease, history), { now: NOW });
}

function place(order: OrderDetails, context: ReleaseContext = contextFromFacts(order)): OrderReleaseMessage[] {
  return decide({ type: 'PlaceOrder', data: { order, context } });
}

function holdOf(messages: OrderReleaseMessage[]): OrderHeld['data'] | undefined {
  return messages.find((m): m is OrderHeld => m.type === 'OrderHeld')?.data;
}

function reasonOf<C extends HoldReasonCode>(messages: OrderReleaseMessage[], code: C): Extract<HoldReason, { code: C }> | undefined {
  return holdOf(messages)?.reasons.find((r): r is Extract<HoldReason, { code: C }> => r.code === code);
}

function recordsOf(messages: OrderReleaseMessage[]): OutgoingRecord[] {
  return messages.flatMap((message, i) => outgoingRecordsFor(naming, stored(message, { eventId: `0f3b8a52-7c1d-4e59-9a0b-2d6c4e8f1a3${i}` })));
}

describe('order-release mapper, inbound', () => {
  describe('ERP orders → decisions', () => {
    it('given an OrderPlaced, when mapped, then the order carries tenant, revision 0, placement time, UTC promise date and its fulfilment policy', () => {
      const order = orderDetailsFrom(orderPlaced());

      expect(order).toEqual({
        orderId: 'SO-1001',
        tenantId: TENANT,
        customerId: 'CUST-42',
        siteId: 'US-NJ1',
        revision: 0,
        placedAt: '2026-01-15T14:59:58.000Z',
        promisedDate: '2026-01-20',
        fulfilment: 'SHIP_COMPLETE',
        shipTo: { name: 'Harbor Hardware', line1: '12 Dock St', city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US' },
        lines: [
          { lineNumber: 1, sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA' },
          { lineNumber: 2, sku: 'NUT-M8', quantity: 2, unitOfMeasure: 'CS' },
        ],
      });
    });

    it.each([
      ['SHIP_COMPLETE', 'SHIP_COMPLETE'],
      ['ALLOW_PARTIAL', 'ALLOW_PARTIAL'],
      // a policy added after this build must not split an order the ERP may not want split
      ['UNKNOWN', 'SHIP_COMPLETE'],
    ] as const)('given an OrderPlaced with fulfilment policy %s, when mapped, then the order is %s', (avro, domain) => {
      expect(fulfilmentPolicyFrom(avro)).toBe(domain);
      expect(orderDetailsFrom(orderPlaced({ fulfilmentPolicy: avro })).fulfilment).toBe(domain);
    });

    it('given an ALLOW_PARTIAL OrderPlaced short of stock, when decided and mapped, then the warehouse gets what is in stock under warehouse order R1 and the rest is backordered', () => {
      const order = orderDetailsFrom(orderPlaced({ fulfilmentPolicy: 'ALLOW_PARTIAL', lines: [line(1, 'BOLT-M8', 150), line(2, 'NUT-M8', 2, 'CASE')] }));

      const messages = place(order);

      expect(messages.map((m) => m.type)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse', 'OrderHeld']);
      expect(holdOf(messages)).toMatchObject({ backorder: true, heldLines: [{ sku: 'BOLT-M8', quantity: 50 }] });
      const command = recordsOf(messages).find((r) => r.recordType === 'lading.commands.ReleaseOrderToWarehouse');
      expect(command?.value).toMatchObject({
        warehouseOrderId: 'SO-1001-R1',
        lines: [
          { sku: 'BOLT-M8', quantity: { value: 100, unit: 'EACH' } },
          { sku: 'NUT-M8', quantity: { value: 2, unit: 'CASE' } },
        ],
      });
    });

    it('given the same order SHIP_COMPLETE, when decided, then nothing is released and it is held for inventory', () => {
      const order = orderDetailsFrom(orderPlaced({ fulfilmentPolicy: 'SHIP_COMPLETE', lines: [line(1, 'BOLT-M8', 150)] }));

      const messages = place(order);

      expect(messages.map((m) => m.type)).toEqual(['OrderReceived', 'OrderHeld']);
      expect(holdOf(messages)).toMatchObject({ backorder: false, reasons: [expect.objectContaining({ code: 'INSUFFICIENT_INVENTORY' })] });
    });

    it('given a valid OrderPlaced and ready facts, when the decider runs on the mapped order, then it releases the order', () => {
      const order = orderDetailsFrom(orderPlaced());

      const messages = place(order);

      expect(messages.map((m) => m.type)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    });

    it.each([
      ['EACH', 'EA'],
      ['CASE', 'CS'],
      ['PALLET', 'PL'],
      ['KILOGRAM', 'KG'],
      ['POUND', 'LB'],
      ['METRE', 'M'],
    ] as const)('given the Avro unit %s, when mapped, then the domain unit is %s', (avro, domain) => {
      expect(unitOfMeasureFrom(avro)).toBe(domain);
      expect(avroUnitOfMeasure(domain)).toBe(avro);
    });

    it('given every Avro unit symbol, when mapped, then each is a domain unit or kept as the symbol itself', () => {
      for (const symbol of UnitOfMeasureSymbols) {
        const mapped = unitOfMeasureFrom(symbol);
        expect(mapped in UNITS_OF_MEASURE || mapped === symbol).toBe(true);
      }
    });

    it.each(['LITRE', 'UNKNOWN'] as const)('given a line in %s (no domain unit), when the decider runs, then the order is held INVALID_LINES / UNKNOWN_UNIT_OF_MEASURE, not dropped', (unit) => {
      const order = orderDetailsFrom(orderPlaced({ lines: [line(1, 'BOLT-M8', 5), line(2, 'OIL-5', 3, unit)] }));

      expect(order.lines[1]).toEqual({ lineNumber: 2, sku: 'OIL-5', quantity: 3, unitOfMeasure: unit });
      expect(reasonOf(place(order), 'INVALID_LINES')?.problems).toEqual([{ lineNumber: 2, sku: 'OIL-5', problem: 'UNKNOWN_UNIT_OF_MEASURE' }]);
    });

    it('given a fractional quantity of a discrete unit, when the decider runs, then the order is held INVALID_LINES / FRACTIONAL_QUANTITY', () => {
      const order = orderDetailsFrom(orderPlaced({ lines: [line(1, 'BOLT-M8', 2.5)] }));

      expect(reasonOf(place(order), 'INVALID_LINES')?.problems).toEqual([{ lineNumber: 1, sku: 'BOLT-M8', problem: 'FRACTIONAL_QUANTITY' }]);
    });

    it('given an OrderPlaced without lines, when the decider runs, then the order is held INVALID_LINES / NO_LINES', () => {
      const order = orderDetailsFrom(orderPlaced({ lines: [] }));

      expect(reasonOf(place(order), 'INVALID_LINES')?.problems).toEqual([{ lineNumber: null, problem: 'NO_LINES' }]);
    });

    it('given a ship-to without addressee, when mapped and decided, then the name is blank and the order is held INVALID_ADDRESS', () => {
      const record = orderPlaced();
      const order = orderDetailsFrom(orderPlaced({ shipTo: { ...record.shipTo, name: null } }));

      expect(order.shipTo.name).toBe('');
      expect(reasonOf(place(order), 'INVALID_ADDRESS')?.problems).toEqual([{ field: 'name', problem: 'MISSING' }]);
    });

    it('given a ship-to with every optional part, when mapped, then line2, region and postal code are kept', () => {
      const order = orderDetailsFrom(orderPlaced({ shipTo: { name: 'Dock 4', line1: 'Kai 1', line2: 'Tor 2', city: 'Hamburg', region: 'HH', postalCode: '20457', countryCode: 'DE', residential: false, timeZone: null } }));

      expect(order.shipTo).toEqual({ name: 'Dock 4', line1: 'Kai 1', line2: 'Tor 2', city: 'Hamburg', region: 'HH', postalCode: '20457', countryCode: 'DE' });
    });

    it('given a timestamp JS cannot represent, when mapped, then a non-retriable INVALID_TIMESTAMP error names the field (dead-lettered, not a crash loop)', () => {
      const map = () => orderDetailsFrom(orderPlaced({ promisedDeliveryAt: 9e15 }));

      expect(map).toThrow(NonRetriableError);
      expect(map).toThrow(/promisedDeliveryAt/);
    });

    it('given an OrderAmended, when mapped, then the revision is the amendment number and every field is replaced, the site the ERP assigns included', () => {
      const amendment = orderAmendmentFrom(orderAmended({ siteId: 'US-PA2' }));

      expect(amendment).toEqual({
        orderId: 'SO-1001',
        revision: 1,
        amendedAt: '2026-01-15T14:59:59.000Z',
        changes: {
          lines: [{ lineNumber: 1, sku: 'BOLT-M8', quantity: 8, unitOfMeasure: 'EA' }],
          shipTo: { name: 'Harbor Hardware', line1: '14 Dock St', line2: 'Gate 3', city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US' },
          promisedDate: '2026-01-22',
          siteId: 'US-PA2',
        },
      });
    });

    it('given a held placement, when the first amendment arrives and then again, then the decider applies it once (placement is revision 0)', () => {
      const order = orderDetailsFrom(orderPlaced());
      const history = place(order, contextFromFacts(order, { credit: { customerId: 'CUST-42', onHold: true } }));
      const amendment = orderAmendmentFrom(orderAmended());
      const context = contextFromFacts(order, { credit: { customerId: 'CUST-42', onHold: true } });

      const first = decide({ type: 'AmendOrder', data: { amendment, context } }, history);
      const redelivered = decide({ type: 'AmendOrder', data: { amendment, context } }, [...history, ...first]);

      expect(first[0]).toMatchObject({ type: 'OrderAmended', data: { revision: 1 } });
      expect(redelivered).toEqual([]);
    });

    it('given an OrderCancelled with and without a reason, when mapped, then the cancel carries the ERP reason or says none was given', () => {
      expect(cancelOrderFrom(orderCancelled())).toEqual({ orderId: 'SO-1001', tenantId: TENANT, reason: 'customer changed mind', cancelledAt: '2026-01-15T14:59:58.000Z' });
      expect(cancelOrderFrom(orderCancelled({ reason: null })).reason).toBe(ERP_CANCEL_REASON_UNSTATED);
    });

    it('given any erp.orders.v1 record, when mapped, then the command is named and the cause is the inbound event id', () => {
      const records: ErpOrdersV1Record[] = [
        { recordType: 'lading.erp.OrderPlaced', value: orderPlaced() },
        { recordType: 'lading.erp.OrderAmended', value: orderAmended() },
        { recordType: 'lading.erp.OrderCancelled', value: orderCancelled() },
      ];

      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const inputs = records.flatMap((r) => erpOrderInputs(r, inboundOf(r.value, traceparent)));

      expect(inputs.map((i) => i.command.type)).toEqual(['PlaceOrder', 'AmendOrder', 'CancelOrder']);
      // one stream per order of the tenant: the kit prefixes the tenant to the key
      expect(inputs.map((i) => [i.tenantId, i.streamType, i.key])).toEqual(records.map(() => [TENANT, 'order-release', 'SO-1001']));
      expect(inputs.map((i) => i.cause.eventId)).toEqual(records.map((r) => r.value.meta.eventId));
      expect(inputs[0].cause).toEqual({ eventId: records[0].value.meta.eventId, correlationId: 'SO-1001', occurredAt: records[0].value.meta.occurredAt, traceparent });
      expect(commandOf(records[0])).toEqual(inputs[0].command);
    });
  });

  describe('credit, inventory and site facts', () => {
    it('given CreditHoldPlaced and CreditHoldReleased, when mapped, then both become credit facts with tenant and hold id', () => {
      expect(credit()).toEqual({
        kind: 'CreditHoldPlaced',
        tenantId: TENANT,
        customerId: 'CUST-42',
        holdId: 'H-7',
        orderId: null,
        reason: 'invoice 991 overdue',
        occurredAt: '2026-01-15T14:59:58.000Z',
      });
      expect(released({ orderId: 'SO-1001' })).toEqual({
        kind: 'CreditHoldReleased',
        tenantId: TENANT,
        customerId: 'CUST-42',
        holdId: 'H-7',
        orderId: 'SO-1001',
        occurredAt: '2026-01-15T14:59:58.000Z',
      });
    });

    it('given holds in force, when the standing of an order is read, then a customer-wide hold or one on this order counts, others do not', () => {
      // the read model holds a customer's holds (tenant and customer are its key): the domain picks those in force for the order
      const inForce = (fact: CreditFact) => ({ orderId: fact.orderId, inForce: fact.kind === 'CreditHoldPlaced' });
      const wide = inForce(credit());
      const onThisOrder = inForce(credit({ orderId: 'SO-1001' }));
      const onAnotherOrder = inForce(credit({ orderId: 'SO-2002' }));
      const lifted = inForce(released());

      expect(creditStandingOf([wide], 'CUST-42', 'SO-1001')).toEqual({ customerId: 'CUST-42', onHold: true });
      expect(creditStandingOf([onThisOrder], 'CUST-42', 'SO-1001').onHold).toBe(true);
      expect(creditStandingOf([onAnotherOrder, lifted], 'CUST-42', 'SO-1001').onHold).toBe(false);
      expect(creditStandingOf([], 'CUST-42', 'SO-1001').onHold).toBe(false);
    });

    it('given a credit hold in force, when the decider runs on the mapped standing, then the order is held CREDIT_HOLD', () => {
      const order = orderDetailsFrom(orderPlaced());
      const standing = creditStandingOf([{ orderId: credit().orderId, inForce: true }], order.customerId, order.orderId);

      expect(reasonOf(place(order, contextFromFacts(order, { credit: standing })), 'CREDIT_HOLD')).toMatchObject({ customerId: 'CUST-42' });
    });

    it('given an InventoryLevelChanged, when mapped, then on hand, allocated and the domain unit are kept per sku@site', () => {
      expect(stockLevelFrom(inventoryLevelChanged())).toEqual({
        tenantId: TENANT,
        siteId: 'US-NJ1',
        sku: 'BOLT-M8',
        onHand: 120,
        allocated: 20,
        unitOfMeasure: 'EA',
        changeReason: 'receipt',
        occurredAt: '2026-01-15T14:59:58.000Z',
      });
    });

    it('given a stock level, when the position is built, then available is on hand minus allocated minus unallocated reservations, never negative', () => {
      const level = stockLevelFrom(inventoryLevelChanged());

      expect(stockPositionOf(level, 30, 4)).toEqual({ available: 70, awaitedByOlderOrders: 4, unitOfMeasure: 'EA' });
      expect(stockPositionOf(level, 500, 0).available).toBe(0);
      expect(stockPositionOf(undefined, 0, 0)).toEqual({ available: 0, awaitedByOlderOrders: 0 });
    });

    it('given measured stock, when the position is built, then decimals are kept to 3 places', () => {
      const level = stockLevelFrom(inventoryLevelChanged({ onHand: { value: 10.3, unit: 'KILOGRAM' }, allocated: { value: 0.1, unit: 'KILOGRAM' } }));

      expect(stockPositionOf(level, 0.1, 0)).toEqual({ available: 10.1, awaitedByOlderOrders: 0, unitOfMeasure: 'KG' });
    });

    it('given stock kept in LITRE, when an order for the SKU in EA is decided, then it is held INVALID_LINES / UNIT_NOT_STOCKED', () => {
      const order = orderDetailsFrom(orderPlaced({ lines: [line(1, 'BOLT-M8', 5)] }));
      const level = stockLevelFrom(inventoryLevelChanged({ onHand: { value: 120, unit: 'LITRE' }, allocated: { value: 0, unit: 'LITRE' } }));

      expect(level.unitOfMeasure).toBe('LITRE');
      const messages = place(order, contextFromFacts(order, { inventory: { 'BOLT-M8': stockPositionOf(level, 0, 0) } }));
      expect(reasonOf(messages, 'INVALID_LINES')?.problems).toEqual([{ lineNumber: 1, sku: 'BOLT-M8', problem: 'UNIT_NOT_STOCKED' }]);
    });

    it('given on hand and allocated in different units, when mapped, then the unit is MIXED and orders for the SKU are held UNIT_NOT_STOCKED', () => {
      const mixed = stockLevelFrom(inventoryLevelChanged({ allocated: { value: 2, unit: 'CASE' } }));
      const nothingAllocated = stockLevelFrom(inventoryLevelChanged({ allocated: { value: 0, unit: 'UNKNOWN' } }));
      const order = orderDetailsFrom(orderPlaced({ lines: [line(1, 'BOLT-M8', 5)] }));

      expect(mixed.unitOfMeasure).toBe('MIXED(EA,CS)');
      expect(nothingAllocated.unitOfMeasure).toBe('EA');
      const messages = place(order, contextFromFacts(order, { inventory: { 'BOLT-M8': stockPositionOf(mixed, 0, 0) } }));
      expect(reasonOf(messages, 'INVALID_LINES')?.problems).toEqual([{ lineNumber: 1, sku: 'BOLT-M8', problem: 'UNIT_NOT_STOCKED' }]);
    });

    it('given a WarehouseStatusChanged stating no opening (v1), when mapped, then zone, window (midnight to cut-off), capacity and the WMS count are kept', () => {
      expect(siteStatusFrom(warehouseStatusChanged())).toEqual({
        kind: 'SiteStatus',
        siteId: 'US-NJ1',
        status: 'OPEN',
        timeZone: 'America/New_York',
        releaseWindow: { opensAt: '00:00', cutOff: '15:00' },
        dailyCapacity: 100,
        ordersAcceptedToday: 10,
        reportedBy: TENANT,
        occurredAt: '2026-01-15T14:59:58.000Z',
      });
    });

    it('given a site directory, when a tenant that is neither the site operator nor served by it reports a status, then it is refused (dead-lettered), never applied', () => {
      const sites = SiteDirectory.of([{ siteId: 'US-NJ1', operator: 'north-3pl', serves: ['globex'] }]);
      const report = (tenantId: string) => {
        const value = warehouseStatusChanged({ meta: meta({ tenantId }, 'WMS') });
        return () => siteFactInputs({ recordType: 'lading.wms.WarehouseStatusChanged', value }, inboundOf(value), sites);
      };
      expect(report(TENANT)).toThrow(NonRetriableError);
      expect(report(TENANT)).toThrow(/tenant acme is neither the operator \(north-3pl\) of site US-NJ1 nor served by it/);
      expect(report('globex')()).toHaveLength(1);
      expect(report('north-3pl')()).toHaveLength(1);
    });

    it('given a WarehouseStatusChanged that states its opening, when mapped, then the window runs from it to the cut-off', () => {
      expect(siteStatusFrom(warehouseStatusChanged({ releaseWindowOpensAt: 6 * HOUR_MS + 30 * 60_000 })).releaseWindow).toEqual({ opensAt: '06:30', cutOff: '15:00' });
      expect(siteStatusFrom(warehouseStatusChanged({ releaseWindowOpensAt: 0 })).releaseWindow).toEqual({ opensAt: '00:00', cutOff: '15:00' });
      expect(siteStatusFrom(warehouseStatusChanged({ releaseWindowOpensAt: 25 * HOUR_MS })).releaseWindow).toEqual({ opensAt: `invalid(${25 * HOUR_MS}ms)`, cutOff: '15:00' });
    });

    describe('a night shift: window 14:00–02:00, crossing midnight (Chicago, CST = UTC-6)', () => {
      const nightShift = siteStatusFrom(
        warehouseStatusChanged({ siteId: 'US-IL1', timeZone: 'America/Chicago', releaseWindowOpensAt: 14 * HOUR_MS, cutOffLocalTime: 2 * HOUR_MS }),
      );
      const order = orderDetailsFrom(orderPlaced({ siteId: 'US-IL1' }));
      const placeAt = (now: string, releasedOrders: { operatingDay: string; count: number }) =>
        orderRelease.decide({ type: 'PlaceOrder', data: { order, context: contextFromFacts(order, { site: readinessOf(nightShift, releasedOrders) }) } }, orderRelease.initialState(), { now: new Date(now) });
      const releasedOf = (messages: OrderReleaseMessage[]) => messages.find((m) => m.type === 'OrderReleased')?.data as { operatingDay: string } | undefined;

      it('when mapped, then the window keeps its opening after its cut-off', () => {
        expect(nightShift.releaseWindow).toEqual({ opensAt: '14:00', cutOff: '02:00' });
      });

      it('given 09:00 local (after the 02:00 cut-off, before the 14:00 opening), when decided, then held until 14:00 today, not until midnight', () => {
        // NOW is 15:00Z = 09:00 CST; without the opening the hold would last until 00:00 CST (06:00Z tomorrow).
        expect(reasonOf(placeAt(NOW.toISOString(), { operatingDay: '2026-01-15', count: 0 }), 'PAST_CUT_OFF')?.nextWindowOpensAt).toBe('2026-01-15T20:00:00.000Z');
      });

      it('given 22:00 local, when decided, then released against today’s operating day', () => {
        // 04:00Z on the 16th is 22:00 CST on the 15th; a window from midnight would have closed at 02:00.
        expect(releasedOf(placeAt('2026-01-16T04:00:00.000Z', { operatingDay: '2026-01-15', count: 10 }))).toMatchObject({ operatingDay: '2026-01-15' });
      });

      it('given 01:30 local after midnight, when decided, then released against the operating day the window opened on', () => {
        // 07:30Z on the 16th is 01:30 CST on the 16th: still the window that opened at 14:00 on the 15th.
        expect(releasedOf(placeAt('2026-01-16T07:30:00.000Z', { operatingDay: '2026-01-15', count: 10 }))).toMatchObject({ operatingDay: '2026-01-15' });
      });

      it('given 01:30 local and the operating day that opened yesterday already full, when decided, then held NO_CAPACITY for that day', () => {
        expect(reasonOf(placeAt('2026-01-16T07:30:00.000Z', { operatingDay: '2026-01-15', count: 100 }), 'NO_CAPACITY')).toMatchObject({
          operatingDay: '2026-01-15',
          nextWindowOpensAt: '2026-01-16T20:00:00.000Z',
        });
      });
    });

    it.each([
      [0, '00:00'],
      [15 * HOUR_MS + 30 * 60_000, '15:30'],
      [23 * HOUR_MS + 59 * 60_000 + 59_999, '23:59'],
      [-1, 'invalid(-1ms)'],
      [24 * HOUR_MS, `invalid(${24 * HOUR_MS}ms)`],
    ])('given a cut-off of %i ms after local midnight, when mapped, then the local time is %s', (millis, expected) => {
      expect(localTimeFrom(millis)).toBe(expected);
    });

    it('given a site fact, when readiness is built, then it carries the releases order-release counted for the operating day', () => {
      const fact = siteStatusFrom(warehouseStatusChanged());

      expect(readinessOf(fact, { operatingDay: '2026-01-15', count: 3 })).toEqual({
        siteId: 'US-NJ1',
        timeZone: 'America/New_York',
        status: 'OPEN',
        releaseWindow: { opensAt: '00:00', cutOff: '15:00' },
        dailyCapacity: 100,
        releasedOrders: { operatingDay: '2026-01-15', count: 3 },
        servesTenant: true,
      });
    });

    it('given a site that reports UNKNOWN status or never reported, when decided, then the order is held UNKNOWN_SITE', () => {
      const order = orderDetailsFrom(orderPlaced());
      const unknownStatus = readinessOf(siteStatusFrom(warehouseStatusChanged({ status: 'UNKNOWN' })), { operatingDay: '2026-01-15', count: 0 });

      expect(unknownStatus).toBeUndefined();
      expect(reasonOf(place(order, contextFromFacts(order, { site: unknownStatus })), 'UNKNOWN_SITE')).toMatchObject({ siteId: 'US-NJ1' });
      expect(readinessOf(undefined, { operatingDay: '2026-01-15', count: 0 })).toBeUndefined();
    });

    it.each([
      ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
      ['a cut-off outside the day', { cutOffLocalTime: 25 * HOUR_MS }],
    ])('given a site with %s, when decided, then the order is held UNKNOWN_SITE (not a crash)', (_what, overrides) => {
      const order = orderDetailsFrom(orderPlaced());
      const site = readinessOf(siteStatusFrom(warehouseStatusChanged(overrides)), { operatingDay: '2026-01-15', count: 0 });

      expect(reasonOf(place(order, contextFromFacts(order, { site })), 'UNKNOWN_SITE')?.message).toMatch(/invalid time zone or release window/);
    });

    it('given a closed site, when decided, then the order is held WAREHOUSE_CLOSED', () => {
      const order = orderDetailsFrom(orderPlaced());
      const site = readinessOf(siteStatusFrom(warehouseStatusChanged({ status: 'CLOSED' })), { operatingDay: '2026-01-15', count: 0 });

      expect(reasonOf(place(order, contextFromFacts(order, { site })), 'WAREHOUSE_CLOSED')).toBeDefined();
    });

    it('given a site past its local cut-off, when decided, then the order is held PAST_CUT_OFF until local midnight', () => {
      const order = orderDetailsFrom(orderPlaced());
      const site = readinessOf(siteStatusFrom(warehouseStatusChanged({ cutOffLocalTime: 9 * HOUR_MS })), { operatingDay: '2026-01-15', count: 0 });

      // 10:00 in New York, cut-off 09:00: the next window opens at 00:00 EST = 05:00Z
      expect(reasonOf(place(order, contextFromFacts(order, { site })), 'PAST_CUT_OFF')?.nextWindowOpensAt).toBe('2026-01-16T05:00:00.000Z');
    });

    it('given a cut-off at midnight, when decided at any hour, then the window is open around the clock', () => {
      const order = orderDetailsFrom(orderPlaced());
      const site = readinessOf(siteStatusFrom(warehouseStatusChanged({ cutOffLocalTime: 0 })), { operatingDay: '2026-01-15', count: 0 });

      expect(holdOf(place(order, contextFromFacts(order, { site })))).toBeUndefined();
    });

    it('given a site at capacity for the day, when decided, then the order is held NO_CAPACITY', () => {
      const order = orderDetailsFrom(orderPlaced());
      const site = readinessOf(siteStatusFrom(warehouseStatusChanged({ dailyOrderCapacity: 10 })), { operatingDay: '2026-01-15', count: 10 });

      expect(reasonOf(place(order, contextFromFacts(order, { site })), 'NO_CAPACITY')).toMatchObject({ dailyCapacity: 10, operatingDay: '2026-01-15' });
    });

    it('given any credit, inventory or site record, when mapped to a fact, then its trigger names the held orders it concerns', () => {
      const facts = [
        releaseFactOf({ recordType: 'lading.erp.CreditHoldPlaced', value: creditHoldPlaced() }),
        releaseFactOf({ recordType: 'lading.erp.CreditHoldReleased', value: creditHoldReleased() }),
        releaseFactOf({ recordType: 'lading.wms.InventoryLevelChanged', value: inventoryLevelChanged() }),
        releaseFactOf({ recordType: 'lading.wms.WarehouseStatusChanged', value: warehouseStatusChanged() }),
      ];

      expect(facts.map((f) => f.kind)).toEqual(['CreditHoldPlaced', 'CreditHoldReleased', 'StockLevel', 'SiteStatus']);
      expect(facts.map(releaseTriggerFor)).toEqual([
        { kind: 'CREDIT_CHANGED', tenantId: TENANT, customerId: 'CUST-42', onHold: true },
        { kind: 'CREDIT_CHANGED', tenantId: TENANT, customerId: 'CUST-42', onHold: false },
        { kind: 'INVENTORY_CHANGED', tenantId: TENANT, siteId: 'US-NJ1', sku: 'BOLT-M8' },
        { kind: 'SITE_STATUS_CHANGED', siteId: 'US-NJ1' },
      ]);
      expect((facts[2] as StockLevelFact).onHand).toBe(120);
    });
  });

  describe('WMS fulfilment progress', () => {
    const wmsMeta = meta({ eventId: 'c3c1e4f0-1d2b-4c5d-8e6f-7a8b9c0d1e2f', occurredAt: Date.parse('2026-01-15T15:05:00.000Z') }, 'WMS');

    it('given a WarehouseOrderAccepted echoing the warehouse order id, when mapped, then the fact names that warehouse order', () => {
      const fact = warehouseProgressOf({ recordType: 'lading.wms.WarehouseOrderAccepted', value: { meta: wmsMeta, orderId: 'SO-1001', siteId: 'US-NJ1', warehouseOrderId: 'SO-1001-R2' } });

      expect(fact).toEqual({ kind: 'WarehouseOrderAccepted', tenantId: TENANT, orderId: 'SO-1001', siteId: 'US-NJ1', warehouseOrderId: 'SO-1001-R2', occurredAt: '2026-01-15T15:05:00.000Z' });
    });

    it('given a WarehouseOrderAccepted with an empty warehouse order id, when mapped, then the id is null so the app matches by order id', () => {
      expect(warehouseProgressOf({ recordType: 'lading.wms.WarehouseOrderAccepted', value: { meta: wmsMeta, orderId: 'SO-1001', siteId: 'US-NJ1', warehouseOrderId: '' } })?.warehouseOrderId).toBeNull();
    });

    it('given picked, packed and shipped events, when mapped, then order-release takes nothing from them (only acceptance and cancellation change reservations)', () => {
      const facts = [
        warehouseProgressOf({ recordType: 'lading.wms.OrderPicked', value: { meta: wmsMeta, orderId: 'SO-1001', siteId: 'US-NJ1', lines: [line(1, 'BOLT-M8', 5)], warehouseOrderId: 'SO-1001-R1' } }),
        warehouseProgressOf({ recordType: 'lading.wms.OrderPacked', value: { meta: wmsMeta, orderId: 'SO-1001', siteId: 'US-NJ1', packages: [], warehouseOrderId: null } }),
        warehouseProgressOf({
          recordType: 'lading.wms.OrderShipped',
          value: { meta: wmsMeta, orderId: 'SO-1001', siteId: 'US-NJ1', shipmentId: null, carrierId: null, trackingNumbers: [], warehouseOrderId: 'SO-1001-R1' },
        }),
      ];

      expect(facts).toEqual([undefined, undefined, undefined]);
    });
  });

});
