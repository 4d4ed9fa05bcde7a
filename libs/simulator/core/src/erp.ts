import { Agenda } from './agenda';
import { Address, ErpFact, OrderAmended, OrderLine, OrderPlaced, SimulatedFact } from './facts';
import { createRandom, Random } from './random';
import { CatalogueItem, siteFor, SimulatedCustomer, SimulatedTenant, SimulatedWorld } from './world';

export interface ErpSimulationConfig {
  seed: number;
  world: SimulatedWorld;
  /** When the first order may be placed (ISO-8601). */
  startAt: string;
  /** Mean arrival rate across all tenants (Poisson arrivals). */
  ordersPerHour: number;
  /** Stop after this many placements; endless when absent (use the generator). */
  orders?: number;
  /** Share of orders amended once (some of them twice), 0–1. */
  amendmentRate: number;
  /** Share of orders cancelled, some before and some after they could be released, 0–1. */
  cancellationRate: number;
  /** Share of orders placed while their customer is on credit hold, 0–1. */
  creditHoldRate: number;
  /** Share of orders that allow partial shipment (default 0.3). */
  allowPartialRate?: number;
  /** Share of orders with a bad line or ship-to address (default 0). */
  invalidOrderRate?: number;
  /** Share of facts the ERP publishes twice, same event id (default 0). */
  duplicateRate?: number;
  /** How long a credit hold lasts, in minutes (default 30–240). */
  creditHoldMinutes?: [number, number];
  /**
   * Put into every order number (`SO-<prefix><n>`), so runs with different seeds never reuse an
   * order id against the same event store (default none). Each tenant numbers its own orders
   * from 1, so tenants' order numbers collide: A's 17th order and B's 17th are both
   * `SO-<prefix>0000017` (the normal case, DESIGN §9).
   */
  orderNumberPrefix?: string;
}

const MINUTE = 60_000;
const CANCEL_REASONS = ['customer request', 'duplicate order', 'price dispute', 'replaced by new order'];
const HOLD_REASONS = ['over credit limit', 'overdue invoices', 'account review'];

function quantityFor(item: CatalogueItem, random: Random): number {
  switch (item.unitOfMeasure) {
    case 'EA':
      return random.weighted([
        [random.int(1, 6), 5],
        [random.int(7, 24), 3],
        [random.int(25, 120), 1],
      ]);
    case 'PK':
      return random.int(1, 12);
    case 'CS':
      return random.int(1, 10);
    case 'PL':
      return random.int(1, 2);
    case 'KG':
      return Math.round(random.between(0.5, 50) * 10) / 10;
    case 'M':
      return random.int(1, 100);
  }
}

function linesFor(tenant: SimulatedTenant, random: Random): OrderLine[] {
  const count = Math.min(
    tenant.catalogue.length,
    random.weighted([
      [1, 35],
      [2, 25],
      [3, 15],
      [4, 10],
      [5, 8],
      [6, 7],
    ]),
  );
  const pool = [...tenant.catalogue];
  const lines: OrderLine[] = [];
  for (let n = 0; n < count; n++) {
    const item = pool.splice(random.int(0, pool.length - 1), 1)[0];
    lines.push({ lineNumber: (n + 1) * 10, sku: item.sku, quantity: quantityFor(item, random), unitOfMeasure: item.unitOfMeasure });
  }
  // ERPs split a SKU over two lines now and then (a late add-on); order-release merges them.
  if (random.chance(0.03)) {
    const again = random.pick(lines);
    lines.push({ ...again, lineNumber: (lines.length + 1) * 10, quantity: quantityFor(tenant.catalogue.find((i) => i.sku === again.sku)!, random) });
  }
  return lines;
}

function spoil(order: OrderPlaced, random: Random): OrderPlaced {
  switch (random.int(0, 3)) {
    case 0:
      return { ...order, lines: order.lines.map((line, n) => (n === 0 ? { ...line, quantity: 0 } : line)) };
    case 1:
      return { ...order, lines: order.lines.map((line, n) => (n === 0 ? { ...line, unitOfMeasure: 'BOX' } : line)) };
    case 2: {
      const { postalCode: _dropped, ...shipTo } = order.shipTo;
      return { ...order, shipTo: { ...shipTo, line1: '' } };
    }
    default:
      return { ...order, shipTo: { ...order.shipTo, countryCode: 'XX' } };
  }
}

function dateOnly(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface CustomerCredit {
  customer: SimulatedCustomer;
  onHoldUntil: number;
  holds: number;
}

/**
 * The ERP's publications, in time order, forever (or until `orders` placements): orders for N
 * tenants, amendments, cancellations and credit holds at the configured rates. Same config and
 * seed → the same facts, in the same order, with the same event ids.
 */
export function* erpFacts(config: ErpSimulationConfig): Generator<SimulatedFact<ErpFact>> {
  const { seed, world, ordersPerHour, orders, amendmentRate, cancellationRate, creditHoldRate } = config;
  const allowPartialRate = config.allowPartialRate ?? 0.3;
  const invalidOrderRate = config.invalidOrderRate ?? 0;
  const duplicateRate = config.duplicateRate ?? 0;
  const [holdMin, holdMax] = config.creditHoldMinutes ?? [30, 240];
  if (!(ordersPerHour > 0)) throw new RangeError(`ordersPerHour must be positive, got ${ordersPerHour}`);
  for (const [name, rate] of Object.entries({ amendmentRate, cancellationRate, creditHoldRate, allowPartialRate, invalidOrderRate, duplicateRate })) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be within 0..1, got ${rate}`);
  }

  const root = createRandom(seed);
  const arrivals = root.fork('erp:arrivals');
  // Everything the ERP keeps per customer or order is per tenant: the ids collide across tenants.
  const credit = new Map(world.tenants.map((tenant) => [tenant.tenantId, tenant.customers.map((customer): CustomerCredit => ({ customer, onHoldUntil: -Infinity, holds: 0 }))]));
  const placedByTenant = new Map<string, number>();
  const agenda = new Agenda<SimulatedFact<ErpFact>>();
  const meanGap = 3_600_000 / ordersPerHour;

  const publish = (random: Random, at: number, tenantId: string, key: string, fact: ErpFact) => {
    const published: SimulatedFact<ErpFact> = { at: new Date(at).toISOString(), system: 'ERP', eventId: random.uuid(), tenantId, key, fact };
    agenda.add(at, published);
    if (duplicateRate > 0 && random.chance(duplicateRate)) {
      // A re-send: the same fact and event id, published again a little later.
      const again = at + Math.round(random.between(100, 5000));
      agenda.add(again, { ...published, at: new Date(again).toISOString() });
    }
  };

  // A credit hold goes out a second before its order: keep it at or after startAt.
  let placedAt = Date.parse(config.startAt) + 1000 + Math.round(arrivals.exponential(meanGap));
  for (let index = 0; orders === undefined || index < orders; index++) {
    const random = root.fork(`erp:order:${index}`);
    const tenant = random.weighted(world.tenants.map((t) => [t, t.weight] as const));
    const number = (placedByTenant.get(tenant.tenantId) ?? 0) + 1;
    placedByTenant.set(tenant.tenantId, number);
    const orderId = `SO-${config.orderNumberPrefix ?? ''}${String(number).padStart(7, '0')}`;

    // Credit: drawn per order, so the share of orders placed under a hold is the configured
    // rate. Held orders go to the tenant's credit-risk customers (a quarter of them), putting one
    // on hold if it is not yet; other orders go to any customer not on hold, so one always exists.
    const accounts = credit.get(tenant.tenantId)!;
    let account: CustomerCredit;
    if (random.chance(creditHoldRate)) {
      account = random.pick(accounts.slice(0, Math.max(1, Math.ceil(accounts.length / 4))));
      if (account.onHoldUntil <= placedAt) {
        // After the previous hold's release, even when that came less than a second ago.
        const holdAt = Math.max(placedAt - 1000, account.onHoldUntil + 1);
        const releaseAt = placedAt + Math.round(random.between(holdMin, holdMax) * MINUTE);
        account.onHoldUntil = releaseAt;
        const { customerId } = account.customer;
        const holdId = `${customerId}-H${++account.holds}`;
        publish(random, holdAt, tenant.tenantId, customerId, { type: 'CreditHoldPlaced', tenantId: tenant.tenantId, customerId, holdId, reason: random.pick(HOLD_REASONS) });
        publish(random, releaseAt, tenant.tenantId, customerId, { type: 'CreditHoldReleased', tenantId: tenant.tenantId, customerId, holdId });
      }
    } else {
      const free = accounts.filter((candidate) => candidate.onHoldUntil <= placedAt);
      account = random.pick(free.length > 0 ? free : accounts);
    }

    const shipTo: Address = { ...account.customer.shipTo };
    let placed: OrderPlaced = {
      type: 'OrderPlaced',
      orderId,
      tenantId: tenant.tenantId,
      customerId: account.customer.customerId,
      siteId: siteFor(world, shipTo.countryCode, random).siteId,
      revision: 1,
      placedAt: new Date(placedAt).toISOString(),
      promisedDate: dateOnly(placedAt + random.int(2, 7) * 86_400_000),
      fulfilment: random.chance(allowPartialRate) ? 'ALLOW_PARTIAL' : 'SHIP_COMPLETE',
      shipTo,
      lines: linesFor(tenant, random),
    };
    if (random.chance(invalidOrderRate)) placed = spoil(placed, random);
    publish(random, placedAt, tenant.tenantId, orderId, placed);

    let lastChangeAt = placedAt;
    if (random.chance(amendmentRate)) {
      let current = { siteId: placed.siteId, lines: placed.lines, shipTo: placed.shipTo, promisedDate: placed.promisedDate };
      let lines = placed.lines;
      const amendments = random.chance(0.15) ? 2 : 1;
      for (let revision = 2; revision < 2 + amendments; revision++) {
        lastChangeAt += Math.round(random.between(2, 60) * MINUTE);
        const kind = random.weighted([
          ['lines', 7],
          ['promisedDate', 2],
          ['shipTo', 1],
        ] as const);
        const changes: OrderAmended['changes'] =
          kind === 'lines'
            ? { lines: (lines = amendLines(lines, tenant, random)) }
            : kind === 'promisedDate'
              ? { promisedDate: dateOnly(lastChangeAt + random.int(3, 10) * 86_400_000) }
              : { shipTo: { ...placed.shipTo, line2: `Dock ${random.int(1, 12)}` } };
        current = { ...current, ...changes };
        publish(random, lastChangeAt, tenant.tenantId, orderId, { type: 'OrderAmended', orderId, tenantId: tenant.tenantId, revision, amendedAt: new Date(lastChangeAt).toISOString(), changes, order: current });
      }
    }
    if (random.chance(cancellationRate)) {
      const cancelledAt = lastChangeAt + Math.round(random.between(5, 240) * MINUTE);
      publish(random, cancelledAt, tenant.tenantId, orderId, {
        type: 'OrderCancelled',
        orderId,
        tenantId: tenant.tenantId,
        reason: random.pick(CANCEL_REASONS),
        cancelledAt: new Date(cancelledAt).toISOString(),
      });
    }

    const nextPlacedAt = orders !== undefined && index + 1 >= orders ? Infinity : placedAt + Math.max(1, Math.round(arrivals.exponential(meanGap)));
    // Everything published later is at or after the next placement's credit hold (1 s before it).
    for (let due = agenda.takeDue(nextPlacedAt - 1000, true); due; due = agenda.takeDue(nextPlacedAt - 1000, true)) yield due.item;
    placedAt = nextPlacedAt;
  }
}

function amendLines(lines: OrderLine[], tenant: SimulatedTenant, random: Random): OrderLine[] {
  const unused = tenant.catalogue.filter((item) => !lines.some((line) => line.sku === item.sku));
  if (unused.length > 0 && random.chance(0.3)) {
    const item = random.pick(unused);
    return [...lines, { lineNumber: Math.max(...lines.map((l) => l.lineNumber)) + 10, sku: item.sku, quantity: quantityFor(item, random), unitOfMeasure: item.unitOfMeasure }];
  }
  const target = random.int(0, lines.length - 1);
  return lines.map((line, n) => {
    if (n !== target) return line;
    const item = tenant.catalogue.find((i) => i.sku === line.sku);
    return { ...line, quantity: item ? quantityFor(item, random) : line.quantity };
  });
}

/** A finite ERP run as an array (`orders` is required). */
export function simulateErp(config: ErpSimulationConfig & { orders: number }): SimulatedFact<ErpFact>[] {
  return [...erpFacts(config)];
}
