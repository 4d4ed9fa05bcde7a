import { Pool, type PoolClient } from 'pg';
import { runMigrations } from '@lading/event-store';
import {
  createReleaseLedger,
  initialState,
  orderRelease,
  releaseScopeBuilder,
  type OrderDetails,
  type OrderReleaseMessage,
  type ReleaseContext,
  type ReleaseContextRequest,
  type ReleaseFact,
  type ReleaseTrigger,
  type WarehouseProgressFact,
} from '@lading/order-release-domain';
import { createTestSchema, testDatabaseUrl } from '@lading/testing';
import { inventoryLevelChanged, line, meta, NOW, orderDetailsFrom, orderPlaced, releaseFactOf, siteStatusFrom, TENANT, warehouseStatusChanged } from '../order-release.mapper.fixtures';
import { applyCreditFacts, applySiteStatuses, applyStockLevels } from './facts.sql';
import { recordReleaseDecisions } from './decisions.sql';
import { heldOrdersFor } from './held-orders.sql';
import { orderReleaseMigrations, releaseTablesOf, type Queryable } from './schema';
import { lockReleaseSnapshot } from './snapshot.sql';
import { freeCancelledWarehouseOrder, markHandedOver } from './warehouse.sql';

// The read models one call at a time, as the read-model specs drive them: real PostgreSQL, one
// schema per test; the decider runs between loading the context and recording the decision, as
// the workflow does inside one transaction. For the *.int.spec.ts files only.

export const pool = new Pool({ connectionString: testDatabaseUrl(), max: 6 });
export const at = (iso: string) => Date.parse(iso);

export async function readModelSchema() {
  const { schema, drop } = await createTestSchema('order_release');
  await migrate(schema);
  return { schema, drop, readModels: readModelsIn(schema) };
}

export const migrate = async (schema: string) => runMigrations(pool, { schema, table: 'order_release_migrations', migrations: orderReleaseMigrations(schema) });

/** The read-model SQL of one schema, one fact or decision at a time. */
export function readModelsIn(schema: string) {
  const t = releaseTablesOf(schema);
  return {
    async applyReleaseFact(q: Queryable, fact: ReleaseFact): Promise<boolean> {
      if (fact.kind === 'StockLevel') return (await applyStockLevels(t, q, [fact])).length > 0;
      if (fact.kind === 'SiteStatus') return (await applySiteStatuses(t, q, [fact])).length > 0;
      return (await applyCreditFacts(t, q, [fact])).length > 0;
    },
    async loadReleaseContext(q: Queryable, needed: ReleaseContextRequest, now: Date): Promise<ReleaseContext> {
      const snapshot = await lockReleaseSnapshot(t, q, releaseScopeBuilder().add(needed).scope(), now);
      return createReleaseLedger({ ...snapshot, serves: () => true }).contextFor(needed, now);
    },
    recordReleaseDecision: (q: Queryable, messages: readonly OrderReleaseMessage[]) => recordReleaseDecisions(t, q, messages),
    markHandedOver: (q: Queryable, ref: { orderId: string; warehouseOrderId: string | null }, occurredAt: string | Date) =>
      markHandedOver(t, q, progress('WarehouseOrderAccepted', ref, occurredAt)),
    freeCancelledWarehouseOrder: (q: Queryable, ref: { orderId: string; warehouseOrderId: string | null }) => freeCancelledWarehouseOrder(t, q, progress('WarehouseOrderCancelled', ref, NOW)),
    heldOrdersFor: (q: Queryable, trigger: ReleaseTrigger) => heldOrdersFor(t, q, trigger),
  };
}

function progress(kind: WarehouseProgressFact['kind'], ref: { orderId: string; warehouseOrderId: string | null }, occurredAt: string | Date): WarehouseProgressFact {
  return { kind, tenantId: TENANT, orderId: ref.orderId, siteId: 'US-NJ1', warehouseOrderId: ref.warehouseOrderId, occurredAt: new Date(occurredAt).toISOString() };
}

export type ReadModels = ReturnType<typeof readModelsIn>;

export function stockLevel(onHand: number, allocated: number, occurredAt: string, sku = 'BOLT-M8'): ReleaseFact {
  const value = inventoryLevelChanged({ sku, onHand: { value: onHand, unit: 'EACH' }, allocated: { value: allocated, unit: 'EACH' }, meta: meta({ occurredAt: at(occurredAt) }, 'WMS') });
  return releaseFactOf({ recordType: 'lading.wms.InventoryLevelChanged', value });
}

export function siteStatus(overrides: Parameters<typeof warehouseStatusChanged>[0] = {}): ReleaseFact {
  return siteStatusFrom(warehouseStatusChanged(overrides)) as ReleaseFact;
}

export function order(orderId: string, quantity: number, overrides: Parameters<typeof orderPlaced>[0] = {}): OrderDetails {
  return orderDetailsFrom(orderPlaced({ orderId, lines: [line(1, 'BOLT-M8', quantity)], ...overrides }));
}

export async function inTransaction<T>(work: (client: PoolClient) => Promise<T>, client?: PoolClient): Promise<T> {
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

/** The app's way through one placement, given the read models of a schema. */
export function placements(readModels: ReadModels) {
  const loadFor = (q: Queryable, placed: OrderDetails, queuedSince?: string): Promise<ReleaseContext> => {
    const { orderId, tenantId, customerId, siteId } = placed;
    return readModels.loadReleaseContext(q, { orderId, tenantId, customerId, siteId, skus: placed.lines.map((l) => l.sku), ...(queuedSince ? { queuedSince } : {}) }, NOW);
  };
  const decidePlacement = (placed: OrderDetails, context: ReleaseContext): OrderReleaseMessage[] =>
    orderRelease.decide({ type: 'PlaceOrder', data: { order: placed, context } }, initialState(), { now: NOW });
  return {
    loadFor,
    decidePlacement,
    /** One placement as the app handles it: load (locks), decide, record, commit. */
    placeInTransaction: (placed: OrderDetails, client?: PoolClient) =>
      inTransaction(async (c) => {
        const messages = decidePlacement(placed, await loadFor(c, placed));
        await readModels.recordReleaseDecision(c, messages);
        return messages;
      }, client),
    given: (...facts: ReleaseFact[]) =>
      inTransaction(async (c) => {
        for (const fact of facts) await readModels.applyReleaseFact(c, fact);
      }),
    available: (placed: OrderDetails = order('SO-PROBE', 1)) => inTransaction(async (c) => (await loadFor(c, placed)).inventory['BOLT-M8'].available),
  };
}

export const types = (messages: OrderReleaseMessage[]) => messages.map((m) => m.type);
