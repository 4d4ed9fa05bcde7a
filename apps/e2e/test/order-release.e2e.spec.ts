import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { topicCatalog, type ErpCreditV1Record, type ErpOrdersV1Record } from '@lading/contracts';
import { createAvroSerde } from '@lading/schema-registry';
import { startGroupAtEnd, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueName, waitUntil } from '@lading/testing';
import { SiteDirectory, TenantApiKeys } from '@lading/tenancy';
import { ladingSitesFor, loadConfig as loadSimulatorConfig, startSimulator, type Simulator } from '@lading/simulator';
import { heldOrderFromEvent, stockAwaitedByOlderOrders, type OrderHeld } from '@lading/order-release-domain';
import { orderReleaseService } from '@lading/order-release-app';
import { parseStreamId, startService, type RunningService } from '@lading/service-kit';
import { compactedInventoryKeepsEveryTenant } from './compaction';

const ORDERS = 1000;
const TENANTS = 3;
const ORDER_RELEASE_TOPICS = topicCatalog.filter((t) => t.consumedBy.includes('order-release')).map((t) => t.name);
/** (tenant, order): order numbers repeat across tenants. */
const orderKey = (tenantId: string, orderId: string) => `${tenantId}|${orderId}`;

interface StreamRow {
  stream_id: string;
  event_type: string;
  payload: { type: string; data: Record<string, unknown> };
  tenant_id: string;
}

/**
 * The first vertical slice end to end, on the real broker, registry and database: the simulated
 * ERP places 1,000 orders for 3 tenants whose order numbers, customer ids and SKUs collide (the
 * normal case), at sites they share (amendments, cancels, credit holds; some SKUs start empty);
 * two order-release instances share the work, and the simulated WMS answers the releases.
 * Afterwards every order of every tenant is accounted for under its own tenant, none was
 * released twice, the event store and the WMS agree on every warehouse order, the WMS never had
 * to pick short (the reservations never promised stock that was not there), every hold reason
 * still holds, a cancel of one tenant never touched another's order with the same number, each
 * API key sees only its own tenant's order, and the compacted inventory keeps every tenant.
 */
describe('order-release end to end (simulated ERP and WMS, two instances)', () => {
  const run = uniqueName('e2e').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const prefix = `${run}-`;
  const schema = (name: string) => `${name}_${run}`.slice(0, 60);
  const instances: RunningService[] = [];
  let groupId = '';
  let simulator: Simulator | undefined;
  let db: Client;
  /** By orderKey(tenant, order). */
  const erpOrders = new Map<string, ErpOrdersV1Record[]>();
  const apiKeyOf = (tenantId: string) => `e2e-key-${tenantId}`;
  let simulatorConfig: ReturnType<typeof loadSimulatorConfig>;
  const creditFacts: ErpCreditV1Record[] = [];
  let erpCollector: Kafka | undefined;
  const stopCollector: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // topics and schemas come from `npm test` (topics:create, schemas:register) like in production
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();

    // A new group on shared topics starts at their current end — committed now, before it
    // joins, so nothing the simulator publishes right after is skipped by a late offset lookup.
    groupId = `order-release-${run}`;
    const admin = new Kafka({ clientId: run, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, ORDER_RELEASE_TOPICS);
    await admin.disconnect();

    simulatorConfig = loadSimulatorConfig(
      [
        // paced like a real ERP feed (5 s for 1,000 orders): credit holds then reach order-release
        // before the customers' later orders, as they would in production, not all in one burst
        ...['--tenants', String(TENANTS), '--tenant-prefix', prefix, '--orders', String(ORDERS), '--orders-per-second', '200'],
        ...['--seed', '20261127', '--time-scale', '3600', '--round-the-clock', 'true', '--http-port', '0'],
        // no random short picks: a short pick can then only mean order-release over-promised
        ...['--shortage-rate', '0', '--out-of-stock-rate', '0.15', '--credit-hold-rate', '0.1'],
        // no receipts: stock only goes down, so the run settles and "really short" is stable
        ...['--restock', 'false'],
        ...['--wms-group', `${run}-wms`, '--progress-interval', '60', '--client-id', `${run}-sim`],
      ],
      { KAFKA_BROKERS: testKafkaBrokers().join(','), SCHEMA_REGISTRY_URL: testSchemaRegistryUrl() },
    );
    const tenantIds = Array.from({ length: TENANTS }, (_, i) => `${prefix}tenant-${String(i + 1).padStart(2, '0')}`);
    for (const instance of ['a', 'b']) {
      instances.push(
        await startService(orderReleaseService, {
          env: { KAFKA_BROKERS: testKafkaBrokers().join(','), SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(), DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'warn' },
          config: {
            httpPort: 0,
            groupId,
            fromBeginning: true,
            eventStoreSchema: schema('es'),
            readModelSchema: schema('orr'),
            apiKeys: new TenantApiKeys(tenantIds.map((tenantId) => ({ tenantId, apiKey: apiKeyOf(tenantId) }))),
            // the simulated 3PL runs every site and serves every simulated tenant
            sites: SiteDirectory.parse(ladingSitesFor(simulatorConfig)),
            databasePoolSize: 6,
            instanceId: `${run}-${instance}`,
          },
          settings: { sweepSeconds: 5 },
        }),
      );
    }
    await waitUntil('both instances joined the group', () => instances.every((i) => i.transport.isReady()), { timeoutMs: 60_000 });

    // Watch what the ERP really published, independently of order-release.
    erpCollector = new Kafka({ clientId: `${run}-erp-watch`, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
    const serde = createAvroSerde({ registryUrl: testSchemaRegistryUrl() });
    const erpAdmin = erpCollector.admin();
    await erpAdmin.connect();
    for (const topic of ['erp.orders.v1', 'erp.credit.v1']) {
      const consumer = erpCollector.consumer({ groupId: `${run}-watch-${topic}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      // same as above: the watcher's start is fixed before anything is published
      await startGroupAtEnd(erpAdmin, `${run}-watch-${topic}`, [topic]);
      await consumer.run({
        eachMessage: async ({ message }) => {
          const decoded = await serde.decode(topic, message.value as Buffer);
          const value = decoded.value as { meta: { tenantId: string }; orderId?: string };
          if (!value.meta.tenantId.startsWith(prefix)) return;
          if (topic === 'erp.orders.v1') {
            const key = orderKey(value.meta.tenantId, value.orderId!);
            const list = erpOrders.get(key) ?? [];
            list.push({ recordType: decoded.recordType, value } as ErpOrdersV1Record);
            erpOrders.set(key, list);
          } else creditFacts.push({ recordType: decoded.recordType, value } as ErpCreditV1Record);
        },
      });
      await waitUntil(`watcher on ${topic} joined`, async () => (await consumer.describeGroup()).state === 'Stable', { timeoutMs: 30_000 });
      stopCollector.push(() => consumer.disconnect());
    }
    await erpAdmin.disconnect();

    simulator = await startSimulator(simulatorConfig);
    await simulator.erp!.done;
  }, 240_000);

  afterAll(async () => {
    await simulator?.stop();
    for (const stop of stopCollector) await stop().catch(() => undefined);
    for (const instance of instances) await instance.stop().catch(() => undefined);
    // LADING_E2E_KEEP_SCHEMAS=true keeps the event store and read models to look into after a failure
    if (process.env.LADING_E2E_KEEP_SCHEMAS !== 'true') {
      await db?.query(`drop schema if exists "${schema('es')}" cascade`).catch(() => undefined);
      await db?.query(`drop schema if exists "${schema('orr')}" cascade`).catch(() => undefined);
    }
    await db?.end();
  }, 120_000);

  async function consumerLag(group: string, topics: readonly string[]): Promise<number> {
    const admin = new Kafka({ clientId: `${run}-lag`, brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      let lag = 0;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        for (const end of ends) {
          const at = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          lag += Number(end.high) - Math.max(Number(at), 0);
        }
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  const events = async (): Promise<StreamRow[]> =>
    (await db.query(`select stream_id, event_type, payload, tenant_id from "${schema('es')}".events order by position`)).rows;

  it('accounts for every order, releases none twice, and agrees with the WMS on every warehouse order', async () => {
    await waitUntil(`the watcher saw all ${ORDERS} placements`, () => [...erpOrders.values()].filter((l) => l.some((r) => r.recordType === 'lading.erp.OrderPlaced')).length >= ORDERS, { timeoutMs: 120_000 });
    const placed = [...erpOrders.keys()];
    expect(placed).toHaveLength(ORDERS);
    const tenantOf = (key: string) => key.slice(0, key.indexOf('|'));
    const orderIdOf = (key: string) => key.slice(key.indexOf('|') + 1);
    expect(new Set(placed.map(tenantOf)).size).toBe(TENANTS);
    // the normal case, on purpose: tenants' order numbers collide
    const numbers = placed.map(orderIdOf);
    expect(new Set(numbers).size).toBeLessThan(numbers.length);

    // Quiescence: every placed order decided, every release relayed, answered and accepted by the
    // WMS, nothing left to read or fire, and no new decision for two sweeps of the held orders.
    let lastCount = -1;
    let lastChangeAt = Date.now();
    await waitUntil(
      'every order decided and every warehouse order known to the WMS',
      async () => {
        const rows = (await events()).filter((r) => r.tenant_id.startsWith(prefix));
        if (rows.length !== lastCount) {
          lastCount = rows.length;
          lastChangeAt = Date.now();
        }
        const received = new Set(rows.filter((r) => r.event_type === 'OrderReceived').map((r) => r.stream_id));
        const released = rows.filter((r) => r.event_type === 'ReleaseOrderToWarehouse').length;
        const atWms = simulator!.wms!.warehouseOrders().filter((w) => w.tenantId.startsWith(prefix)).length;
        const { rows: due } = await db.query(`select count(*)::int as n from "${schema('es')}".timers where due_at <= now()`);
        if (!(received.size >= ORDERS && released === atWms && released > 0 && due[0].n === 0)) return false;
        // ... and the WMS has nothing in progress, and order-release has read all it published
        if (simulator!.wms!.progress.openWarehouseOrders > 0) return false;
        if ((await consumerLag(groupId, ORDER_RELEASE_TOPICS)) !== 0) return false;
        return Date.now() - lastChangeAt > 12_000;
      },
      { timeoutMs: 240_000, intervalMs: 1_000 },
    );

    // other tests and tools publish on the same catalog topics: this run's tenants only
    const rows = (await events()).filter((r) => r.tenant_id.startsWith(prefix));
    const byOrder = new Map<string, StreamRow[]>();
    for (const row of rows) {
      const stream = parseStreamId(row.stream_id);
      // every event is its stream's tenant's: decided under its own tenant
      expect({ stream: row.stream_id, tenant: row.tenant_id }).toEqual({ stream: row.stream_id, tenant: stream.tenantId });
      const key = orderKey(stream.tenantId, stream.key);
      byOrder.set(key, [...(byOrder.get(key) ?? []), row]);
    }

    // none lost: every order the ERP placed has a stream, and no other order of these tenants does
    expect([...byOrder.keys()].filter((id) => !erpOrders.has(id))).toEqual([]);
    expect(placed.filter((id) => !byOrder.has(id))).toEqual([]);

    // every order ends released, held (with reasons) or cancelled, as the ERP asked
    const finalStatus = (orderId: string) => {
      const types = byOrder.get(orderId)!.map((r) => r.event_type);
      if (types.includes('OrderCancelled')) return 'CANCELLED';
      const lastDecision = [...types].reverse().find((t) => t === 'OrderReleased' || t === 'OrderHeld');
      return lastDecision === 'OrderReleased' ? 'RELEASED' : lastDecision === 'OrderHeld' ? 'HELD' : 'UNDECIDED';
    };
    const statuses = new Map(placed.map((id) => [id, finalStatus(id)]));
    expect(placed.filter((id) => statuses.get(id) === 'UNDECIDED')).toEqual([]);
    const cancelledByErp = placed.filter((id) => erpOrders.get(id)!.some((r) => r.recordType === 'lading.erp.OrderCancelled'));
    expect(cancelledByErp.filter((id) => statuses.get(id) !== 'CANCELLED')).toEqual([]);

    // none released twice: one command per warehouse order, and the WMS saw no repeat
    const releases = rows.filter((r) => r.event_type === 'ReleaseOrderToWarehouse');
    const warehouseOrderIds = releases.map((r) => orderKey(r.tenant_id, r.payload.data.warehouseOrderId as string));
    expect(new Set(warehouseOrderIds).size).toBe(warehouseOrderIds.length);
    const atWms = simulator!.wms!.warehouseOrders().filter((w) => w.tenantId.startsWith(prefix));
    expect(new Set(atWms.map((w) => orderKey(w.tenantId, w.warehouseOrderId)))).toEqual(new Set(warehouseOrderIds));

    // the reservations never promised stock the warehouse did not have: nothing picked short
    expect(atWms.filter((w) => w.picked?.some((line) => line.picked < line.ordered)).map((w) => w.warehouseOrderId)).toEqual([]);

    // the run exercised what it claims to: releases, inventory holds and credit holds
    const everHeldFor = (code: string) =>
      new Set(rows.filter((r) => r.event_type === 'OrderHeld' && (r.payload.data.reasons as { code: string }[]).some((x) => x.code === code)).map((r) => r.stream_id));
    expect(releases.length).toBeGreaterThan(ORDERS / 4);
    expect(everHeldFor('INSUFFICIENT_INVENTORY').size).toBeGreaterThan(0);
    expect(everHeldFor('CREDIT_HOLD').size).toBeGreaterThan(0);

    // the reasons of the orders still held are true now: the customer is on hold at the ERP,
    // the WMS really lacks the stock once older waiting orders' claims are counted (fairness)
    const stock = new Map(simulator!.wms!.stock().map((s) => [`${s.tenantId}|${s.siteId}|${s.sku}`, s]));
    const creditOnHold = customersOnHoldAtEnd();
    const lastHold = (orderId: string) => [...byOrder.get(orderId)!].reverse().find((r) => r.event_type === 'OrderHeld')!.payload as unknown as OrderHeld;
    const stillHeld = placed.filter((id) => statuses.get(id) === 'HELD').map((id) => heldOrderFromEvent(lastHold(id)));
    for (const key of placed.filter((id) => statuses.get(id) === 'HELD')) {
      const orderId = orderIdOf(key);
      const data = lastHold(key).data as unknown as { tenantId: string; customerId: string; siteId: string; queuedSince: string; reasons: { code: string; shortages?: { sku: string; requested: number }[] }[] };
      const claimedByOlder = stockAwaitedByOlderOrders(stillHeld, { orderId, tenantId: data.tenantId, siteId: data.siteId, queuedSince: data.queuedSince });
      for (const reason of data.reasons) {
        if (reason.code === 'CREDIT_HOLD') expect({ orderId, customerOnHold: creditOnHold.has(`${data.tenantId}|${data.customerId}`) }).toEqual({ orderId, customerOnHold: true });
        if (reason.code === 'INSUFFICIENT_INVENTORY') {
          const reallyShort = reason.shortages!.some((s) => {
            const level = stock.get(`${data.tenantId}|${data.siteId}|${s.sku}`);
            return !level || level.onHand - level.allocated - (claimedByOlder[s.sku] ?? 0) < s.requested;
          });
          expect({ orderId, reallyShort }).toEqual({ orderId, reallyShort: true });
        }
      }
    }
    // and no order got more than it asked for: partial releases (R1, R2, ...) add up to at most
    // the largest quantity the ERP ever asked for, per SKU
    for (const orderId of placed) {
      const asked = new Map<string, number>();
      for (const record of erpOrders.get(orderId)!) {
        if (record.recordType === 'lading.erp.OrderCancelled') continue;
        const perSku = new Map<string, number>();
        for (const line of record.value.lines) perSku.set(line.sku, (perSku.get(line.sku) ?? 0) + line.quantity.value);
        for (const [sku, quantity] of perSku) asked.set(sku, Math.max(asked.get(sku) ?? 0, quantity));
      }
      const released = new Map<string, number>();
      for (const row of byOrder.get(orderId)!.filter((r) => r.event_type === 'OrderReleased')) {
        for (const line of row.payload.data.lines as { sku: string; quantity: number }[]) released.set(line.sku, (released.get(line.sku) ?? 0) + line.quantity);
      }
      const over = [...released].filter(([sku, quantity]) => quantity > (asked.get(sku) ?? 0) + 1e-9);
      expect({ orderId, over }).toEqual({ orderId, over: [] });
    }

    // Tenants apart: a cancel of one tenant's order never touched another tenant's order with the
    // same number, and each API key sees exactly its own tenant's order.
    const tenantsOf = new Map<string, string[]>();
    for (const key of placed) tenantsOf.set(orderIdOf(key), [...(tenantsOf.get(orderIdOf(key)) ?? []), tenantOf(key)]);
    const shared = [...tenantsOf.entries()].filter(([, tenants]) => tenants.length > 1);
    expect(shared.length).toBeGreaterThan(50);
    const cancelledBySome = shared.filter(([number, tenants]) => tenants.some((t) => cancelledByErp.includes(orderKey(t, number))) && tenants.some((t) => !cancelledByErp.includes(orderKey(t, number))));
    expect(cancelledBySome.length).toBeGreaterThan(0);
    for (const [number, tenants] of cancelledBySome) {
      for (const tenant of tenants.filter((t) => !cancelledByErp.includes(orderKey(t, number)))) {
        expect({ order: orderKey(tenant, number), status: statuses.get(orderKey(tenant, number)) }).not.toEqual({ order: orderKey(tenant, number), status: 'CANCELLED' });
      }
    }
    const [number, tenants] = cancelledBySome[0];
    const api = instances[0].url;
    for (const tenant of tenants) {
      const answer = await fetch(`${api}/v1/orders/${number}/release`, { headers: { authorization: `Bearer ${apiKeyOf(tenant)}` } });
      expect(answer.status).toBe(200);
      const view = (await answer.json()) as { orderId: string; status: string };
      const types = byOrder.get(orderKey(tenant, number))!.map((r) => r.event_type);
      const expected = finalStatus(orderKey(tenant, number)) === 'HELD' && types.includes('OrderReleased') ? 'PARTIALLY_RELEASED' : finalStatus(orderKey(tenant, number));
      expect({ tenant, order: number, status: view.status }).toEqual({ tenant, order: number, status: expected });
    }
    const outsider = `${prefix}tenant-${String(TENANTS).padStart(2, '0')}`;
    const onlyOthers = shared.find(([, owners]) => !owners.includes(outsider)) ?? [...tenantsOf.entries()].find(([, owners]) => !owners.includes(outsider));
    if (onlyOthers) {
      const answer = await fetch(`${api}/v1/orders/${onlyOthers[0]}/release`, { headers: { authorization: `Bearer ${apiKeyOf(outsider)}` } });
      expect({ order: onlyOthers[0], status: answer.status }).toEqual({ order: onlyOthers[0], status: 404 });
    }
  }, 600_000);

  it('keeps every tenant in the compacted inventory: the latest level per tenant, sku and site survives compaction', async () => {
    const levels = simulator!.wms!.stock().filter((l) => l.tenantId.startsWith(prefix));
    await compactedInventoryKeepsEveryTenant(run, prefix, levels);
  }, 180_000);

  /** tenant|customer pairs whose last credit fact (by the ERP's clock) is a hold without a release. */
  function customersOnHoldAtEnd(): Set<string> {
    const holds = new Map<string, { placed: boolean; at: number }>();
    for (const fact of creditFacts) {
      const v = fact.value as { meta: { tenantId: string; occurredAt: number }; customerId: string; holdId: string };
      const key = `${v.meta.tenantId}|${v.customerId}|${v.holdId}`;
      const current = holds.get(key);
      if (!current || current.at < v.meta.occurredAt) holds.set(key, { placed: fact.recordType === 'lading.erp.CreditHoldPlaced', at: v.meta.occurredAt });
    }
    return new Set([...holds.entries()].filter(([, h]) => h.placed).map(([key]) => key.split('|').slice(0, 2).join('|')));
  }
});
