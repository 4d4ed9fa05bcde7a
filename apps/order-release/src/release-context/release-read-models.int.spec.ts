import { DataSource } from 'typeorm';
import { initialState, orderRelease, type ReleaseFact } from '@lading/order-release-domain';
import { createTestSchema, testDatabaseUrl } from '@lading/testing';
import { creditHoldPlaced, creditHoldReleased, meta, NOW, releaseFactOf, TENANT } from '../order-release.mapper.fixtures';
import { at, inTransaction, migrate, order, placements, pool, readModelSchema, siteStatus, stockLevel, types, type ReadModels } from './read-models.test-support';
import { orderReleaseMigrations } from './schema';

// Real PostgreSQL, one schema per test: sequencing, reservations and the WMS as system of
// record, the held queue. (Locking across instances: release-locking.int.spec.ts.)

const credit = (kind: 'placed' | 'released', overrides: Parameters<typeof creditHoldPlaced>[0] = {}): ReleaseFact =>
  kind === 'placed'
    ? releaseFactOf({ recordType: 'lading.erp.CreditHoldPlaced', value: creditHoldPlaced(overrides) })
    : releaseFactOf({ recordType: 'lading.erp.CreditHoldReleased', value: creditHoldReleased(overrides) });

let schema: string;
let drop: () => Promise<void>;
let readModels: ReadModels;
let given: ReturnType<typeof placements>['given'];
let placeInTransaction: ReturnType<typeof placements>['placeInTransaction'];
let loadFor: ReturnType<typeof placements>['loadFor'];
let available: ReturnType<typeof placements>['available'];

beforeEach(async () => {
  ({ schema, drop, readModels } = await readModelSchema());
  ({ given, placeInTransaction, loadFor, available } = placements(readModels));
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

describe('order-release read models on PostgreSQL', () => {
  describe('migration', () => {
    it('given a migrated schema, when migrated again, then nothing runs and every read-model table is there', async () => {
      const again = await migrate(schema);

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

        expect(ran.map((m) => m.name)).toEqual(['OrderReleaseReadModels1764400000000', 'TenantKeyedReadModels1764700000000']);
        expect(await migrate(typeormSchema.schema)).toEqual([]);
        expect(await ofOurRunner.showMigrations()).toBe(false);
      } finally {
        await byTypeorm.destroy().catch(() => undefined);
        await ofOurRunner.destroy().catch(() => undefined);
        await typeormSchema.drop();
      }
    });

    it('given an invalid schema name, when migrating, then it is refused before any SQL', async () => {
      await expect(migrate('x"; drop table y; --')).rejects.toThrow(/invalid schema/);
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
      await given(siteStatus(), credit('released', { meta: meta({ occurredAt: at('2026-01-15T12:00:00Z') }) }));
      await given(credit('placed', { meta: meta({ occurredAt: at('2026-01-15T11:00:00Z') }) }));

      const context = await inTransaction((c) => loadFor(c, order('SO-1', 1)));

      expect(context.credit).toEqual({ customerId: 'CUST-42', onHold: false });
    });

    it('given a hold on one order and a customer-wide hold placed later, then the hold on the order holds only it, the customer-wide one every order', async () => {
      await given(siteStatus(), credit('placed', { holdId: 'H-ORDER', orderId: 'SO-1' }));

      const before = await inTransaction(async (c) => [(await loadFor(c, order('SO-1', 1))).credit.onHold, (await loadFor(c, order('SO-2', 1))).credit.onHold]);
      await given(credit('placed', { holdId: 'H-ALL', orderId: null }));
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
      const cancel = orderRelease.decide({ type: 'CancelOrder', data: { orderId: 'SO-1', tenantId: TENANT, reason: 'customer changed mind', cancelledAt: NOW.toISOString() } }, history.reduce(orderRelease.evolve, initialState()), { now: NOW });

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
      await given(siteStatus(), stockLevel(10, 0, '2026-01-15T14:00:00Z'), credit('placed'));
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
