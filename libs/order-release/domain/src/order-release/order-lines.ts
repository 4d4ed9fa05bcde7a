import { isUnitOfMeasure, roundQuantity, UNITS_OF_MEASURE } from '@lading/shared-domain';
import type { LineProblem, OrderLine, ReleaseLine } from './order-release';

/**
 * Validates the ERP's lines and merges lines of the same SKU and unit into one release line.
 * A line with a problem is left out of `lines`; the order is held while any problem remains.
 */
export function normaliseLines(orderLines: readonly OrderLine[]): { lines: ReleaseLine[]; problems: LineProblem[] } {
  const problems: LineProblem[] = [];
  if (orderLines.length === 0) return { lines: [], problems: [{ lineNumber: null, problem: 'NO_LINES' }] };

  const seenLineNumbers = new Set<number>();
  const bySku = new Map<string, ReleaseLine>();
  const conflicting = new Set<string>();
  for (const line of [...orderLines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    const sku = typeof line.sku === 'string' ? line.sku.trim() : '';
    const lineProblems: LineProblem[] = [];
    if (seenLineNumbers.has(line.lineNumber)) lineProblems.push({ lineNumber: line.lineNumber, sku, problem: 'DUPLICATE_LINE_NUMBER' });
    seenLineNumbers.add(line.lineNumber);
    if (sku.length === 0) lineProblems.push({ lineNumber: line.lineNumber, problem: 'MISSING_SKU' });
    if (!Number.isFinite(line.quantity) || line.quantity <= 0) lineProblems.push({ lineNumber: line.lineNumber, sku, problem: 'NON_POSITIVE_QUANTITY' });
    if (!isUnitOfMeasure(line.unitOfMeasure)) {
      lineProblems.push({ lineNumber: line.lineNumber, sku, problem: 'UNKNOWN_UNIT_OF_MEASURE' });
    } else if (UNITS_OF_MEASURE[line.unitOfMeasure].discrete && Number.isFinite(line.quantity) && !Number.isInteger(line.quantity)) {
      lineProblems.push({ lineNumber: line.lineNumber, sku, problem: 'FRACTIONAL_QUANTITY' });
    }
    if (lineProblems.length > 0) {
      problems.push(...lineProblems);
      continue;
    }
    const unitOfMeasure = line.unitOfMeasure as ReleaseLine['unitOfMeasure'];
    const merged = bySku.get(sku);
    if (!merged) {
      bySku.set(sku, { sku, quantity: line.quantity, unitOfMeasure, lineNumbers: [line.lineNumber] });
    } else if (merged.unitOfMeasure !== unitOfMeasure) {
      // Merging 2 CS with 5 EA needs a pack size we do not have: the ERP must fix the order.
      problems.push({ lineNumber: line.lineNumber, sku, problem: 'CONFLICTING_UNITS_FOR_SKU' });
      conflicting.add(sku);
    } else {
      merged.quantity = roundQuantity(merged.quantity + line.quantity);
      merged.lineNumbers.push(line.lineNumber);
    }
  }
  for (const sku of conflicting) {
    const merged = bySku.get(sku);
    if (merged) for (const lineNumber of merged.lineNumbers) problems.push({ lineNumber, sku, problem: 'CONFLICTING_UNITS_FOR_SKU' });
    bySku.delete(sku);
  }
  problems.sort((a, b) => (a.lineNumber ?? -1) - (b.lineNumber ?? -1));
  return { lines: [...bySku.values()].sort((a, b) => a.lineNumbers[0] - b.lineNumbers[0]), problems };
}
