import { randomUUID } from 'node:crypto';
import type { OrderReleaseMessage } from '@lading/order-release-domain';
import { streamIdOf } from '@lading/service-kit';
import { SiteDirectory } from '@lading/tenancy';
import { creditFactInputs, erpOrderInputs, inventoryFactInputs, siteFactInputs, warehouseProgressInputs } from './order-release.mapper';
import { creditHoldPlaced, inventoryLevelChanged, line, meta, NOW, orderAmended, orderPlaced, TENANT, warehouseStatusChanged } from './order-release.mapper.fixtures';
import { cancel, entry, erpMeta, placement, releaseWorkflowHarness } from './release-workflow.test-support';

// The workflow on the kit, on real PostgreSQL: many records decided in one transaction decide
// exactly as the same records would one transaction each, and two tenants with the same order
// numbers, customer ids and SKUs at one shared site never touch each other's orders.

jest.setTimeout(60_000);

const OTHER = 'globex';
const h = releaseWorkflowHarness();
const { pool, run, given, stream } = h;

/** Fires every due wake-up as the kit's timer poller does (together, in one transaction, then deleted); the streams it woke. */
async function fireWakeUps(): Promise<string[]> {
  const { rows } = await pool.query(`select stream_id from "${h.eventStoreSchema}".timers where due_at <= now() order by due_at, timer_id`);
  await h.runtime.wakeUpPoller({ now: () => NOW }).pollOnce();
  return rows.map((r) => r.stream_id as string);
}

describe('order-release workflow on the kit: a unit of many records in one transaction', () => {
  it('given 5 bolts, when three orders for 2 arrive in one unit, then the first two are released and the third is held seeing 1, as one by one', async () => {
    await given(5);
    const outcome = await run([placement('SO-1', 2), placement('SO-2', 2), placement('SO-3', 2)]);

    expect({ handled: outcome.handled, duplicates: outcome.duplicates, appended: outcome.decided.flatMap((d) => d.events).length }).toEqual({ handled: 3, duplicates: 0, appended: 8 });
    expect(await stream('SO-1')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-3')).toEqual(['OrderReceived', 'OrderHeld']);
    const held = (await h.store.readStream<OrderReleaseMessage>(streamIdOf(TENANT, 'order-release', 'SO-3')))[1].payload;
    expect(held.type === 'OrderHeld' && held.data.reasons.map((r) => r.code)).toEqual(['INSUFFICIENT_INVENTORY']);
    const reserved = await pool.query(`select order_id, quantity::int from "${h.readModelSchema}".reservations order by order_id`);
    expect(reserved.rows).toEqual([
      { order_id: 'SO-1', quantity: 2 },
      { order_id: 'SO-2', quantity: 2 },
    ]);
    expect((await pool.query(`select order_id from "${h.readModelSchema}".held_orders`)).rows).toEqual([{ order_id: 'SO-3' }]);
  });

  it('given a unit holding the same record twice and a record already handled, then each is decided once', async () => {
    await given(10);
    const first = placement('SO-1', 1);
    await run([first]);
    const again = placement('SO-2', 1);
    const outcome = await run([first, again, again]);

    expect({ handled: outcome.handled, duplicates: outcome.duplicates }).toEqual({ handled: 1, duplicates: 2 });
    expect(await stream('SO-1')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
  });

  it('given 2 bolts, when one unit releases an order, cancels it and places another for 2, then the later order waits until the WMS confirms the cancel, and is then woken and released', async () => {
    await given(2);
    await run([placement('SO-1', 2), cancel('SO-1'), placement('SO-2', 2)]);

    expect(await stream('SO-1')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse', 'OrderCancelled', 'CancelWarehouseOrder']);
    // the warehouse may have picked SO-1 already: its stock is not promised twice
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderHeld']);
    expect((await pool.query(`select order_id from "${h.readModelSchema}".reservations`)).rows).toEqual([{ order_id: 'SO-1' }]);

    const confirmed = { meta: meta({ eventId: randomUUID(), correlationId: 'SO-1' }, 'WMS'), orderId: 'SO-1', siteId: 'US-NJ1', warehouseOrderId: 'SO-1-R1' };
    await run([entry(confirmed, (inbound) => warehouseProgressInputs({ recordType: 'lading.wms.WarehouseOrderCancelled', value: confirmed }, inbound))]);
    expect((await pool.query(`select order_id from "${h.readModelSchema}".reservations`)).rows).toEqual([]);
    expect(await fireWakeUps()).toEqual([streamIdOf(TENANT, 'order-release', 'SO-2')]);
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    const capacity = await pool.query(`select sum(released_orders)::int as n from "${h.readModelSchema}".site_day_releases`);
    expect(capacity.rows[0].n).toBe(2);
  });

  it('given a younger order waiting behind the claim of an older one, when the older one is cancelled, then a durable wake-up wakes the younger one and it is released', async () => {
    await given(1);
    await run([placement('SO-BIG', 3)]);
    await run([placement('SO-SMALL', 1)]);
    // SO-SMALL waits behind SO-BIG's claim (fairness); cancelling SO-BIG gives the claim up
    expect(await stream('SO-SMALL')).toEqual(['OrderReceived', 'OrderHeld']);
    await run([cancel('SO-BIG')]);

    expect(await fireWakeUps()).toEqual([streamIdOf(TENANT, 'order-release', 'SO-SMALL')]);
    expect(await stream('SO-SMALL')).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
  });
  it('given an order placed short of stock and, in the same unit, amended to another site, then it is decided again at the new site (its rows were in the unit’s locked scope)', async () => {
    await given(0);
    const chicago = warehouseStatusChanged({ siteId: 'US-IL1', timeZone: 'America/Chicago', meta: meta({ eventId: randomUUID() }, 'WMS') });
    const chicagoStock = inventoryLevelChanged({ siteId: 'US-IL1', onHand: { value: 5, unit: 'EACH' }, allocated: { value: 0, unit: 'EACH' }, meta: meta({ eventId: randomUUID() }, 'WMS') });
    await run([
      entry(chicago, (inbound) => siteFactInputs({ recordType: 'lading.wms.WarehouseStatusChanged', value: chicago }, inbound, SiteDirectory.open())),
      entry(chicagoStock, (inbound) => inventoryFactInputs({ recordType: 'lading.wms.InventoryLevelChanged', value: chicagoStock }, inbound)),
    ]);
    const moved = orderAmended({ orderId: 'SO-M', siteId: 'US-IL1', lines: [line(1, 'BOLT-M8', 2)], meta: erpMeta(TENANT, 'SO-M') });
    await run([placement('SO-M', 2), entry(moved, (inbound) => erpOrderInputs({ recordType: 'lading.erp.OrderAmended', value: moved }, inbound))]);

    expect(await stream('SO-M')).toEqual(['OrderReceived', 'OrderHeld', 'OrderAmended', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    const { rows } = await pool.query(`select site_id from "${h.readModelSchema}".reservations where order_id = 'SO-M'`);
    expect(rows).toEqual([{ site_id: 'US-IL1' }]);
  });
});

describe('two tenants, the same order numbers, customer ids and SKUs, one shared site', () => {
  it("given both tenants place SO-1 for customer CUST-42's bolts, then each is decided under its own tenant, against its own stock, in its own stream", async () => {
    await given(3, [TENANT, OTHER]);
    await run([placement('SO-1', 2, TENANT), placement('SO-1', 3, OTHER), placement('SO-2', 2, TENANT)]);

    expect(await stream('SO-1', TENANT)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-1', OTHER)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    // acme's 3 bolts: 2 for its SO-1, 1 left for its SO-2 (globex's 3 are globex's)
    expect(await stream('SO-2', TENANT)).toEqual(['OrderReceived', 'OrderHeld']);
    const reserved = await pool.query(`select tenant_id, warehouse_order_id, quantity::int from "${h.readModelSchema}".reservations order by tenant_id, warehouse_order_id`);
    expect(reserved.rows).toEqual([
      { tenant_id: TENANT, warehouse_order_id: 'SO-1-R1', quantity: 2 },
      { tenant_id: OTHER, warehouse_order_id: 'SO-1-R1', quantity: 3 },
    ]);
    // one capacity pool per site and day, shared by the tenants the site serves
    expect((await pool.query(`select sum(released_orders)::int as n from "${h.readModelSchema}".site_day_releases`)).rows[0].n).toBe(2);
  });

  it("given both tenants hold SO-7, when globex cancels its SO-7, then acme's SO-7 stays held in acme's queue", async () => {
    await given(0, [TENANT, OTHER]);
    await run([placement('SO-7', 2, TENANT), placement('SO-7', 2, OTHER)]);
    await run([cancel('SO-7', OTHER)]);

    expect(await stream('SO-7', OTHER)).toEqual(['OrderReceived', 'OrderHeld', 'OrderCancelled']);
    expect(await stream('SO-7', TENANT)).toEqual(['OrderReceived', 'OrderHeld']);
    expect((await pool.query(`select tenant_id, order_id from "${h.readModelSchema}".held_orders`)).rows).toEqual([{ tenant_id: TENANT, order_id: 'SO-7' }]);
  });

  it("given globex's credit hold on CUST-42, then only globex's order for CUST-42 is held for credit", async () => {
    await given(10, [TENANT, OTHER]);
    const hold = creditHoldPlaced({ meta: meta({ eventId: randomUUID(), tenantId: OTHER, correlationId: 'CUST-42' }) });
    await run([entry(hold, (inbound) => creditFactInputs({ recordType: 'lading.erp.CreditHoldPlaced', value: hold }, inbound))]);
    await run([placement('SO-9', 1, TENANT), placement('SO-9', 1, OTHER)]);

    expect(await stream('SO-9', TENANT)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-9', OTHER)).toEqual(['OrderReceived', 'OrderHeld']);
  });

  it('given the same event id from two tenants, then both records are handled: the inbox is keyed by tenant', async () => {
    await given(10, [TENANT, OTHER]);
    const eventId = randomUUID();
    const a = orderPlaced({ orderId: 'SO-3', meta: meta({ eventId, tenantId: TENANT }), lines: [line(1, 'BOLT-M8', 1)] });
    const b = orderPlaced({ orderId: 'SO-3', meta: meta({ eventId, tenantId: OTHER }), lines: [line(1, 'BOLT-M8', 1)] });
    const outcome = await run([a, b].map((value) => entry(value, (inbound) => erpOrderInputs({ recordType: 'lading.erp.OrderPlaced', value }, inbound))));

    expect(outcome.handled).toBe(2);
    expect(await stream('SO-3', OTHER)).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
  });
});
