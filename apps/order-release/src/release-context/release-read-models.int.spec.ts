import { Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import {
  initialState,
  orderRelease,
  type OrderDetails,
  type OrderReleaseMessage,
  type ReleaseContext,
} from '@lading/order-release-domain';
import { createTestSchema, testDatabaseUrl, waitUntil } from '@lading/testing';
import {
  creditHoldPlacedFrom,
  creditHoldReleasedFrom,
  orderDetailsFrom,
  siteStatusFrom,
  stockLevelFrom,
  type ReleaseFact,
} from '../order-release.mapper';
import { creditHoldPlaced, creditHoldReleased, inventoryLevelChanged, line, meta, NOW, orderPlaced, TENANT, warehouseStatusChanged } from '../order-release.mapper.fixtures';
import { migrateOrderRelease, orderReleaseMigrations } from './migrate';
import { createReleaseReadModels, type ReleaseReadModels } from './release-read-models';
import type { Queryable } from './schema';

// Real PostgreSQL, one schema per test. The decider runs between loading the context and
// recording its decision, as the app does inside one transaction.

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 6 });
let schema: string;
let drop: () => Promise<void>;
let readModels: ReleaseReadModels;

beforeEach(async () => {
  ({ schema, drop } = await createTestSchema('order_release'));
  await migrateOrderRelease(pool, schema);
  readModels = createReleaseReadModels({ schema });
});

afterEach(async () => {
  await drop();
});

afterAll(async () => {
  await pool.end();
});

const at = (iso: string) => Date.parse(iso);

function stockLevel(onHand: number, allocated: number, occurredAt: string, sku = 'BOLT-M8'): ReleaseFact {
  return {
    kind: 'StockLevel',
    ...stockLevelFrom(
      inventoryLevelChanged({ sku, onHand: { value: onHand, unit: 'EACH' }, allocated: { value: allocated, unit: 'EACH' }, meta: meta({ occurredAt: at(occurredAt) }, 'WMS') }),
    ),
  };
}

function siteStatus(overrides: Parameters<typeof warehouseStatusChanged>[0] = {}): ReleaseFact {
  return { kind: 'SiteStatus', ...siteStatusFrom(warehouseStatusChanged(overrides)) };
}

function order(orderId: string, quantity: number, overrides: Parameters<typeof orderPlaced>[0] = {}): OrderDetails {
  return orderDetailsFrom(orderPlaced({ orderId, lines: [line(1, 'BOLT-M8', quantity)], ...overrides }));
}

async function inTransaction<T>(work: (client: PoolClient) => Promise<T>, client?: PoolClient): Promise<T> {
  const c = client ?? (await pool.connect());
  try {
    await c.query('begin');
    const result = await work(c);
    await c.query('commit');
    return result;
  } catch (error) {
    await c.query('rollback');
    throw error;
  } finally {
    if (!client) c.release();
  }
}

function loadFor(q: Queryable, placed: OrderDetails, queuedSince?: string): Promise<ReleaseContext> {
  const { orderId, tenantId, customerId, siteId } = placed;
  return readModels.loadReleaseContext(q, { orderId, tenantId, customerId, siteId, skus: placed.lines.map((l) => l.sku), ...(queuedSince ? { queuedSince } : {}) }, NOW);
}

function decidePlacement(placed: OrderDetails, context: ReleaseContext): OrderReleaseMessage[] {
  return orderRelease.decide({ type: 'PlaceOrder', data: { order: placed, context } }, initialState(), { now: NOW });
}

/** One placement as the app handles it: load (locks), decide, record, commit. */
async function placeInTransaction(placed: OrderDetails, client?: PoolClient): Promise<OrderReleaseMessage[]> {
  return inTransaction(async (c) => {
    const messages = decidePlacement(placed, await loadFor(c, placed));
    await readModels.recordReleaseDecision(c, messages);
    return messages;
  }, client);
}

async function given(...facts: ReleaseFact[]): Promise<void> {
  await inTransaction(async (c) => {
    for (const fact of facts) await readModels.applyReleaseFact(c, fact);
  });
}

async function available(placed: OrderDetails = order('SO-PROBE', 1)): Promise<number> {
  return inTransaction(async (c) => (await loadFor(c, placed)).inventory['BOLT-M8'].available);
}

async function reservations(): Promise<{ warehouse_order_id: string; sku: string; quantity: string; handed_over_at: Date | null }[]> {
  return (await pool.query(`select warehouse_order_id, sku, quantity::text, handed_over_at from "${schema}".reservations order by warehouse_order_id, sku`)).rows;
}

const types = (messages: OrderReleaseMessage[]) => messages.map((m) => m.type);

describe('order-release read models on PostgreSQL', () => {
  describe('migration', () => {
    it('given a migrated schema, when migrated again, then nothing runs and every read-model table is there', async () => {
      const again = await migrateOrderRelease(pool, schema);

      const tables = (await pool.query(`select table_name from information_schema.tables where table_schema = $1 order by table_name`, [schema])).rows.map((r) => r.table_name);
      expect(again).toEqual([]);
      expect(tables).toEqual(['credit_holds', 'held_orders', 'order_release_migrations', 'reservations', 'site_day_releases', 'site_readiness', 'stock_levels']);
    });

    it('given the migration run by TypeORM itself, then our runner finds nothing to do, and TypeORM sees our runner\'s history as complete', async () => {
      const typeormSchema = await createTestSchema('order_release_typeorm');
      const dataSource = (target: string) =>
        new DataSource({
          type: 'postgres',
          url: testDatabaseUrl(),
          schema: target,
          migrationsTableName: 'order_release_migrations',
          migrations: orderReleaseMigrations(target),
          logging: false,
        });
      const byTypeorm = dataSource(typeormSchema.schema);
      const ofOurRunner = dataSource(schema);
      try {
        await byTypeorm.initialize();
        await ofOurRunner.initialize();
        const ran = await byTypeorm.runMigrations({ transaction: 'all' });

        expect(ran.map((m) => m.name)).toEqual(['OrderReleaseReadModels1764400000000']);
        expect(await migrateOrderRelease(pool, typeormSchema.schema)).toEqual([]);
        expect(await ofOurRunner.showMigrations()).toBe(false);
      } finally {
        await byTypeorm.destroy().catch(() => undefined);
        await ofOurRunner.destroy().catch(() => undefined);
        await typeormSchema.drop();
      }
    });

    it('given an invalid schema name, when migrating, then it is refused before any SQL', async () => {
      await expect(migrateOrderRelease(pool, 'x"; drop table y; --')).rejects.toThrow(/invalid schema name/);
    });
  });

  describe('sequencing by occurredAt', () => {
    it('given a stock level, when an older level arrives, then it is ignored and the newer one stays', async () => {
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'));

      const applied = await inTransaction((c) => readModels.applyReleaseFact(c, stockLevel(50, 0, '2026-01-15T13:00:00Z')));

      expect(applied).toBe(false);
      expect(await available()).toBe(10);
    });

    it('given a stock level, when the same level is redelivered, then nothing changes; when a newer one arrives, it wins', async () => {
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'));

      const redelivered = await inTransaction((c) => readModels.applyReleaseFact(c, stockLevel(10, 0, '2026-01-15T14:00:00Z')));
      const newer = await inTransaction((c) => readModels.applyReleaseFact(c, stockLevel(30, 4, '2026-01-15T14:30:00Z')));

      expect([redelivered, newer]).toEqual([false, true]);
      expect(await available()).toBe(26);
    });

    it('given a credit hold released, when its older placement arrives late, then the customer is not on hold', async () => {
      await given(siteStatus(), creditHoldReleasedFrom(creditHoldReleased({ meta: meta({ occurredAt: at('2026-01-15T12:00:00Z') }) })));
      await given(creditHoldPlacedFrom(creditHoldPlaced({ meta: meta({ occurredAt: at('2026-01-15T11:00:00Z') }) })));

      const context = await inTransaction((c) => loadFor(c, order('SO-1', 1)));

      expect(context.credit).toEqual({ customerId: 'CUST-42', onHold: false });
    });

    it('given a hold on one order and a customer-wide hold placed later, then the hold on the order holds only it, the customer-wide one every order', async () => {
      await given(siteStatus(), creditHoldPlacedFrom(creditHoldPlaced({ holdId: 'H-ORDER', orderId: 'SO-1' })));

      const before = await inTransaction(async (c) => [(await loadFor(c, order('SO-1', 1))).credit.onHold, (await loadFor(c, order('SO-2', 1))).credit.onHold]);
      await given(creditHoldPlacedFrom(creditHoldPlaced({ holdId: 'H-ALL', orderId: null })));
      const after = await inTransaction(async (c) => (await loadFor(c, order('SO-2', 1))).credit.onHold);

      expect(before).toEqual([true, false]);
      expect(after).toBe(true);
    });
  });

  describe('reservations and the WMS as system of record', () => {
    it('given a release not yet accepted, then it is subtracted; accepted after the level, still subtracted; once a level as of the acceptance reflects it, counted once and reconciled away', async () => {
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'));
      const messages = await placeInTransaction(order('SO-1', 4));
      expect(types(messages)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
      const afterRelease = await available();

      const handedOver = await inTransaction((c) => readModels.markHandedOver(c, { orderId: 'SO-1', warehouseOrderId: 'SO-1-R1' }, '2026-01-15T15:01:00Z'));
      const afterAcceptance = await available();
      // a level the WMS computed before it accepted does not include the allocation yet
      await given(stockLevel(10, 0, '2026-01-15T15:00:30Z'));
      const levelBeforeAcceptance = await available();
      await given(stockLevel(10, 4, '2026-01-15T15:02:00Z'));
      const levelAfterAcceptance = await available();

      expect([afterRelease, handedOver, afterAcceptance, levelBeforeAcceptance, levelAfterAcceptance]).toEqual([6, 1, 6, 6, 6]);
      expect(await reservations()).toEqual([]);
    });

    it('given a WMS that does not echo our warehouse order id, when it accepts, then the order\'s reservations not yet handed over are', async () => {
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'));
      await placeInTransaction(order('SO-1', 4));

      const handedOver = await inTransaction((c) => readModels.markHandedOver(c, { orderId: 'SO-1', warehouseOrderId: 'WMS-889' }, new Date('2026-01-15T15:01:00Z')));
      const redelivered = await inTransaction((c) => readModels.markHandedOver(c, { orderId: 'SO-1', warehouseOrderId: null }, '2026-01-15T15:09:00Z'));

      expect([handedOver, redelivered]).toEqual([1, 0]);
      expect((await reservations())[0].handed_over_at).toEqual(new Date('2026-01-15T15:01:00Z'));
    });

    it('given a released order, when cancelled, then its stock stays reserved (the warehouse may have picked it) until the WMS confirms the cancel; capacity keeps the count', async () => {
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'));
      const history = await placeInTransaction(order('SO-1', 4));
      const cancel = orderRelease.decide({ type: 'CancelOrder', data: { orderId: 'SO-1', reason: 'customer changed mind', cancelledAt: NOW.toISOString() } }, history.reduce(orderRelease.evolve, initialState()), { now: NOW });

      await inTransaction((c) => readModels.recordReleaseDecision(c, cancel));

      expect(types(cancel)).toEqual(['OrderCancelled', 'CancelWarehouseOrder']);
      expect((await reservations()).map((r) => r.warehouse_order_id)).toEqual(['SO-1-R1']);
      expect(await available()).toBe(6);

      // the WMS cancelled it before picking: the stock is free again, and the caller learns which
      const freed = await inTransaction((c) => readModels.freeCancelledWarehouseOrder(c, { orderId: 'SO-1', warehouseOrderId: 'SO-1-R1' }));
      expect(freed).toEqual([{ tenantId: TENANT, siteId: 'US-NJ1', sku: 'BOLT-M8' }]);
      expect(await reservations()).toEqual([]);
      expect(await available()).toBe(10);
      // the warehouse already spent effort on it today: the slot is not given back
      expect((await pool.query(`select released_orders from "${schema}".site_day_releases`)).rows).toEqual([{ released_orders: 1 }]);
    });

    it('given ALLOW_PARTIAL short of stock, when decided, then what is there is reserved under R1 and the rest waits in the held queue as a backorder', async () => {
      await given(siteStatus(), stockLevel(3, 0, '2026-01-15T14:00:00Z'));

      await placeInTransaction(order('SO-1', 5, { fulfilmentPolicy: 'ALLOW_PARTIAL' }));
      const queue = await inTransaction((c) => readModels.heldOrdersFor(c, { kind: 'INVENTORY_CHANGED', tenantId: TENANT, siteId: 'US-NJ1', sku: 'BOLT-M8' }));

      expect(await reservations()).toEqual([{ warehouse_order_id: 'SO-1-R1', sku: 'BOLT-M8', quantity: '3', handed_over_at: null }]);
      expect(queue).toEqual([expect.objectContaining({ orderId: 'SO-1', backorder: true, waitingFor: [{ sku: 'BOLT-M8', quantity: 2 }], reasons: ['INSUFFICIENT_INVENTORY'] })]);
    });
  });

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
      const stock: ReleaseFact = {
        kind: 'StockLevel',
        ...stockLevelFrom(inventoryLevelChanged({ siteId: 'US-IL1', onHand: { value: 10, unit: 'EACH' }, allocated: { value: 0, unit: 'EACH' }, meta: meta({ occurredAt: at('2026-01-15T14:00:00Z') }, 'WMS') })),
      };
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

  describe('the held queue', () => {
    it('given orders held out of arrival order, when stock arrives, then they come back oldest first and a younger order sees what the older ones wait for', async () => {
      await given(siteStatus(), stockLevel(0, 0, '2026-01-15T14:00:00Z'));
      const queued = [
        ['SO-MID', '2026-01-15T12:00:00.000Z', 4],
        ['SO-OLD', '2026-01-15T09:00:00.000Z', 3],
        ['SO-NEW', '2026-01-15T14:30:00.000Z', 2],
      ] as const;
      for (const [orderId, queuedSince, quantity] of queued) {
        const held = orderRelease.decide({ type: 'PlaceOrder', data: { order: order(orderId, quantity), context: await inTransaction((c) => loadFor(c, order(orderId, quantity))) } }, initialState(), {
          now: new Date(queuedSince),
        });
        await inTransaction((c) => readModels.recordReleaseDecision(c, held));
      }
      await given(stockLevel(5, 0, '2026-01-15T14:45:00Z'));

      const queue = await inTransaction((c) => readModels.heldOrdersFor(c, { kind: 'INVENTORY_CHANGED', tenantId: TENANT, siteId: 'US-NJ1', sku: 'BOLT-M8' }));
      const forNewest = await inTransaction((c) => loadFor(c, order('SO-NEW', 2), '2026-01-15T14:30:00.000Z'));

      expect(queue.map((h) => h.orderId)).toEqual(['SO-OLD', 'SO-MID', 'SO-NEW']);
      expect(forNewest.inventory['BOLT-M8']).toEqual({ available: 5, awaitedByOlderOrders: 7, unitOfMeasure: 'EA' });
    });

    it('given held orders of two customers and sites, when a credit hold or a site changes, then only the orders it concerns come back', async () => {
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'), creditHoldPlacedFrom(creditHoldPlaced()));
      await placeInTransaction(order('SO-CREDIT', 1));
      await given(siteStatus({ siteId: 'US-NJ2', status: 'CLOSED' }));
      await placeInTransaction(order('SO-OTHER', 1, { customerId: 'CUST-7', siteId: 'US-NJ2' }));

      const onCredit = await inTransaction((c) => readModels.heldOrdersFor(c, { kind: 'CREDIT_CHANGED', tenantId: TENANT, customerId: 'CUST-42', onHold: false }));
      const onSite = await inTransaction((c) => readModels.heldOrdersFor(c, { kind: 'SITE_STATUS_CHANGED', siteId: 'US-NJ2' }));

      expect(onCredit.map((h) => [h.orderId, h.reasons])).toEqual([['SO-CREDIT', ['CREDIT_HOLD']]]);
      expect(onSite.map((h) => [h.orderId, h.reasons])).toEqual([['SO-OTHER', ['INSUFFICIENT_INVENTORY', 'WAREHOUSE_CLOSED']]]);
    });
  });
});
