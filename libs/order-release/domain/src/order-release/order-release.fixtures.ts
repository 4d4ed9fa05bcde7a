import type { OrderDetails, ReleaseContext, SiteReadiness, StockPosition } from './order-release';

// Fixtures for the specs only (not exported from the package).

/** 10:00 in New York on an ordinary Thursday. */
export const NOW = new Date('2026-01-15T15:00:00.000Z');

export const order: OrderDetails = {
  orderId: 'SO-1001',
  tenantId: 'acme',
  customerId: 'CUST-42',
  siteId: 'US-NJ1',
  revision: 1,
  placedAt: '2026-01-15T14:59:58.000Z',
  promisedDate: '2026-01-20',
  fulfilment: 'SHIP_COMPLETE',
  shipTo: { name: 'Harbor Hardware', line1: '12 Dock St', city: 'Newark', region: 'NJ', postalCode: '07102', countryCode: 'US' },
  lines: [
    { lineNumber: 1, sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA' },
    { lineNumber: 2, sku: 'NUT-M8', quantity: 2, unitOfMeasure: 'CS' },
  ],
};

export const site: SiteReadiness = {
  siteId: 'US-NJ1',
  timeZone: 'America/New_York',
  status: 'OPEN',
  releaseWindow: { opensAt: '06:00', cutOff: '15:00' },
  dailyCapacity: 100,
  releasedOrders: { operatingDay: '2026-01-15', count: 10 },
  servesTenant: true,
};

export function stock(available: number, awaitedByOlderOrders = 0, unitOfMeasure?: string): StockPosition {
  return { available, awaitedByOlderOrders, ...(unitOfMeasure ? { unitOfMeasure } : {}) };
}

export function contextWith(overrides: Partial<ReleaseContext> = {}): ReleaseContext {
  return {
    credit: { customerId: order.customerId, onHold: false },
    site,
    inventory: { 'BOLT-M8': stock(100), 'NUT-M8': stock(10) },
    ...overrides,
  };
}
