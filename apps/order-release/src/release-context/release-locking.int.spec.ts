import { initialState, orderRelease, type OrderDetails } from '@lading/order-release-domain';
import { waitUntil } from '@lading/testing';
import { inventoryLevelChanged, line, meta, orderDetailsFrom, orderPlaced, releaseFactOf, TENANT } from '../order-release.mapper.fixtures';
import { at, inTransaction, order, placements, pool, readModelSchema, siteStatus, stockLevel, types, type ReadModels } from './read-models.test-support';

// Two deciders on two connections, as two order-release instances: row locks taken in one
// common order make them wait for each other — never over-allocate, never deadlock.

let schema: string;
let drop: () => Promise<void>;
let readModels: ReadModels;
let given: ReturnType<typeof placements>['given'];
let placeInTransaction: ReturnType<typeof placements>['placeInTransaction'];
let loadFor: ReturnType<typeof placements>['loadFor'];
let decidePlacement: ReturnType<typeof placements>['decidePlacement'];

beforeEach(async () => {
  ({ schema, drop, readModels } = await readModelSchema());
  ({ given, placeInTransaction, loadFor, decidePlacement } = placements(readModels));
});

afterEach(async () => {
  await drop();
});

afterAll(async () => {
  await pool.end();
});

async function reservations(): Promise<{ warehouse_order_id: string; sku: string; quantity: string; handed_over_at: Date | null }[]> {
  return (await pool.query(`select warehouse_order_id, sku, quantity::text, handed_over_at from "${schema}".reservations order by warehouse_order_id, sku`)).rows;
}

describe('order-release read models on PostgreSQL: locking across instances', () => {
  describe('no over-allocation across instances', () => {
    /** 5 BOLT-M8 left, and the site's capacity row for the day already committed (not the day's first release). */
    async function givenEarlierReleaseToday(): Promise<void> {
      await given(siteStatus(), stockLevel(25, 20, '2026-01-15T14:00:00Z'), stockLevel(10, 0, '2026-01-15T14:00:00Z', 'NUT-M8'));
      expect(types(await placeInTransaction(orderDetailsFrom(orderPlaced({ orderId: 'SO-EARLIER', lines: [line(1, 'NUT-M8', 1)] }))))).toContain('OrderReleased');
    }

    it('given 5 units left, when two transactions on two connections each release an order for 5 at once, then exactly one reserves and the other is held seeing 0', async () => {
      await givenEarlierReleaseToday();

      const outcomes = await Promise.all([placeInTransaction(order('SO-A', 5)), placeInTransaction(order('SO-B', 5))]);

      const released = outcomes.filter((m) => types(m).includes('OrderReleased'));
      const held = outcomes.flatMap((m) => m.filter((x) => x.type === 'OrderHeld'));
      expect(released).toHaveLength(1);
      expect(held).toHaveLength(1);
      expect(held[0].type === 'OrderHeld' && held[0].data.reasons).toEqual([
        expect.objectContaining({ code: 'INSUFFICIENT_INVENTORY', shortages: [{ sku: 'BOLT-M8', requested: 5, available: 0, unitOfMeasure: 'EA' }] }),
      ]);
      expect((await reservations()).filter((r) => r.sku === 'BOLT-M8').map((r) => Number(r.quantity))).toEqual([5]);
    });

    /**
     * Two deciders on two connections, forced to overlap: the first loads its context (taking
     * its locks), the second starts loading and must be seen waiting on a lock before the first
     * decides, records and commits; then the second decides on what it loaded.
     */
    async function interleaved(firstOrder: OrderDetails, secondOrder: OrderDetails) {
      const first = await pool.connect();
      const second = await pool.connect();
      try {
        const secondPid = (await second.query('select pg_backend_pid() as pid')).rows[0].pid as number;
        await first.query('begin');
        const firstContext = await loadFor(first, firstOrder);

        await second.query('begin');
        const secondLoad = loadFor(second, secondOrder);
        await waitUntil('the second transaction to wait for a row lock the first holds', async () => {
          const { rows } = await pool.query(`select wait_event_type from pg_stat_activity where pid = $1`, [secondPid]);
          return rows[0]?.wait_event_type === 'Lock';
        });
        const firstMessages = decidePlacement(firstOrder, firstContext);
        await readModels.recordReleaseDecision(first, firstMessages);
        await first.query('commit');

        const secondContext = await secondLoad;
        const secondMessages = decidePlacement(secondOrder, secondContext);
        await readModels.recordReleaseDecision(second, secondMessages);
        await second.query('commit');
        return { firstContext, firstMessages, secondContext, secondMessages };
      } finally {
        await first.query('rollback').catch(() => undefined);
        await second.query('rollback').catch(() => undefined);
        first.release();
        second.release();
      }
    }

    it('given one transaction holding the stock row, then the second waits on the lock and, after the first commits, loads 0 available and is held', async () => {
      await givenEarlierReleaseToday();

      const { firstContext, firstMessages, secondContext, secondMessages } = await interleaved(order('SO-A', 5), order('SO-B', 5));

      expect(firstContext.inventory['BOLT-M8'].available).toBe(5);
      expect(types(firstMessages)).toContain('OrderReleased');
      expect(secondContext.inventory['BOLT-M8'].available).toBe(0);
      expect(types(secondMessages)).toEqual(['OrderReceived', 'OrderHeld']);
      expect((await reservations()).map((r) => r.warehouse_order_id)).toEqual(['SO-A-R1', 'SO-EARLIER-R1']);
    });

    it('given a decision reading the site as CLOSED, when the WMS opens the site meanwhile, then the status change waits for the decision and its re-evaluation finds the hold', async () => {
      await given(siteStatus({ status: 'CLOSED', meta: meta({ occurredAt: at('2026-01-15T14:00:00Z') }, 'WMS') }), stockLevel(25, 0, '2026-01-15T14:00:00Z'));
      const deciding = await pool.connect();
      const opening = await pool.connect();
      try {
        const openingPid = (await opening.query('select pg_backend_pid() as pid')).rows[0].pid as number;
        await deciding.query('begin');
        const placed = order('SO-A', 1);
        const messages = decidePlacement(placed, await loadFor(deciding, placed));
        expect(messages.flatMap((m) => (m.type === 'OrderHeld' ? m.data.reasons.map((r) => r.code) : []))).toEqual(['WAREHOUSE_CLOSED']);

        await opening.query('begin');
        const opened = readModels.applyReleaseFact(opening, siteStatus({ status: 'OPEN', meta: meta({ occurredAt: at('2026-01-15T14:30:00Z') }, 'WMS') }));
        await waitUntil('the status change to wait for the deciding transaction', async () => {
          const { rows } = await pool.query(`select wait_event_type from pg_stat_activity where pid = $1`, [openingPid]);
          return rows[0]?.wait_event_type === 'Lock';
        });
        await readModels.recordReleaseDecision(deciding, messages);
        await deciding.query('commit');

        expect(await opened).toBe(true);
        const woken = await readModels.heldOrdersFor(opening, { kind: 'SITE_STATUS_CHANGED', siteId: placed.siteId });
        await opening.query('commit');
        expect(woken.map((h) => h.orderId)).toEqual(['SO-A']);
      } finally {
        await deciding.query('rollback').catch(() => undefined);
        await opening.query('rollback').catch(() => undefined);
        deciding.release();
        opening.release();
      }
    });

    it('given a decision holding the stock rows, when the WMS confirms the cancel of a release meanwhile, then freeing waits for the decision, and the held orders to wake include its hold', async () => {
      await given(siteStatus(), stockLevel(4, 0, '2026-01-15T14:00:00Z'));
      expect(types(await placeInTransaction(order('SO-GONE', 4)))).toContain('OrderReleased');
      const deciding = await pool.connect();
      const freeing = await pool.connect();
      try {
        const freeingPid = (await freeing.query('select pg_backend_pid() as pid')).rows[0].pid as number;
        await deciding.query('begin');
        const placed = order('SO-WAITING', 2);
        const messages = decidePlacement(placed, await loadFor(deciding, placed));
        expect(messages.flatMap((m) => (m.type === 'OrderHeld' ? m.data.reasons.map((r) => r.code) : []))).toEqual(['INSUFFICIENT_INVENTORY']);

        await freeing.query('begin');
        const freed = readModels.freeCancelledWarehouseOrder(freeing, { orderId: 'SO-GONE', warehouseOrderId: 'SO-GONE-R1' });
        await waitUntil('freeing to wait for the deciding transaction', async () => {
          const { rows } = await pool.query(`select wait_event_type from pg_stat_activity where pid = $1`, [freeingPid]);
          return rows[0]?.wait_event_type === 'Lock';
        });
        await readModels.recordReleaseDecision(deciding, messages);
        await deciding.query('commit');

        expect(await freed).toEqual([{ tenantId: TENANT, siteId: 'US-NJ1', sku: 'BOLT-M8' }]);
        const woken = await readModels.heldOrdersFor(freeing, { kind: 'INVENTORY_CHANGED', tenantId: TENANT, siteId: 'US-NJ1', sku: 'BOLT-M8' });
        await freeing.query('commit');
        expect(woken.map((h) => h.orderId)).toEqual(['SO-WAITING']);
      } finally {
        await deciding.query('rollback').catch(() => undefined);
        await freeing.query('rollback').catch(() => undefined);
        deciding.release();
        freeing.release();
      }
    });

    it('given one transaction holding the last capacity slot, then a decision for another SKU waits and, after the first commits, is held for capacity', async () => {
      await givenEarlierReleaseToday();
      await given(siteStatus({ dailyOrderCapacity: 2, meta: meta({ occurredAt: at('2026-01-15T14:59:59.500Z') }, 'WMS') }));

      const { firstMessages, secondContext, secondMessages } = await interleaved(order('SO-A', 1), orderDetailsFrom(orderPlaced({ orderId: 'SO-B', lines: [line(1, 'NUT-M8', 1)] })));

      expect(types(firstMessages)).toContain('OrderReleased');
      expect(secondContext.site?.releasedOrders).toEqual({ operatingDay: '2026-01-15', count: 2 });
      expect(secondMessages.flatMap((m) => (m.type === 'OrderHeld' ? m.data.reasons.map((r) => r.code) : []))).toEqual(['NO_CAPACITY']);
    });

    it('given one slot of capacity left at the site (one release already counted), when two orders for different SKUs are released at once, then one takes the last slot and the other is held for capacity', async () => {
      await givenEarlierReleaseToday();
      await given(siteStatus({ dailyOrderCapacity: 2, meta: meta({ occurredAt: at('2026-01-15T14:59:59.500Z') }, 'WMS') }));

      const outcomes = await Promise.all([
        placeInTransaction(order('SO-A', 1)),
        placeInTransaction(orderDetailsFrom(orderPlaced({ orderId: 'SO-B', lines: [line(1, 'NUT-M8', 1)] }))),
      ]);

      const reasons = outcomes.flatMap((m) => m.flatMap((x) => (x.type === 'OrderHeld' ? x.data.reasons.map((r) => r.code) : [])));
      expect(outcomes.filter((m) => types(m).includes('OrderReleased'))).toHaveLength(1);
      expect(reasons).toEqual(['NO_CAPACITY']);
      const { rows } = await pool.query(`select operating_day::text, released_orders from "${schema}".site_day_releases`);
      expect(rows).toEqual([{ operating_day: '2026-01-15', released_orders: 2 }]);
    });
  });

  describe('a night-shift site (window 14:00–02:00 local, crossing midnight)', () => {
    it('given its status stored, when an order is released at 01:30 local, then the window reads back whole and the release counts against the day it opened', async () => {
      const nightShift = siteStatus({ siteId: 'US-IL1', timeZone: 'America/Chicago', releaseWindowOpensAt: 14 * 3_600_000, cutOffLocalTime: 2 * 3_600_000 });
      const stock = releaseFactOf({
        recordType: 'lading.wms.InventoryLevelChanged',
        value: inventoryLevelChanged({ siteId: 'US-IL1', onHand: { value: 10, unit: 'EACH' }, allocated: { value: 0, unit: 'EACH' }, meta: meta({ occurredAt: at('2026-01-15T14:00:00Z') }, 'WMS') }),
      });
      await given(nightShift, stock);
      const placed = order('SO-NIGHT', 1, { siteId: 'US-IL1' });
      // 07:30Z on the 16th is 01:30 CST on the 16th, inside the window that opened at 14:00 on the 15th.
      const now = new Date('2026-01-16T07:30:00.000Z');

      const messages = await inTransaction(async (c) => {
        const context = await readModels.loadReleaseContext(c, { orderId: placed.orderId, tenantId: placed.tenantId, customerId: placed.customerId, siteId: 'US-IL1', skus: ['BOLT-M8'] }, now);
        expect(context.site).toMatchObject({ releaseWindow: { opensAt: '14:00', cutOff: '02:00' }, releasedOrders: { operatingDay: '2026-01-15', count: 0 } });
        const decided = orderRelease.decide({ type: 'PlaceOrder', data: { order: placed, context } }, initialState(), { now });
        await readModels.recordReleaseDecision(c, decided);
        return decided;
      });

      expect(types(messages)).toContain('OrderReleased');
      const { rows } = await pool.query(`select site_id, operating_day::text, released_orders from "${schema}".site_day_releases`);
      expect(rows).toEqual([{ site_id: 'US-IL1', operating_day: '2026-01-15', released_orders: 1 }]);
    });
  });

});
