import { DeciderSpecification, foldEvents } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { contextWith, NOW, order, site, stock } from './order-release.fixtures';
import { orderRelease, OrderReleaseCommand } from './order-release.decide';
import { HoldReason, isWarehouseCommand, OrderAmendment, OrderDetails, OrderHeld, OrderReleaseMessage, ReleaseContext, ReleaseLine } from './order-release';

const spec = DeciderSpecification.for(orderRelease, { now: NOW });
const nowIso = NOW.toISOString();

const bolts = (quantity = 5): ReleaseLine => ({ sku: 'BOLT-M8', quantity, unitOfMeasure: 'EA', lineNumbers: [1] });
const nuts = (quantity = 2): ReleaseLine => ({ sku: 'NUT-M8', quantity, unitOfMeasure: 'CS', lineNumbers: [2] });

const place = (details: OrderDetails = order, context: ReleaseContext = contextWith()): OrderReleaseCommand => ({ type: 'PlaceOrder', data: { order: details, context } });
const amend = (amendment: Partial<OrderAmendment> & Pick<OrderAmendment, 'changes'>, context: ReleaseContext = contextWith()): OrderReleaseCommand => ({
  type: 'AmendOrder',
  data: { amendment: { orderId: order.orderId, revision: 2, amendedAt: '2026-01-15T14:00:00.000Z', ...amendment }, context },
});
const cancel: OrderReleaseCommand = { type: 'CancelOrder', data: { orderId: order.orderId, tenantId: order.tenantId, reason: 'customer changed mind', cancelledAt: '2026-01-15T14:30:00.000Z' } };
const reevaluate = (context: ReleaseContext = contextWith()): OrderReleaseCommand => ({ type: 'ReevaluateOrder', data: { orderId: order.orderId, context } });

const received = (details: OrderDetails = order, receivedAt = nowIso): OrderReleaseMessage => ({ type: 'OrderReceived', data: { order: details, receivedAt } });

function released(lines: ReleaseLine[], options: { backordered?: ReleaseLine[]; releaseNumber?: number; operatingDay?: string; details?: OrderDetails } = {}): OrderReleaseMessage[] {
  const { backordered = [], releaseNumber = 1, operatingDay = '2026-01-15', details = order } = options;
  const warehouseOrderId = `${details.orderId}-R${releaseNumber}`;
  const common = { orderId: details.orderId, tenantId: details.tenantId, customerId: details.customerId, siteId: details.siteId };
  return [
    { type: 'OrderReleased', data: { ...common, releaseNumber, warehouseOrderId, lines, backordered, operatingDay, releasedAt: nowIso } },
    {
      type: 'ReleaseOrderToWarehouse',
      data: {
        warehouseOrderId,
        ...common,
        shipTo: details.shipTo,
        lines,
        promisedDate: details.promisedDate,
        partial: backordered.length > 0 || releaseNumber > 1,
        releasedAt: nowIso,
      },
    },
  ];
}

function held(reasons: HoldReason[], heldLines: ReleaseLine[] = [bolts(), nuts()], options: { backorder?: boolean; queuedSince?: string } = {}): OrderHeld {
  const { backorder = false, queuedSince = nowIso } = options;
  return {
    type: 'OrderHeld',
    data: { orderId: order.orderId, tenantId: order.tenantId, customerId: order.customerId, siteId: order.siteId, reasons, heldLines, backorder, queuedSince, heldAt: nowIso },
  };
}

function reasonCodes(messages: OrderReleaseMessage[]): string[] {
  const hold = messages.find((m): m is OrderHeld => m.type === 'OrderHeld');
  return hold ? hold.data.reasons.map((r) => r.code) : [];
}

const shortOfBolts = contextWith({ inventory: { 'BOLT-M8': stock(3), 'NUT-M8': stock(10) } });
const heldForBolts = held([
  { code: 'INSUFFICIENT_INVENTORY', message: 'short at US-NJ1: BOLT-M8 3/5 EA', shortages: [{ sku: 'BOLT-M8', requested: 5, available: 3, unitOfMeasure: 'EA' }] },
]);
const partialOrder: OrderDetails = { ...order, fulfilment: 'ALLOW_PARTIAL' };

describe('order-release decider', () => {
  describe('PlaceOrder', () => {
    it('releases an order that passes every check, and sends it to the warehouse', () => {
      spec.given([]).when(place()).then([received(), ...released([bolts(), nuts()])]);
    });

    it('holds an order whose customer is on credit hold', () => {
      spec
        .given([])
        .when(place(order, contextWith({ credit: { customerId: order.customerId, onHold: true } })))
        .then([received(), held([{ code: 'CREDIT_HOLD', message: 'customer CUST-42 is on credit hold', customerId: 'CUST-42' }])]);
    });

    it('lists every failing reason at once, not just the first', () => {
      const bad: OrderDetails = {
        ...order,
        shipTo: { ...order.shipTo, postalCode: '' },
        lines: [...order.lines, { lineNumber: 3, sku: 'WASHER', quantity: -1, unitOfMeasure: 'EA' }],
      };
      const context = contextWith({
        credit: { customerId: order.customerId, onHold: true },
        site: { ...site, status: 'CLOSED' },
        inventory: { 'BOLT-M8': stock(1), 'NUT-M8': stock(10) },
      });
      const atNight = DeciderSpecification.for(orderRelease, { now: new Date('2026-01-16T02:00:00Z') }); // 21:00 in New York
      expect(reasonCodes(atNight.given([]).when(place(bad, context)).events())).toEqual([
        'CREDIT_HOLD',
        'INVALID_LINES',
        'INVALID_ADDRESS',
        'INSUFFICIENT_INVENTORY',
        'WAREHOUSE_CLOSED',
        'PAST_CUT_OFF',
      ]);
      const full = contextWith({ credit: { customerId: order.customerId, onHold: true }, site: { ...site, releasedOrders: { operatingDay: '2026-01-15', count: 100 } } });
      expect(reasonCodes(spec.given([]).when(place(order, full)).events())).toEqual(['CREDIT_HOLD', 'NO_CAPACITY']);
    });

    it('ignores a duplicate placement', () => {
      spec.given([received(), ...released([bolts(), nuts()])]).when(place()).thenNothingHappens();
      spec.given([received(), heldForBolts]).when(place()).thenNothingHappens();
    });

    it('refuses a placement without identity as poison input', () => {
      spec.given([]).when(place({ ...order, orderId: '' })).thenThrows(NonRetriableError);
    });

    it('refuses to decide on a context read for another customer', () => {
      spec
        .given([])
        .when(place(order, contextWith({ credit: { customerId: 'CUST-7', onHold: false } })))
        .thenThrows(/release context is for customer CUST-7/);
    });

    describe('lines', () => {
      const withLines = (lines: OrderDetails['lines']): OrderDetails => ({ ...order, lines });

      it('holds an order with invalid lines, naming each problem and line', () => {
        const events = spec
          .given([])
          .when(
            place(
              withLines([
                { lineNumber: 1, sku: 'BOLT-M8', quantity: 0, unitOfMeasure: 'EA' },
                { lineNumber: 2, sku: 'NUT-M8', quantity: 1.5, unitOfMeasure: 'CS' },
                { lineNumber: 3, sku: 'WASHER', quantity: 1, unitOfMeasure: 'BOX' },
                { lineNumber: 4, sku: ' ', quantity: 1, unitOfMeasure: 'EA' },
                { lineNumber: 4, sku: 'PIN', quantity: 1, unitOfMeasure: 'EA' },
              ]),
              contextWith({ inventory: { PIN: stock(10) } }),
            ),
          )
          .events();
        const hold = events[1] as OrderHeld;
        expect(hold.data.reasons).toEqual([
          {
            code: 'INVALID_LINES',
            message: '5 line problem(s): NON_POSITIVE_QUANTITY, FRACTIONAL_QUANTITY, UNKNOWN_UNIT_OF_MEASURE, MISSING_SKU, DUPLICATE_LINE_NUMBER',
            problems: [
              { lineNumber: 1, sku: 'BOLT-M8', problem: 'NON_POSITIVE_QUANTITY' },
              { lineNumber: 2, sku: 'NUT-M8', problem: 'FRACTIONAL_QUANTITY' },
              { lineNumber: 3, sku: 'WASHER', problem: 'UNKNOWN_UNIT_OF_MEASURE' },
              { lineNumber: 4, problem: 'MISSING_SKU' },
              { lineNumber: 4, sku: 'PIN', problem: 'DUPLICATE_LINE_NUMBER' },
            ],
          },
        ]);
      });

      it('holds an order without lines', () => {
        expect(reasonCodes(spec.given([]).when(place(withLines([]))).events())).toEqual(['INVALID_LINES']);
      });

      it('accepts decimal quantities in measured units', () => {
        const rope = withLines([{ lineNumber: 1, sku: 'ROPE', quantity: 12.5, unitOfMeasure: 'M' }]);
        spec
          .given([])
          .when(place(rope, contextWith({ inventory: { ROPE: stock(100, 0, 'M') } })))
          .then([received(rope), ...released([{ sku: 'ROPE', quantity: 12.5, unitOfMeasure: 'M', lineNumbers: [1] }], { details: rope })]);
      });

      it('merges lines for the same SKU and unit into one release line', () => {
        const split = withLines([...order.lines, { lineNumber: 3, sku: 'BOLT-M8', quantity: 4, unitOfMeasure: 'EA' }]);
        spec
          .given([])
          .when(place(split))
          .then([received(split), ...released([{ sku: 'BOLT-M8', quantity: 9, unitOfMeasure: 'EA', lineNumbers: [1, 3] }, nuts()], { details: split })]);
      });

      it('checks merged lines against stock together: two lines of 5 do not pass against 6', () => {
        const split = withLines([
          { lineNumber: 1, sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA' },
          { lineNumber: 2, sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA' },
        ]);
        expect(reasonCodes(spec.given([]).when(place(split, contextWith({ inventory: { 'BOLT-M8': stock(6) } }))).events())).toEqual(['INSUFFICIENT_INVENTORY']);
      });

      it('holds lines for one SKU in two units, which cannot be merged without a pack size', () => {
        const mixed = withLines([...order.lines, { lineNumber: 3, sku: 'BOLT-M8', quantity: 1, unitOfMeasure: 'CS' }]);
        const hold = spec.given([]).when(place(mixed)).events()[1] as OrderHeld;
        expect(hold.data.reasons).toEqual([
          {
            code: 'INVALID_LINES',
            message: '2 line problem(s): CONFLICTING_UNITS_FOR_SKU',
            problems: [
              { lineNumber: 1, sku: 'BOLT-M8', problem: 'CONFLICTING_UNITS_FOR_SKU' },
              { lineNumber: 3, sku: 'BOLT-M8', problem: 'CONFLICTING_UNITS_FOR_SKU' },
            ],
          },
        ]);
        expect(hold.data.heldLines).toEqual([nuts()]);
      });

      it('holds a line in a unit the SKU is not stocked in', () => {
        const hold = spec
          .given([])
          .when(place(order, contextWith({ inventory: { 'BOLT-M8': stock(100, 0, 'CS'), 'NUT-M8': stock(10, 0, 'CS') } })))
          .events()[1] as OrderHeld;
        expect(hold.data.reasons.map((r) => r.code)).toEqual(['INVALID_LINES']);
        expect(hold.data.reasons[0]).toMatchObject({ problems: [{ lineNumber: 1, sku: 'BOLT-M8', problem: 'UNIT_NOT_STOCKED' }] });
      });
    });

    describe('ship-to address', () => {
      const shippingTo = (shipTo: Partial<OrderDetails['shipTo']>): OrderDetails => ({ ...order, shipTo: { ...order.shipTo, ...shipTo } });
      const problemsFor = (details: OrderDetails) => {
        const hold = spec.given([]).when(place(details)).events()[1];
        return hold.type === 'OrderHeld' ? hold.data.reasons.find((r) => r.code === 'INVALID_ADDRESS') : undefined;
      };

      it('holds an address missing required fields', () => {
        expect(problemsFor(shippingTo({ name: '', city: ' ', postalCode: undefined, region: undefined }))).toEqual({
          code: 'INVALID_ADDRESS',
          message: 'ship-to name missing, city missing, postalCode missing, region missing',
          problems: [
            { field: 'name', problem: 'MISSING' },
            { field: 'city', problem: 'MISSING' },
            { field: 'postalCode', problem: 'MISSING' },
            { field: 'region', problem: 'MISSING' },
          ],
        });
      });

      it('holds a country code that is not ISO 3166-1 alpha-2', () => {
        for (const countryCode of ['XX', 'us', 'USA', 'UK']) {
          expect(problemsFor(shippingTo({ countryCode }))).toMatchObject({ problems: [{ field: 'countryCode', problem: 'INVALID' }] });
        }
      });

      it('accepts an address without postal code or region where the country has none', () => {
        const hongKong = shippingTo({ countryCode: 'HK', city: 'Kowloon', postalCode: undefined, region: undefined });
        expect(spec.given([]).when(place(hongKong)).events().map((m) => m.type)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
        expect(problemsFor(shippingTo({ countryCode: 'GB', region: undefined, postalCode: 'MK9 1AA' }))).toBeUndefined();
      });
    });

    describe('inventory', () => {
      it('holds a ship-complete order that is short, naming the shortage', () => {
        spec.given([]).when(place(order, shortOfBolts)).then([received(), heldForBolts]);
      });

      it('treats a SKU the site has never stocked as none available', () => {
        expect(reasonCodes(spec.given([]).when(place(order, contextWith({ inventory: { 'BOLT-M8': stock(100) } }))).events())).toEqual(['INSUFFICIENT_INVENTORY']);
      });

      it('does not let a new order take stock an older held order waits for', () => {
        const context = contextWith({ inventory: { 'BOLT-M8': stock(100, 96), 'NUT-M8': stock(10) } });
        const hold = spec.given([]).when(place(order, context)).events()[1] as OrderHeld;
        expect(hold.data.reasons).toEqual([
          { code: 'INSUFFICIENT_INVENTORY', message: 'short at US-NJ1: BOLT-M8 4/5 EA', shortages: [{ sku: 'BOLT-M8', requested: 5, available: 4, unitOfMeasure: 'EA' }] },
        ]);
      });

      it('allow-partial: releases what is in stock and backorders the rest', () => {
        spec
          .given([])
          .when(place(partialOrder, shortOfBolts))
          .then([
            received(partialOrder),
            ...released([bolts(3), nuts()], { backordered: [bolts(2)], details: partialOrder }),
            held(
              [
                {
                  code: 'INSUFFICIENT_INVENTORY',
                  message: 'backordered at US-NJ1: BOLT-M8 2 EA',
                  shortages: [{ sku: 'BOLT-M8', requested: 5, available: 3, unitOfMeasure: 'EA' }],
                },
              ],
              [bolts(2)],
              { backorder: true },
            ),
          ]);
      });

      it('allow-partial: releases nothing when nothing at all is in stock', () => {
        const empty = contextWith({ inventory: { 'BOLT-M8': stock(0), 'NUT-M8': stock(0) } });
        expect(spec.given([]).when(place(partialOrder, empty)).events().map((m) => m.type)).toEqual(['OrderReceived', 'OrderHeld']);
      });

      it('allow-partial: releases whole units only', () => {
        const events = spec.given([]).when(place(partialOrder, contextWith({ inventory: { 'BOLT-M8': stock(2.7), 'NUT-M8': stock(10) } }))).events();
        expect(events[1]).toMatchObject({ type: 'OrderReleased', data: { lines: [bolts(2), nuts()], backordered: [bolts(3)] } });
      });
    });

    describe('warehouse readiness', () => {
      it('holds when the site has never reported', () => {
        spec
          .given([])
          .when(place(order, contextWith({ site: undefined })))
          .then([received(), held([{ code: 'UNKNOWN_SITE', message: 'site US-NJ1 has not reported its status', siteId: 'US-NJ1' }])]);
      });

      it('holds when the site reports an unknown time zone, rather than failing the message', () => {
        expect(reasonCodes(spec.given([]).when(place(order, contextWith({ site: { ...site, timeZone: 'America/Gotham' } }))).events())).toEqual(['UNKNOWN_SITE']);
      });

      it('holds when the site is closed', () => {
        spec
          .given([])
          .when(place(order, contextWith({ site: { ...site, status: 'CLOSED' } })))
          .then([received(), held([{ code: 'WAREHOUSE_CLOSED', message: 'site US-NJ1 is closed', siteId: 'US-NJ1' }])]);
      });

      it("holds after the site's local cut-off, saying when the next window opens", () => {
        const afterCutOff = new Date('2026-01-15T20:00:00Z'); // 15:00 in New York
        DeciderSpecification.for(orderRelease, { now: afterCutOff })
          .given([])
          .when(place())
          .then([
            { type: 'OrderReceived', data: { order, receivedAt: afterCutOff.toISOString() } },
            {
              type: 'OrderHeld',
              data: {
                orderId: order.orderId,
                tenantId: order.tenantId,
                customerId: order.customerId,
                siteId: order.siteId,
                reasons: [
                  {
                    code: 'PAST_CUT_OFF',
                    message: 'site US-NJ1 is past its 15:00 cut-off (America/New_York); next window opens 2026-01-16T11:00:00.000Z',
                    siteId: 'US-NJ1',
                    nextWindowOpensAt: '2026-01-16T11:00:00.000Z',
                  },
                ],
                heldLines: [bolts(), nuts()],
                backorder: false,
                queuedSince: afterCutOff.toISOString(),
                heldAt: afterCutOff.toISOString(),
              },
            },
          ]);
      });

      it('holds when the operating day is at capacity', () => {
        const full = contextWith({ site: { ...site, releasedOrders: { operatingDay: '2026-01-15', count: 100 } } });
        spec
          .given([])
          .when(place(order, full))
          .then([
            received(),
            held([
              {
                code: 'NO_CAPACITY',
                message: 'site US-NJ1 has released 100 of 100 orders for 2026-01-15',
                siteId: 'US-NJ1',
                operatingDay: '2026-01-15',
                dailyCapacity: 100,
                nextWindowOpensAt: '2026-01-16T11:00:00.000Z',
              },
            ]),
          ]);
      });

      it("ignores release counts from a previous operating day: a new day's capacity is unused", () => {
        const yesterdayFull = contextWith({ site: { ...site, releasedOrders: { operatingDay: '2026-01-14', count: 100 } } });
        spec.given([]).when(place(order, yesterdayFull)).then([received(), ...released([bolts(), nuts()])]);
      });

      describe('cut-off across midnight and DST at the decider', () => {
        const nightShift = (timeZone: string, cutOff: string, operatingDay: string, count = 0) =>
          contextWith({ site: { ...site, timeZone, releaseWindow: { opensAt: '20:00', cutOff }, dailyCapacity: 5, releasedOrders: { operatingDay, count } } });
        const codesAt = (iso: string, context: ReleaseContext) => reasonCodes(DeciderSpecification.for(orderRelease, { now: new Date(iso) }).given([]).when(place(order, context)).events());
        const releasedOn = (iso: string, context: ReleaseContext) =>
          DeciderSpecification.for(orderRelease, { now: new Date(iso) }).given([]).when(place(order, context)).events()[1];

        it('New York, 1 November: released at 01:15 EDT against the previous operating day, held at 01:15 EST', () => {
          expect(releasedOn('2026-11-01T05:15:00Z', nightShift('America/New_York', '01:30', '2026-10-31'))).toMatchObject({
            type: 'OrderReleased',
            data: { operatingDay: '2026-10-31' },
          });
          expect(codesAt('2026-11-01T06:15:00Z', nightShift('America/New_York', '01:30', '2026-10-31'))).toEqual(['PAST_CUT_OFF']);
        });

        it('New York, 8 March: the 02:30 cut-off falls at the jump to 03:00', () => {
          expect(releasedOn('2026-03-08T06:59:00Z', nightShift('America/New_York', '02:30', '2026-03-07'))).toMatchObject({ type: 'OrderReleased' });
          expect(codesAt('2026-03-08T07:00:00Z', nightShift('America/New_York', '02:30', '2026-03-07'))).toEqual(['PAST_CUT_OFF']);
        });

        it('counts capacity against the operating day the window opened on, after midnight', () => {
          expect(codesAt('2026-11-01T05:15:00Z', nightShift('America/New_York', '01:30', '2026-10-31', 5))).toEqual(['NO_CAPACITY']);
          // The count is for the calendar date, not the operating day: it does not apply.
          expect(releasedOn('2026-11-01T05:15:00Z', nightShift('America/New_York', '01:30', '2026-11-01', 5))).toMatchObject({ type: 'OrderReleased' });
        });

        it('Sydney, 5 April: held at 02:15 AEST, after the first 02:30 passed', () => {
          expect(releasedOn('2026-04-04T15:15:00Z', nightShift('Australia/Sydney', '02:30', '2026-04-04'))).toMatchObject({ type: 'OrderReleased', data: { operatingDay: '2026-04-04' } });
          expect(codesAt('2026-04-04T16:15:00Z', nightShift('Australia/Sydney', '02:30', '2026-04-04'))).toEqual(['PAST_CUT_OFF']);
        });

        it('Sydney, 4 October: held from the jump to 03:00', () => {
          expect(releasedOn('2026-10-03T15:59:00Z', nightShift('Australia/Sydney', '02:30', '2026-10-03'))).toMatchObject({ type: 'OrderReleased' });
          expect(codesAt('2026-10-03T16:00:00Z', nightShift('Australia/Sydney', '02:30', '2026-10-03'))).toEqual(['PAST_CUT_OFF']);
        });
      });
    });
  });

  describe('AmendOrder', () => {
    const moreBolts = { lines: [{ lineNumber: 1, sku: 'BOLT-M8', quantity: 8, unitOfMeasure: 'EA' }] };
    const fewerBolts = { lines: [{ lineNumber: 1, sku: 'BOLT-M8', quantity: 3, unitOfMeasure: 'EA' }, order.lines[1]] };
    const amendedAt = '2026-01-15T14:00:00.000Z';
    const amended = (revision: number, changes: object): OrderReleaseMessage => ({
      type: 'OrderAmended',
      data: { orderId: order.orderId, revision, changes, amendedAt, recordedAt: nowIso },
    });
    const earlier = '2026-01-15T13:00:00.000Z';

    it('applies an amendment to a held order and decides again, keeping its place in the queue', () => {
      const heldEarlier = held(heldForBolts.data.reasons, [bolts(), nuts()], { queuedSince: earlier });
      spec
        .given([received(order, earlier), heldEarlier])
        .when(amend({ changes: fewerBolts }, shortOfBolts))
        .then([amended(2, fewerBolts), ...released([bolts(3), nuts()], { details: { ...order, revision: 2, lines: fewerBolts.lines } })]);
      const stillShort = spec.given([received(order, earlier), heldEarlier]).when(amend({ changes: moreBolts }, shortOfBolts)).events();
      expect(stillShort.map((m) => m.type)).toEqual(['OrderAmended', 'OrderHeld']);
      expect(stillShort[1]).toMatchObject({ data: { queuedSince: earlier, heldLines: [bolts(8)] } });
    });

    it('given a held order, when the ERP reassigns it to another site, then it is decided again at the new site, keeping its place in the queue', () => {
      const heldEarlier = held(heldForBolts.data.reasons, [bolts(), nuts()], { queuedSince: earlier });
      const toChicago = { siteId: 'US-IL1' };
      const atChicago = contextWith({ site: { ...site, siteId: 'US-IL1' } });
      spec
        .given([received(order, earlier), heldEarlier])
        .when(amend({ changes: toChicago }, atChicago))
        .then([amended(2, toChicago), ...released([bolts(), nuts()], { details: { ...order, revision: 2, siteId: 'US-IL1' } })]);
      // the context must be the new site's: the old site's readiness holds the order as UNKNOWN_SITE
      const wrongSite = spec.given([received(order, earlier), heldEarlier]).when(amend({ changes: toChicago })).events();
      expect(wrongSite[1]).toMatchObject({ type: 'OrderHeld', data: { siteId: 'US-IL1', reasons: [{ code: 'UNKNOWN_SITE' }] } });
    });

    it('given a released order, when the ERP reassigns it to another site, then the amendment is refused: the warehouse has it', () => {
      const events = spec.given([received(), ...released([bolts(), nuts()])]).when(amend({ changes: { siteId: 'US-IL1' } })).events();
      expect(events).toMatchObject([{ type: 'AmendmentRefused', data: { reason: 'ALREADY_RELEASED', revision: 2 } }]);
    });

    it('ignores an amendment with a revision not newer than the order', () => {
      const history = [received({ ...order, revision: 3 }), heldForBolts];
      spec.given(history).when(amend({ revision: 2, changes: fewerBolts })).thenNothingHappens();
      spec.given(history).when(amend({ revision: 3, changes: fewerBolts })).thenNothingHappens();
    });

    it('ignores a duplicate of an amendment already applied', () => {
      spec
        .given([received(), heldForBolts, amended(2, moreBolts), held(heldForBolts.data.reasons, [bolts(8)])])
        .when(amend({ revision: 2, changes: moreBolts }))
        .thenNothingHappens();
    });

    it('refuses an amendment after release, once per revision', () => {
      const releasedOrder = [received(), ...released([bolts(), nuts()])];
      const refusal: OrderReleaseMessage = {
        type: 'AmendmentRefused',
        data: {
          orderId: order.orderId,
          revision: 2,
          reason: 'ALREADY_RELEASED',
          message: 'order SO-1001 is released to warehouse as SO-1001-R1; cancel and re-place it instead',
          refusedAt: nowIso,
        },
      };
      spec.given(releasedOrder).when(amend({ changes: moreBolts })).then([refusal]);
      spec.given([...releasedOrder, refusal]).when(amend({ changes: moreBolts })).thenNothingHappens();
      expect(spec.given([...releasedOrder, refusal]).when(amend({ revision: 3, changes: moreBolts })).events()).toMatchObject([{ type: 'AmendmentRefused', data: { revision: 3 } }]);
    });

    it('refuses an amendment after a partial release too', () => {
      const partly = spec.given([]).when(place(partialOrder, shortOfBolts)).events();
      expect(spec.given(partly).when(amend({ changes: moreBolts })).events()).toMatchObject([{ type: 'AmendmentRefused', data: { reason: 'ALREADY_RELEASED' } }]);
    });

    it('ignores an amendment to a cancelled order', () => {
      spec
        .given([received(), heldForBolts, { type: 'OrderCancelled', data: { orderId: order.orderId, tenantId: order.tenantId, reason: 'x', stage: 'BEFORE_RELEASE', warehouseOrderIds: [], cancelledAt: nowIso } }])
        .when(amend({ changes: moreBolts }))
        .thenNothingHappens();
    });

    describe('arriving before the order', () => {
      const early: OrderAmendment = { orderId: order.orderId, revision: 2, amendedAt, changes: fewerBolts };
      const deferred: OrderReleaseMessage = { type: 'AmendmentDeferred', data: { amendment: early, deferredAt: nowIso } };

      it('is deferred until the order arrives', () => {
        spec.given([]).when(amend({ changes: fewerBolts })).then([deferred]);
      });

      it('keeps only the newest deferred amendment', () => {
        spec.given([deferred]).when(amend({ revision: 1, changes: moreBolts })).thenNothingHappens();
        spec.given([deferred]).when(amend({ revision: 2, changes: moreBolts })).thenNothingHappens();
        expect(spec.given([deferred]).when(amend({ revision: 3, changes: moreBolts })).events()).toMatchObject([{ type: 'AmendmentDeferred', data: { amendment: { revision: 3 } } }]);
      });

      it('is applied when the order arrives, before the release decision', () => {
        spec
          .given([deferred])
          .when(place(order, shortOfBolts))
          .then([received(), amended(2, fewerBolts), ...released([bolts(3), nuts()], { details: { ...order, revision: 2, lines: fewerBolts.lines } })]);
      });

      it('is dropped when the order arrives at the same or a later revision', () => {
        spec.given([deferred]).when(place({ ...order, revision: 2 })).then([received({ ...order, revision: 2 }), ...released([bolts(), nuts()], { details: { ...order, revision: 2 } })]);
      });
    });
  });

  describe('CancelOrder', () => {
    it('cancels a held order; nothing was sent to the warehouse', () => {
      spec
        .given([received(), heldForBolts])
        .when(cancel)
        .then([{ type: 'OrderCancelled', data: { orderId: order.orderId, tenantId: order.tenantId, reason: 'customer changed mind', stage: 'BEFORE_RELEASE', warehouseOrderIds: [], cancelledAt: nowIso } }]);
    });

    it('cancels a released order and tells the warehouse to stop', () => {
      spec
        .given([received(), ...released([bolts(), nuts()])])
        .when(cancel)
        .then([
          { type: 'OrderCancelled', data: { orderId: order.orderId, tenantId: order.tenantId, reason: 'customer changed mind', stage: 'AFTER_RELEASE', warehouseOrderIds: ['SO-1001-R1'], cancelledAt: nowIso } },
          {
            type: 'CancelWarehouseOrder',
            data: { warehouseOrderId: 'SO-1001-R1', orderId: order.orderId, tenantId: order.tenantId, siteId: order.siteId, reason: 'customer changed mind', requestedAt: nowIso },
          },
        ]);
    });

    it('cancels every warehouse order of a partially released order', () => {
      const partly = spec.given([]).when(place(partialOrder, shortOfBolts)).events();
      const stockedAgain = contextWith({ inventory: { 'BOLT-M8': stock(1) } });
      const twice = [...partly, ...spec.given(partly).when(reevaluate(stockedAgain)).events()];
      expect(spec.given(twice).when(cancel).events()).toMatchObject([
        { type: 'OrderCancelled', data: { stage: 'AFTER_RELEASE', warehouseOrderIds: ['SO-1001-R1', 'SO-1001-R2'] } },
        { type: 'CancelWarehouseOrder', data: { warehouseOrderId: 'SO-1001-R1' } },
        { type: 'CancelWarehouseOrder', data: { warehouseOrderId: 'SO-1001-R2' } },
      ]);
    });

    it('emits nothing for an order already cancelled', () => {
      const cancelled = spec.given([received(), heldForBolts]).when(cancel).events();
      spec.given([received(), heldForBolts, ...cancelled]).when(cancel).thenNothingHappens();
    });

    it('wins over a placement that arrives after it', () => {
      const beforePlacement = spec.given([]).when(cancel).events();
      expect(beforePlacement).toMatchObject([{ type: 'OrderCancelled', data: { stage: 'BEFORE_PLACEMENT', warehouseOrderIds: [] } }]);
      spec.given(beforePlacement).when(place()).thenNothingHappens();
      spec.given(beforePlacement).when(reevaluate()).thenNothingHappens();
    });
  });

  describe('ReevaluateOrder', () => {
    it('releases a held order once what it waited for is there', () => {
      spec.given([received(), heldForBolts]).when(reevaluate()).then([...released([bolts(), nuts()])]);
    });

    it('emits nothing while the order is held for the same reasons', () => {
      spec.given([received(), heldForBolts]).when(reevaluate(contextWith({ inventory: { 'BOLT-M8': stock(4), 'NUT-M8': stock(10) } }))).thenNothingHappens();
    });

    it('records a new hold when the reasons change', () => {
      const closedNow = contextWith({ inventory: { 'BOLT-M8': stock(4), 'NUT-M8': stock(10) }, site: { ...site, status: 'CLOSED' } });
      expect(reasonCodes(spec.given([received(), heldForBolts]).when(reevaluate(closedNow)).events())).toEqual(['INSUFFICIENT_INVENTORY', 'WAREHOUSE_CLOSED']);
    });

    it('releases a credit-held order when the hold is lifted', () => {
      const creditHeld = spec.given([]).when(place(order, contextWith({ credit: { customerId: order.customerId, onHold: true } }))).events();
      spec.given(creditHeld).when(reevaluate()).then([...released([bolts(), nuts()])]);
    });

    it('releases a backorder as a further warehouse order', () => {
      const partly = spec.given([]).when(place(partialOrder, shortOfBolts)).events();
      spec
        .given(partly)
        .when(reevaluate(contextWith({ inventory: { 'BOLT-M8': stock(2) } })))
        .then([...released([bolts(2)], { releaseNumber: 2, details: partialOrder })]);
      const whole = [...partly, ...spec.given(partly).when(reevaluate(contextWith({ inventory: { 'BOLT-M8': stock(2) } }))).events()];
      expect(spec.given(whole).state()).toMatchObject({ status: 'Released', releases: [{ warehouseOrderId: 'SO-1001-R1' }, { warehouseOrderId: 'SO-1001-R2' }] });
      spec.given(whole).when(reevaluate()).thenNothingHappens();
    });

    it('releases part of a backorder and keeps the rest waiting', () => {
      const partly = spec.given([]).when(place({ ...partialOrder, lines: [{ lineNumber: 1, sku: 'BOLT-M8', quantity: 10, unitOfMeasure: 'EA' }] }, shortOfBolts)).events();
      const more = spec.given(partly).when(reevaluate(contextWith({ inventory: { 'BOLT-M8': stock(4) } }))).events();
      expect(more).toMatchObject([
        { type: 'OrderReleased', data: { releaseNumber: 2, lines: [bolts(4)], backordered: [bolts(3)] } },
        { type: 'ReleaseOrderToWarehouse', data: { warehouseOrderId: 'SO-1001-R2', partial: true } },
        { type: 'OrderHeld', data: { backorder: true, heldLines: [bolts(3)] } },
      ]);
      expect(spec.given([...partly, ...more]).state()).toMatchObject({ status: 'PartiallyReleased', backordered: [bolts(3)] });
    });

    it('emits nothing while a backorder is still waiting for the same reason', () => {
      const partly = spec.given([]).when(place(partialOrder, shortOfBolts)).events();
      spec.given(partly).when(reevaluate(contextWith({ inventory: { 'BOLT-M8': stock(0) } }))).thenNothingHappens();
    });

    it('changes nothing on an order that waits for nothing', () => {
      spec.given([]).when(reevaluate()).thenNothingHappens();
      spec.given([received(), ...released([bolts(), nuts()])]).when(reevaluate()).thenNothingHappens();
    });
  });

  describe('evolve', () => {
    it('folds a stream into the state the next decision needs', () => {
      expect(spec.given([received(), heldForBolts]).state()).toEqual({
        status: 'Held',
        order,
        queuedSince: nowIso,
        reasons: heldForBolts.data.reasons,
        heldLines: [bolts(), nuts()],
      });
      expect(foldEvents(orderRelease, [received(), ...released([bolts(), nuts()])])).toMatchObject({
        status: 'Released',
        releases: [{ releaseNumber: 1, warehouseOrderId: 'SO-1001-R1', lines: [bolts(), nuts()] }],
      });
    });

    it('takes the state change from events; the warehouse commands beside them change nothing', () => {
      const history = spec.given([]).when(place(partialOrder, shortOfBolts)).events();
      const eventsOnly = history.filter((m) => !isWarehouseCommand(m));
      expect(eventsOnly.length).toBeLessThan(history.length);
      expect(foldEvents(orderRelease, history)).toEqual(foldEvents(orderRelease, eventsOnly));
    });
  });
});
