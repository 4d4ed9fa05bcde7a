import { roundQuantity, UNITS_OF_MEASURE } from '@lading/shared-domain';
import type { FulfilmentPolicy, ReleaseLine, Shortage, StockPosition } from './order-release';

export interface Allocation {
  /** What to reserve at the site and send to the warehouse now. Empty: nothing can go. */
  reserve: ReleaseLine[];
  /** What stays waiting for stock. */
  backorder: ReleaseLine[];
  /** One per SKU the order cannot have in full. */
  shortages: Shortage[];
}

/**
 * What this order may take of one SKU: what is available to promise minus what older held
 * orders are waiting for. This is the fairness rule: stock that arrives while an older order
 * waits for it accumulates for that order; a younger order, however small, cannot take it.
 */
export function availableToOrder(position: StockPosition | undefined): number {
  if (!position) return 0;
  return Math.max(0, roundQuantity(position.available - Math.max(0, position.awaitedByOlderOrders)));
}

/**
 * The allocation rule, given release lines (one per SKU), stock per SKU at the site and the
 * order's policy:
 *   SHIP_COMPLETE — every line in full, or nothing (all lines stay waiting);
 *   ALLOW_PARTIAL — each line gets what is available (whole units for discrete units), the
 *     rest is backordered; when nothing at all is available nothing is reserved.
 * The app applies `reserve` atomically in PostgreSQL; this function only says what to ask for.
 */
export function allocate(lines: readonly ReleaseLine[], stock: Readonly<Record<string, StockPosition>>, fulfilment: FulfilmentPolicy): Allocation {
  const shortages: Shortage[] = [];
  const reservable = lines.map((line) => {
    const available = availableToOrder(stock[line.sku]);
    const whole = UNITS_OF_MEASURE[line.unitOfMeasure].discrete ? Math.floor(available) : available;
    const take = Math.min(line.quantity, whole);
    if (take < line.quantity) shortages.push({ sku: line.sku, requested: line.quantity, available: whole, unitOfMeasure: line.unitOfMeasure });
    return { line, take };
  });

  if (fulfilment === 'SHIP_COMPLETE' && shortages.length > 0) return { reserve: [], backorder: lines.map(copy), shortages };

  const reserve = reservable.filter(({ take }) => take > 0).map(({ line, take }) => ({ ...copy(line), quantity: take }));
  if (reserve.length === 0) return { reserve: [], backorder: lines.map(copy), shortages };
  const backorder = reservable
    .filter(({ line, take }) => take < line.quantity)
    .map(({ line, take }) => ({ ...copy(line), quantity: roundQuantity(line.quantity - take) }));
  return { reserve, backorder, shortages };
}

function copy(line: ReleaseLine): ReleaseLine {
  return { ...line, lineNumbers: [...line.lineNumbers] };
}
