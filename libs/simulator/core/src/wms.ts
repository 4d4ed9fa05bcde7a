import { Agenda } from './agenda';
import { InventoryChangeReason, Package, PickedLine, ReleaseOrderToWarehouseCommand, SimulatedFact, WarehouseCommandInput, WmsFact } from './facts';
import { createRandom, Random } from './random';
import { CatalogueItem, SimulatedWorld } from './world';

export interface WarehouseSimulationConfig {
  seed: number;
  world: SimulatedWorld;
  /** When the WMS first reports (ISO-8601). */
  startAt: string;
  /** Opening stock per tenant, sku and site, in the SKU's unit (default 20–200; pallets and kilograms scale alike). */
  initialStock?: { min: number; max: number };
  /** Share of tenant × sku × site that start empty, so orders wait for stock (default 0.05). */
  outOfStockRate?: number;
  /** Chance that a picked line comes up short because stock is not where the WMS thought (default 0.02). */
  shortageRate?: number;
  /** Response delays, uniform in [min, max]. */
  delays?: {
    acceptSeconds?: [number, number];
    pickMinutes?: [number, number];
    packMinutes?: [number, number];
    shipMinutes?: [number, number];
  };
  /** Periodic receipts for a tenant's sku at a site at or below the reorder point; `false` turns them off. */
  restock?: { everyMinutes: number; reorderPoint: number; quantity: [number, number] } | false;
  /** Chance per site per day of an unplanned closure of 1–4 hours (default 0). */
  siteClosureRate?: number;
}

export type WarehouseOrderStatus = 'RECEIVED' | 'ACCEPTED' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'NOTHING_PICKED' | 'CANCELLED';

/** The WMS's own view of a warehouse order, for checking an end-to-end run against. */
export interface WarehouseOrderView {
  warehouseOrderId: string;
  orderId: string;
  tenantId: string;
  siteId: string;
  status: WarehouseOrderStatus;
  lines: ReleaseOrderToWarehouseCommand['lines'];
  picked?: PickedLine[];
  packages?: Package[];
  receivedAt: string;
}

export interface WarehouseSimulator {
  /** Site statuses and opening stock, published at `startAt`; schedules restocks and closures. */
  start(): SimulatedFact<WmsFact>[];
  /** Takes a command at `at`; the answers come out of `advanceTo`. A repeated release is ignored. */
  handle(command: WarehouseCommandInput, at: string): void;
  /** Everything the WMS publishes up to and including `at`, in time order. */
  advanceTo(at: string): SimulatedFact<WmsFact>[];
  stockOnHand(tenantId: string, siteId: string, sku: string): number;
  /** A tenant's warehouse order: two tenants may release under the same warehouse order id. */
  warehouseOrder(tenantId: string, warehouseOrderId: string): WarehouseOrderView | undefined;
  warehouseOrders(): WarehouseOrderView[];
  /** Release commands received again for a warehouse order the tenant already had. */
  duplicateReleases(): number;
}

type Step =
  | { kind: 'ACCEPT' | 'PICK' | 'PACK' | 'SHIP' | 'CANCELLED'; tenantId: string; warehouseOrderId: string }
  | { kind: 'CANCEL_REJECTED'; command: WarehouseCommandInput; reason: 'ALREADY_SHIPPED' | 'UNKNOWN_WAREHOUSE_ORDER' }
  | { kind: 'RESTOCK' }
  | { kind: 'SITE_DAY'; siteId: string; day: number }
  | { kind: 'SITE_STATUS'; siteId: string; status: 'OPEN' | 'CLOSED'; reason: string }
  | { kind: 'PUTAWAY'; tenantId: string; siteId: string; sku: string; quantity: number };

const MINUTE = 60_000;
const BOXES: readonly [number, number, number][] = [
  [30, 20, 15],
  [40, 30, 25],
  [60, 40, 40],
  [80, 60, 50],
];
const MAX_PARCEL_KG = 25;
const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * A WMS model: publishes stock and site status, and answers ReleaseOrderToWarehouse with
 * accept → pick → pack → ship after configurable delays, with occasional shortages found at the
 * pick face. Effects happen at their own times (a pick lowers stock when it is published), so
 * `advanceTo` must be called with non-decreasing times. Deterministic for a seed and the same
 * sequence of calls; each warehouse order draws from its own sub-stream, so one order's
 * outcome does not depend on which others came before it.
 */
export function createWarehouseSimulator(config: WarehouseSimulationConfig): WarehouseSimulator {
  const { seed, world } = config;
  const { min: stockMin, max: stockMax } = config.initialStock ?? { min: 20, max: 200 };
  const outOfStockRate = config.outOfStockRate ?? 0.05;
  const shortageRate = config.shortageRate ?? 0.02;
  const delays = {
    acceptSeconds: config.delays?.acceptSeconds ?? [1, 30],
    pickMinutes: config.delays?.pickMinutes ?? [10, 90],
    packMinutes: config.delays?.packMinutes ?? [5, 30],
    shipMinutes: config.delays?.shipMinutes ?? [30, 240],
  };
  const restock = config.restock === undefined ? { everyMinutes: 60, reorderPoint: 10, quantity: [50, 200] as [number, number] } : config.restock;
  const siteClosureRate = config.siteClosureRate ?? 0;
  const startAt = Date.parse(config.startAt);

  const root = createRandom(seed);
  const ids = root.fork('wms:ids');
  const agenda = new Agenda<Step>();
  const stock = new Map<string, number>();
  const items = new Map<string, CatalogueItem>();
  // Every map of tenant data is keyed by the tenant: warehouse order ids, SKUs and order ids repeat
  // across tenants. Only the sites (physical, the operator's) are keyed by site alone.
  const orders = new Map<string, WarehouseOrderView & { random: Random }>();
  const siteStatus = new Map(world.sites.map((site) => [site.siteId, 'OPEN' as 'OPEN' | 'CLOSED']));
  let duplicates = 0;
  let clock = startAt;

  for (const tenant of world.tenants) for (const item of tenant.catalogue) items.set(`${tenant.tenantId}/${item.sku}`, item);
  const stockKey = (tenantId: string, siteId: string, sku: string) => `${tenantId}/${siteId}/${sku}`;
  const orderKey = (tenantId: string, warehouseOrderId: string) => `${tenantId}/${warehouseOrderId}`;

  const envelope = (at: number, key: string, fact: WmsFact, tenantId?: string): SimulatedFact<WmsFact> => ({
    at: new Date(at).toISOString(),
    system: 'WMS',
    eventId: ids.uuid(),
    tenantId: tenantId ?? '',
    key,
    fact,
  });

  const siteFact = (at: number, siteId: string, status: 'OPEN' | 'CLOSED', reason?: string) => {
    const site = world.sites.find((s) => s.siteId === siteId)!;
    siteStatus.set(siteId, status);
    // One status per site, reported by its operator: not one copy per tenant.
    return envelope(
      at,
      siteId,
      {
        type: 'SiteStatusChanged',
        siteId,
        operator: site.operator,
        status,
        timeZone: site.timeZone,
        releaseWindow: { ...site.releaseWindow },
        dailyCapacity: site.dailyCapacity,
        ...(reason ? { reason } : {}),
      },
      site.operator,
    );
  };

  const changeStock = (at: number, tenantId: string, siteId: string, sku: string, delta: number, reason: InventoryChangeReason) => {
    const key = stockKey(tenantId, siteId, sku);
    const onHand = round3(Math.max(0, (stock.get(key) ?? 0) + delta));
    const actual = round3(onHand - (stock.get(key) ?? 0));
    stock.set(key, onHand);
    const unitOfMeasure = items.get(`${tenantId}/${sku}`)?.unitOfMeasure ?? 'EA';
    return envelope(at, `${tenantId}@${sku}@${siteId}`, { type: 'InventoryLevelChanged', tenantId, siteId, sku, onHand, delta: actual, unitOfMeasure, reason }, tenantId);
  };

  const pack = (order: WarehouseOrderView, random: Random): Package[] => {
    const packages: Package[] = [];
    let box: { weight: number; volume: number; contents: Map<string, number> } | undefined;
    const close = () => {
      if (!box || box.contents.size === 0) return;
      const [lengthCm, widthCm, heightCm] = BOXES.find(([l, w, h]) => l * w * h >= box!.volume * 1.2) ?? BOXES[BOXES.length - 1];
      packages.push({
        packageId: `${order.warehouseOrderId}-P${packages.length + 1}`,
        weightKg: round1(box.weight + 0.3 + random.between(0, 0.2)),
        lengthCm,
        widthCm,
        heightCm,
        contents: [...box.contents].map(([sku, quantity]) => ({ sku, quantity: round3(quantity) })),
      });
      box = undefined;
    };
    for (const line of order.picked ?? []) {
      if (line.picked <= 0) continue;
      const item = items.get(`${order.tenantId}/${line.sku}`);
      const unitKg = item?.unitWeightKg ?? 1;
      const unitCm3 = item?.unitVolumeCm3 ?? 1000;
      if (line.unitOfMeasure === 'PL') {
        // A pallet travels as its own package.
        for (let n = 0; n < line.picked; n++)
          packages.push({
            packageId: `${order.warehouseOrderId}-P${packages.length + 1}`,
            weightKg: round1(unitKg + 20),
            lengthCm: 120,
            widthCm: 80,
            heightCm: random.int(100, 160),
            contents: [{ sku: line.sku, quantity: 1 }],
          });
        continue;
      }
      // Units go into parcels of at most 25 kg and the largest box; measured units split freely.
      let left = line.picked;
      while (left > 0) {
        box ??= { weight: 0, volume: 0, contents: new Map() };
        const [l, w, h] = BOXES[BOXES.length - 1];
        const room = Math.min((MAX_PARCEL_KG - box.weight) / unitKg, (l * w * h - box.volume) / unitCm3);
        const fits = line.unitOfMeasure === 'KG' || line.unitOfMeasure === 'M' ? Math.min(left, room) : Math.min(left, Math.floor(room));
        if (fits <= 0) {
          if (box.contents.size === 0) {
            // A single unit heavier or bigger than a parcel still ships, alone.
            box.contents.set(line.sku, 1);
            box.weight += unitKg;
            box.volume += unitCm3;
            left -= 1;
          }
          close();
          continue;
        }
        box.contents.set(line.sku, (box.contents.get(line.sku) ?? 0) + fits);
        box.weight += fits * unitKg;
        box.volume += fits * unitCm3;
        left = round3(left - fits);
      }
    }
    close();
    return packages;
  };

  const process = (at: number, step: Step): SimulatedFact<WmsFact>[] => {
    switch (step.kind) {
      case 'ACCEPT':
      case 'PICK':
      case 'PACK':
      case 'SHIP':
      case 'CANCELLED': {
        const order = orders.get(orderKey(step.tenantId, step.warehouseOrderId))!;
        const { warehouseOrderId, orderId, tenantId, siteId, random } = order;
        const ref = { warehouseOrderId, orderId, tenantId, siteId };
        if (step.kind === 'CANCELLED') return [envelope(at, orderId, { type: 'WarehouseOrderCancelled', ...ref }, tenantId)];
        if (order.status === 'CANCELLED') return [];
        if (step.kind === 'ACCEPT') {
          order.status = 'ACCEPTED';
          agenda.add(at + Math.round(random.between(...delays.pickMinutes) * MINUTE), { kind: 'PICK', tenantId, warehouseOrderId });
          return [envelope(at, orderId, { type: 'WarehouseOrderAccepted', ...ref }, tenantId)];
        }
        if (step.kind === 'PICK') {
          const facts: SimulatedFact<WmsFact>[] = [];
          order.picked = order.lines.map((line) => {
            const key = stockKey(tenantId, siteId, line.sku);
            if (random.chance(shortageRate)) {
              // The pick face holds less than the system says: the WMS writes the loss off.
              const onHand = stock.get(key) ?? 0;
              const lost = Math.min(onHand, Math.max(1, Math.ceil(line.quantity * random.between(0.2, 1))));
              if (lost > 0) facts.push(changeStock(at, tenantId, siteId, line.sku, -lost, 'ADJUSTMENT'));
            }
            const picked = round3(Math.min(line.quantity, stock.get(key) ?? 0));
            if (picked > 0) facts.push(changeStock(at, tenantId, siteId, line.sku, -picked, 'PICK'));
            return { sku: line.sku, ordered: line.quantity, picked, unitOfMeasure: line.unitOfMeasure };
          });
          const anything = order.picked.some((line) => line.picked > 0);
          order.status = anything ? 'PICKED' : 'NOTHING_PICKED';
          if (anything) agenda.add(at + Math.round(random.between(...delays.packMinutes) * MINUTE), { kind: 'PACK', tenantId, warehouseOrderId });
          facts.push(envelope(at, orderId, { type: 'WarehouseOrderPicked', ...ref, lines: order.picked, short: order.picked.some((l) => l.picked < l.ordered) }, tenantId));
          return facts;
        }
        if (step.kind === 'PACK') {
          order.status = 'PACKED';
          order.packages = pack(order, random);
          agenda.add(at + Math.round(random.between(...delays.shipMinutes) * MINUTE), { kind: 'SHIP', tenantId, warehouseOrderId });
          return [envelope(at, orderId, { type: 'OrderPacked', ...ref, packages: order.packages }, tenantId)];
        }
        order.status = 'SHIPPED';
        return [envelope(at, orderId, { type: 'OrderShipped', ...ref, packageIds: (order.packages ?? []).map((p) => p.packageId) }, tenantId)];
      }
      case 'CANCEL_REJECTED': {
        const { warehouseOrderId, orderId, tenantId, siteId } = step.command;
        return [envelope(at, orderId, { type: 'WarehouseCancellationRejected', warehouseOrderId, orderId, tenantId, siteId, reason: step.reason }, tenantId)];
      }
      case 'RESTOCK': {
        if (!restock) return [];
        const random = root.fork(`wms:restock:${at}`);
        const facts: SimulatedFact<WmsFact>[] = [];
        for (const tenant of world.tenants)
          for (const site of world.sites)
            for (const item of tenant.catalogue) {
              if ((stock.get(stockKey(tenant.tenantId, site.siteId, item.sku)) ?? 0) > restock.reorderPoint) continue;
              facts.push(changeStock(at, tenant.tenantId, site.siteId, item.sku, random.int(...restock.quantity), 'RECEIPT'));
            }
        agenda.add(at + restock.everyMinutes * MINUTE, { kind: 'RESTOCK' });
        return facts;
      }
      case 'SITE_DAY': {
        const random = root.fork(`wms:site:${step.siteId}:${step.day}`);
        if (random.chance(siteClosureRate)) {
          const closeAt = at + Math.round(random.between(0, 20 * 60) * MINUTE);
          agenda.add(closeAt, { kind: 'SITE_STATUS', siteId: step.siteId, status: 'CLOSED', reason: random.pick(['power outage', 'stocktake', 'system maintenance']) });
          agenda.add(closeAt + Math.round(random.between(60, 240) * MINUTE), { kind: 'SITE_STATUS', siteId: step.siteId, status: 'OPEN', reason: 'reopened' });
        }
        agenda.add(at + 24 * 60 * MINUTE, { kind: 'SITE_DAY', siteId: step.siteId, day: step.day + 1 });
        return [];
      }
      case 'SITE_STATUS':
        return [siteFact(at, step.siteId, step.status, step.reason)];
      case 'PUTAWAY':
        return [changeStock(at, step.tenantId, step.siteId, step.sku, step.quantity, 'PUTAWAY')];
    }
  };

  return {
    start() {
      const facts = world.sites.map((site) => siteFact(startAt, site.siteId, 'OPEN', 'initial'));
      const random = root.fork('wms:initial-stock');
      for (const tenant of world.tenants)
        for (const site of world.sites)
          for (const item of tenant.catalogue) {
            const onHand = random.chance(outOfStockRate) ? 0 : random.int(stockMin, stockMax);
            facts.push(changeStock(startAt, tenant.tenantId, site.siteId, item.sku, onHand, 'INITIAL'));
          }
      if (restock) agenda.add(startAt + restock.everyMinutes * MINUTE, { kind: 'RESTOCK' });
      if (siteClosureRate > 0) for (const site of world.sites) agenda.add(startAt, { kind: 'SITE_DAY', siteId: site.siteId, day: 0 });
      return facts;
    },

    handle(command, at) {
      // The WMS cannot act in the past: a command handled late is answered from now on.
      const now = Math.max(Date.parse(at), clock);
      const key = orderKey(command.tenantId, command.warehouseOrderId);
      if (command.type === 'ReleaseOrderToWarehouse') {
        if (orders.has(key)) {
          duplicates++;
          return;
        }
        const random = root.fork(`wms:order:${key}`);
        const { warehouseOrderId, orderId, tenantId, siteId } = command;
        orders.set(key, { warehouseOrderId, orderId, tenantId, siteId, status: 'RECEIVED', lines: command.lines.map((l) => ({ ...l })), receivedAt: at, random });
        agenda.add(now + Math.round(random.between(...delays.acceptSeconds) * 1000), { kind: 'ACCEPT', tenantId, warehouseOrderId });
        return;
      }
      // A cancel reaches only its own tenant's warehouse order, whatever another tenant calls theirs.
      const order = orders.get(key);
      const ackAt = now + Math.round(root.fork(`wms:cancel:${key}`).between(...delays.acceptSeconds) * 1000);
      if (!order) return agenda.add(ackAt, { kind: 'CANCEL_REJECTED', command, reason: 'UNKNOWN_WAREHOUSE_ORDER' });
      if (order.status === 'CANCELLED') return;
      if (order.status === 'SHIPPED') return agenda.add(ackAt, { kind: 'CANCEL_REJECTED', command, reason: 'ALREADY_SHIPPED' });
      order.status = 'CANCELLED';
      agenda.add(ackAt, { kind: 'CANCELLED', tenantId: order.tenantId, warehouseOrderId: order.warehouseOrderId });
      // Picked goods go back on the shelf when the cancellation is acknowledged.
      for (const line of order.picked ?? [])
        if (line.picked > 0) agenda.add(ackAt, { kind: 'PUTAWAY', tenantId: order.tenantId, siteId: order.siteId, sku: line.sku, quantity: line.picked });
    },

    advanceTo(at) {
      const until = Date.parse(at);
      if (until < clock) throw new RangeError(`advanceTo(${at}) goes back in time from ${new Date(clock).toISOString()}`);
      clock = until;
      const facts: SimulatedFact<WmsFact>[] = [];
      for (let due = agenda.takeDue(until); due; due = agenda.takeDue(until)) facts.push(...process(due.at, due.item));
      return facts;
    },

    stockOnHand: (tenantId, siteId, sku) => stock.get(stockKey(tenantId, siteId, sku)) ?? 0,
    warehouseOrder(tenantId, warehouseOrderId) {
      const order = orders.get(orderKey(tenantId, warehouseOrderId));
      if (!order) return undefined;
      const { random: _random, ...view } = order;
      return view;
    },
    warehouseOrders: () => [...orders.values()].map(({ random: _random, ...view }) => view),
    duplicateReleases: () => duplicates,
  };
}
