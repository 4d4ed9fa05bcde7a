import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { ErpOrdersV1Record, WmsFulfilmentV1Record, WmsInventoryV1Record, WmsSitesV1Record } from '@lading/contracts';
import { createEventStore, migrateEventStore, type EventStore } from '@lading/event-store';
import { orderReleaseStreamId, type OrderReleaseMessage } from '@lading/order-release-domain';
import { createTestSchema, testDatabaseUrl } from '@lading/testing';
import { inventoryLevelChanged, line, meta, NOW, orderCancelled, orderPlaced, warehouseStatusChanged } from './order-release.mapper.fixtures';
import { createReleaseReadModels, migrateOrderRelease } from './release-context';
import { createReleaseOrders, type ReleaseInput, type ReleaseOrders } from './release-orders';

// The workflow on real PostgreSQL: many ERP records decided in one transaction must decide
// exactly as the same records would one transaction each.

jest.setTimeout(60_000);

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
let store: EventStore;
let release: ReleaseOrders;
const drops: (() => Promise<void>)[] = [];
let readModelSchema: string;
let eventStoreSchema: string;

beforeEach(async () => {
  const es = await createTestSchema('es');
  const orr = await createTestSchema('order_release');
  drops.push(es.drop, orr.drop);
  eventStoreSchema = es.schema;
  readModelSchema = orr.schema;
  await migrateEventStore({ connectionString: testDatabaseUrl(), schema: es.schema });
  await migrateOrderRelease(pool, orr.schema);
  store = createEventStore({ pool, schema: es.schema, now: () => NOW });
  release = createReleaseOrders(createReleaseReadModels({ schema: orr.schema }));
});

afterEach(async () => {
  for (const drop of drops.splice(0)) await drop();
});

afterAll(() => pool.end());

const erp = (recordType: ErpOrdersV1Record['recordType'], value: ErpOrdersV1Record['value']): ReleaseInput => ({ kind: 'erp-order', record: { recordType, value } as ErpOrdersV1Record });
const placement = (orderId: string, bolts: number, eventId = randomUUID()) =>
  erp('lading.erp.OrderPlaced', orderPlaced({ orderId, meta: meta({ eventId, correlationId: orderId }), lines: [line(1, 'BOLT-M8', bolts)] }));
const cancel = (orderId: string) => erp('lading.erp.OrderCancelled', orderCancelled({ orderId, meta: meta({ eventId: randomUUID(), correlationId: orderId }) }));

async function given(onHand: number) {
  const facts: ReleaseInput[] = [
    { kind: 'fact', record: { recordType: 'lading.wms.WarehouseStatusChanged', value: warehouseStatusChanged({ meta: meta({ eventId: randomUUID() }, 'WMS') }) } as WmsSitesV1Record },
    {
      kind: 'fact',
      record: {
        recordType: 'lading.wms.InventoryLevelChanged',
        value: inventoryLevelChanged({ onHand: { value: onHand, unit: 'EACH' }, allocated: { value: 0, unit: 'EACH' }, meta: meta({ eventId: randomUUID() }, 'WMS') }),
      } as WmsInventoryV1Record,
    },
  ];
  await store.transaction((tx) => release.handle(tx, facts, NOW));
}

async function stream(orderId: string): Promise<string[]> {
  return (await store.readStream<OrderReleaseMessage>(orderReleaseStreamId(orderId))).map((e) => e.payload.type);
}

describe('order-release workflow: a unit of many records in one transaction', () => {
  it('given 5 bolts, when three orders for 2 arrive in one unit, then the first two are released and the third is held seeing 1, as one by one', async () => {
    await given(5);
    const outcome = await store.transaction((tx) => release.handle(tx, [placement('SO-1', 2), placement('SO-2', 2), placement('SO-3', 2)], NOW));

    expect(outcome).toEqual({ handled: 3, duplicates: 0, appended: 8 });
    expect(await stream('SO-1')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-3')).toEqual(['OrderReceived', 'OrderHeld']);
    const held = (await store.readStream<OrderReleaseMessage>(orderReleaseStreamId('SO-3')))[1].payload;
    expect(held.type === 'OrderHeld' && held.data.reasons.map((r) => r.code)).toEqual(['INSUFFICIENT_INVENTORY']);
    const reserved = await pool.query(`select order_id, quantity::int from "${readModelSchema}".reservations order by order_id`);
    expect(reserved.rows).toEqual([
      { order_id: 'SO-1', quantity: 2 },
      { order_id: 'SO-2', quantity: 2 },
    ]);
    const queue = await pool.query(`select order_id from "${readModelSchema}".held_orders`);
    expect(queue.rows).toEqual([{ order_id: 'SO-3' }]);
  });

  it('given a unit holding the same record twice and a record already handled, then each is decided once', async () => {
    await given(10);
    const first = placement('SO-1', 1);
    await store.transaction((tx) => release.handle(tx, [first], NOW));
    const again = placement('SO-2', 1);
    const outcome = await store.transaction((tx) => release.handle(tx, [first, again, again], NOW));

    expect(outcome).toEqual({ handled: 1, duplicates: 2, appended: 3 });
    expect(await stream('SO-1')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse']);
  });

  it('given 2 bolts, when one unit releases an order, cancels it and places another for 2, then the later order waits until the WMS confirms the cancel, and is then woken and released', async () => {
    await given(2);
    await store.transaction((tx) => release.handle(tx, [placement('SO-1', 2), cancel('SO-1'), placement('SO-2', 2)], NOW));

    expect(await stream('SO-1')).toEqual(['OrderReceived', 'OrderReleased', 'ReleaseOrderToWarehouse', 'OrderCancelled', 'CancelWarehouseOrder']);
    // the warehouse may have picked SO-1 already: its stock is not promised twice
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderHeld']);
    const reserved = await pool.query(`select order_id from "${readModelSchema}".reservations`);
    expect(reserved.rows).toEqual([{ order_id: 'SO-1' }]);

    const confirmed: ReleaseInput = {
      kind: 'warehouse-progress',
      record: {
        recordType: 'lading.wms.WarehouseOrderCancelled',
        value: { meta: meta({ eventId: randomUUID(), correlationId: 'SO-1' }, 'WMS'), orderId: 'SO-1', siteId: 'US-NJ1', warehouseOrderId: 'SO-1-R1' },
      } as WmsFulfilmentV1Record,
    };
    await store.transaction((tx) => release.handle(tx, [confirmed], NOW));
    expect((await pool.query(`select order_id from "${readModelSchema}".reservations`)).rows).toEqual([]);
    const timers = await pool.query(`select command from "${eventStoreSchema}".timers`);
    expect(timers.rows.map((r) => r.command.orderId)).toEqual(['SO-2']);
    await store.transaction((tx) => release.onReevaluateHeldOrders(tx, timers.rows.map((r) => r.command), NOW));
    expect(await stream('SO-2')).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    const capacity = await pool.query(`select sum(released_orders)::int as n from "${readModelSchema}".site_day_releases`);
    expect(capacity.rows[0].n).toBe(2);
  });

  it('given a younger order waiting behind the claim of an older one, when the older one is cancelled, then a durable timer wakes the younger one and it is released', async () => {
    await given(1);
    await store.transaction((tx) => release.handle(tx, [placement('SO-BIG', 3)], NOW));
    await store.transaction((tx) => release.handle(tx, [placement('SO-SMALL', 1)], NOW));
    // SO-SMALL waits behind SO-BIG's claim (fairness); cancelling SO-BIG gives the claim up
    expect(await stream('SO-SMALL')).toEqual(['OrderReceived', 'OrderHeld']);
    await store.transaction((tx) => release.handle(tx, [cancel('SO-BIG')], NOW));

    const timers = await pool.query(`select timer_id, command from "${eventStoreSchema}".timers order by timer_id`);
    expect(timers.rows.map((r) => r.command.orderId)).toEqual(['SO-SMALL']);
    await store.transaction((tx) => release.onReevaluateHeldOrders(tx, timers.rows.map((r) => r.command), NOW));
    expect(await stream('SO-SMALL')).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
  });
});
