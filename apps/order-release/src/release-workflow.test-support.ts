import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { EventMeta, WarehouseStatusChanged } from '@lading/contracts';
import { createEventStore, migrateEventStore, runMigrations, type EventStore } from '@lading/event-store';
import type { OrderReleaseMessage } from '@lading/order-release-domain';
import { createWorkflowRuntime, streamIdOf, type UnitEntry, type WorkflowInput, type WorkflowRuntime } from '@lading/service-kit';
import { SiteDirectory } from '@lading/tenancy';
import { createTestSchema, testDatabaseUrl } from '@lading/testing';
import { creditFactInputs, erpOrderInputs, inventoryFactInputs, siteFactInputs } from './order-release.mapper';
import { creditHoldPlaced, creditHoldReleased, inboundOf, inventoryLevelChanged, line, meta, NOW, orderCancelled, orderPlaced, TENANT, warehouseStatusChanged } from './order-release.mapper.fixtures';
import { orderReleaseMigrations } from './release-context';
import { releaseFacts, releaseWorkflow } from './release-workflow';

// The order-release workflow on the kit, on real PostgreSQL, for the *.int.spec.ts files: an event
// store and read-model schema per test, and inbound records as the kit hands them to the mapper.

/** A record as the kit hands it to its topic handler, and what the handler makes of it. */
export const entry = (value: { meta: EventMeta }, inputs: (inbound: ReturnType<typeof inboundOf>) => readonly WorkflowInput[]): UnitEntry => ({
  tenantId: value.meta.tenantId,
  eventId: value.meta.eventId,
  inputs: inputs(inboundOf(value)),
});
export const erpMeta = (tenantId: string, orderId: string) => meta({ eventId: randomUUID(), tenantId, correlationId: orderId });
export const placement = (orderId: string, bolts: number, tenantId = TENANT) => {
  const value = orderPlaced({ orderId, meta: erpMeta(tenantId, orderId), lines: [line(1, 'BOLT-M8', bolts)] });
  return entry(value, (inbound) => erpOrderInputs({ recordType: 'lading.erp.OrderPlaced', value }, inbound));
};
export const cancel = (orderId: string, tenantId = TENANT) => {
  const value = orderCancelled({ orderId, meta: erpMeta(tenantId, orderId) });
  return entry(value, (inbound) => erpOrderInputs({ recordType: 'lading.erp.OrderCancelled', value }, inbound));
};
export const stockOf = (onHand: number, tenantId = TENANT) => {
  const value = inventoryLevelChanged({ onHand: { value: onHand, unit: 'EACH' }, allocated: { value: 0, unit: 'EACH' }, meta: meta({ eventId: randomUUID(), tenantId }, 'WMS') });
  return entry(value, (inbound) => inventoryFactInputs({ recordType: 'lading.wms.InventoryLevelChanged', value }, inbound));
};
/** US-NJ1 reports (open, 00:00–15:00 New York, unless `overrides` say otherwise). */
export const siteReport = (overrides: Partial<Omit<WarehouseStatusChanged, 'meta'>> = {}, reported: Partial<EventMeta> = {}) => {
  const value = warehouseStatusChanged({ ...overrides, meta: meta({ eventId: randomUUID(), ...reported }, 'WMS') });
  return entry(value, (inbound) => siteFactInputs({ recordType: 'lading.wms.WarehouseStatusChanged', value }, inbound, SiteDirectory.open()));
};
export const siteOpen = () => siteReport();
/** A credit hold on CUST-42, placed or released, at `occurredAt`. */
export const credit = (kind: 'placed' | 'released', tenantId: string, occurredAt: number) => {
  const fields = { meta: meta({ eventId: randomUUID(), tenantId, correlationId: 'CUST-42', occurredAt }) };
  if (kind === 'placed') {
    const value = creditHoldPlaced(fields);
    return entry(value, (inbound) => creditFactInputs({ recordType: 'lading.erp.CreditHoldPlaced', value }, inbound));
  }
  const value = creditHoldReleased(fields);
  return entry(value, (inbound) => creditFactInputs({ recordType: 'lading.erp.CreditHoldReleased', value }, inbound));
};

/**
 * An event store and read models of their own for each test (registers the jest hooks), the
 * runtime over them, and the ways the specs drive and read it.
 */
export function releaseWorkflowHarness() {
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const drops: (() => Promise<void>)[] = [];
  const h = {
    pool,
    store: undefined as unknown as EventStore,
    runtime: undefined as unknown as WorkflowRuntime,
    readModelSchema: '',
    eventStoreSchema: '',
    /** Handles `entries` in one transaction, deciding at `now` (the app's clock). */
    run: (entries: UnitEntry[], now: Date = NOW) => h.store.transaction((tx) => h.runtime.run(tx, entries, now)),
    async given(onHand: number, tenants: string[] = [TENANT]) {
      await h.run([siteOpen(), ...tenants.map((tenantId) => stockOf(onHand, tenantId))]);
    },
    async stream(orderId: string, tenantId = TENANT): Promise<string[]> {
      return (await h.store.readStream<OrderReleaseMessage>(streamIdOf(tenantId, 'order-release', orderId))).map((e) => e.payload.type);
    },
    /** The pending wake-ups: stream id and reason, in due order. */
    async wakeUps(): Promise<string[]> {
      const { rows } = await pool.query(`select timer_id from "${h.eventStoreSchema}".timers order by due_at, timer_id`);
      return rows.map((r) => (r.timer_id as string).slice('order-release.'.length));
    },
    /** A wake-up lost (a timer deleted by hand, the defect of a poller): nothing is pending any more. */
    async loseWakeUps(): Promise<void> {
      await pool.query(`delete from "${h.eventStoreSchema}".timers`);
    },
  };

  beforeEach(async () => {
    const es = await createTestSchema('es');
    const orr = await createTestSchema('order_release');
    drops.push(es.drop, orr.drop);
    h.eventStoreSchema = es.schema;
    h.readModelSchema = orr.schema;
    await migrateEventStore({ pool, schema: es.schema });
    await runMigrations(pool, { schema: orr.schema, table: 'order_release_migrations', migrations: orderReleaseMigrations(orr.schema) });
    h.store = createEventStore({ pool, schema: es.schema, now: () => NOW });
    h.runtime = createWorkflowRuntime({ service: 'order-release', store: h.store, workflows: [releaseWorkflow(orr.schema, SiteDirectory.open())], facts: releaseFacts(orr.schema) });
  });

  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  afterAll(() => pool.end());
  return h;
}
