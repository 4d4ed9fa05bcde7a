import type { CancelWarehouseOrder, ReleaseOrderToWarehouse, WmsCommandsV1Record } from '@lading/contracts';
import type { ReleaseOrderToWarehouseCommand, SimulatedWorld, WarehouseOrderView, WarehouseSimulator } from '@lading/simulator-core';
import type { SimulationClock } from './clock';
import type { Logger } from './logger';
import { cancelCommandsFrom, releaseCommandFrom, warehouseOrderIdFor, type ReleasedWarehouseOrder, type WmsMappingContext } from './simulator.mapper';

export interface StockLevel {
  tenantId: string;
  siteId: string;
  sku: string;
  onHand: number;
  allocated: number;
}

/** What became of a command: acted on, or ignored (the reason is a metric label). */
export type CommandOutcome = { handled: true } | { handled: false; reason: string };

/**
 * The WMS adapter's bookkeeping around the model: which command made which warehouse order,
 * what is allocated, what each site released today. Pure (no Kafka): the adapter feeds it
 * decoded commands and maps the model's facts with its `context`.
 */
export interface WmsBookkeeping {
  /** Acts on a decoded command from wms.commands.v1. */
  handle(record: WmsCommandsV1Record): CommandOutcome;
  /** What the mapper needs to know, at wall-clock `occurredAt`. */
  context(occurredAt: number): WmsMappingContext;
  /** Frees the stock of warehouse orders the pick has taken (or a cancel or an empty pick freed). */
  settleAllocations(): void;
  /** Warehouse orders received and not yet shipped, cancelled or found empty. */
  openWarehouseOrders(): number;
  warehouseOrders(tenantId?: string): WarehouseOrderView[];
  stock(tenantId?: string): StockLevel[];
}

const OPEN: ReadonlySet<WarehouseOrderView['status']> = new Set(['RECEIVED', 'ACCEPTED']);
const UNFINISHED: ReadonlySet<WarehouseOrderView['status']> = new Set(['RECEIVED', 'ACCEPTED', 'PICKED', 'PACKED']);

/**
 * Tenants reuse order numbers, warehouse order ids, SKUs and even event ids (DESIGN §9): every
 * map of tenant data here is keyed by the tenant first. Only `releasedToday` is per site alone:
 * the site and its daily capacity are the operator's, shared by every tenant it serves.
 */
export function createWmsBookkeeping(options: { model: WarehouseSimulator; world: SimulatedWorld; clock: SimulationClock; logger: Logger }): WmsBookkeeping {
  const { model, world, clock, logger } = options;
  const iso = (ms: number) => new Date(ms).toISOString();
  const served = new Set(world.tenants.map((t) => t.tenantId));
  const catalogueUnits = new Map(world.tenants.map((t) => [t.tenantId, new Map(t.catalogue.map((item) => [item.sku, item.unitOfMeasure as string]))]));
  const sites = new Map(world.sites.map((site) => [site.siteId, site]));
  const scoped = (tenantId: string, id: string) => `${tenantId}/${id}`;
  const stockKey = (tenantId: string, siteId: string, sku: string) => `${tenantId}/${siteId}/${sku}`;
  const localDay = (siteId: string, at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: sites.get(siteId)?.timeZone ?? 'UTC' }).format(at);

  /** tenant/warehouseOrderId → the command it came from (the mapper's causation and correlation). */
  const released = new Map<string, ReleasedWarehouseOrder>();
  /** tenant/orderId → its warehouse order ids, in release order: a cancel reaches only its own tenant's. */
  const warehouseOrderIdsByOrder = new Map<string, string[]>();
  /** tenant/command eventId → warehouse order id: a redelivered release (same tenant, same event id). */
  const warehouseOrderIdByCommand = new Map<string, string>();
  /** tenant/site/sku → quantity allocated to released orders not yet picked. */
  const allocated = new Map<string, number>();
  /** tenant/warehouseOrderId → the command whose stock is allocated. */
  const allocating = new Map<string, ReleaseOrderToWarehouseCommand>();
  /** siteId → releases on the site's local day, over every tenant. */
  const releasedToday = new Map<string, { day: string; count: number }>();
  /** tenant/warehouseOrderId → [tenant, id] of unfinished orders: walking every order each tick would grow without bound. */
  const unfinished = new Map<string, [string, string]>();

  const allocate = (command: ReleaseOrderToWarehouseCommand, sign: 1 | -1) => {
    for (const line of command.lines) {
      const key = stockKey(command.tenantId, command.siteId, line.sku);
      allocated.set(key, Math.max(0, Math.round(((allocated.get(key) ?? 0) + sign * line.quantity) * 1000) / 1000));
    }
  };

  const ignored = (reason: string): CommandOutcome => ({ handled: false, reason });

  const handleRelease = (value: ReleaseOrderToWarehouse): CommandOutcome => {
    const tenantId = value.meta.tenantId;
    if (warehouseOrderIdByCommand.has(scoped(tenantId, value.meta.eventId))) return ignored('redelivered');
    // A backorder is released again under the same order id: each release is a warehouse order of its own.
    const ids = warehouseOrderIdsByOrder.get(scoped(tenantId, value.orderId)) ?? [];
    const warehouseOrderId = warehouseOrderIdFor(value, ids.length);
    // Lading's id names one warehouse order of the tenant for good: a second command for it (a
    // re-sent release under a new event id, or another order's id by mistake) must not start a second one.
    const existing = released.get(scoped(tenantId, warehouseOrderId));
    if (existing) {
      if (existing.orderId !== value.orderId) logger.warn('wms ignored a release naming a warehouse order of another order', { warehouseOrderId, orderId: value.orderId, tenantId });
      return ignored('known_warehouse_order');
    }
    const command = releaseCommandFrom(value, warehouseOrderId, (sku) => catalogueUnits.get(tenantId)?.get(sku));
    ids.push(warehouseOrderId);
    warehouseOrderIdsByOrder.set(scoped(tenantId, value.orderId), ids);
    warehouseOrderIdByCommand.set(scoped(tenantId, value.meta.eventId), warehouseOrderId);
    released.set(scoped(tenantId, warehouseOrderId), { commandEventId: value.meta.eventId, correlationId: value.meta.correlationId, tenantId, orderId: value.orderId, lines: value.lines });
    const now = clock.simulatedAt();
    model.handle(command, iso(now));
    allocate(command, 1);
    allocating.set(scoped(tenantId, warehouseOrderId), command);
    unfinished.set(scoped(tenantId, warehouseOrderId), [tenantId, warehouseOrderId]);
    const day = localDay(value.siteId, now);
    const today = releasedToday.get(value.siteId);
    releasedToday.set(value.siteId, { day, count: today && today.day === day ? today.count + 1 : 1 });
    return { handled: true };
  };

  const handleCancel = (value: CancelWarehouseOrder): CommandOutcome => {
    const ids = warehouseOrderIdsByOrder.get(scoped(value.meta.tenantId, value.orderId)) ?? [];
    if (ids.length === 0) return ignored('unknown_order');
    const commands = cancelCommandsFrom(value, ids);
    if (commands.length === 0) return ignored('unknown_warehouse_order');
    for (const command of commands) model.handle(command, iso(clock.simulatedAt()));
    return { handled: true };
  };

  const statusOf = (tenantId: string, warehouseOrderId: string) => model.warehouseOrder(tenantId, warehouseOrderId)?.status ?? 'CANCELLED';

  return {
    handle(record) {
      if (!served.has(record.value.meta.tenantId)) return ignored('other_tenant');
      switch (record.recordType) {
        case 'lading.commands.ReleaseOrderToWarehouse':
          return handleRelease(record.value);
        case 'lading.commands.CancelWarehouseOrder':
          return handleCancel(record.value);
        case 'lading.commands.ExpectReturn':
          return ignored('not_simulated');
      }
    },

    context: (occurredAt) => ({
      occurredAt,
      warehouseOrder: (tenantId, warehouseOrderId) => released.get(scoped(tenantId, warehouseOrderId)),
      allocated: (tenantId, siteId, sku) => allocated.get(stockKey(tenantId, siteId, sku)) ?? 0,
      ordersReleasedToday: (siteId) => {
        const today = releasedToday.get(siteId);
        return today && today.day === localDay(siteId, clock.simulatedAt(occurredAt)) ? today.count : 0;
      },
    }),

    settleAllocations() {
      for (const [key, command] of allocating) {
        if (OPEN.has(statusOf(command.tenantId, command.warehouseOrderId))) continue;
        allocate(command, -1);
        allocating.delete(key);
      }
    },

    openWarehouseOrders() {
      for (const [key, [tenantId, warehouseOrderId]] of unfinished) if (!UNFINISHED.has(statusOf(tenantId, warehouseOrderId))) unfinished.delete(key);
      return unfinished.size;
    },

    warehouseOrders: (tenantId) => model.warehouseOrders().filter((order) => tenantId === undefined || order.tenantId === tenantId),

    stock(tenantId) {
      const levels: StockLevel[] = [];
      for (const tenant of world.tenants) {
        if (tenantId !== undefined && tenant.tenantId !== tenantId) continue;
        for (const site of world.sites)
          for (const item of tenant.catalogue)
            levels.push({
              tenantId: tenant.tenantId,
              siteId: site.siteId,
              sku: item.sku,
              onHand: model.stockOnHand(tenant.tenantId, site.siteId, item.sku),
              allocated: allocated.get(stockKey(tenant.tenantId, site.siteId, item.sku)) ?? 0,
            });
      }
      return levels;
    },
  };
}
