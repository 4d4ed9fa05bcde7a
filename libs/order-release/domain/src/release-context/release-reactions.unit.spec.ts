import type { OrderHeld, OrderReleaseState } from '../order-release/order-release';
import { order } from '../order-release/order-release.fixtures';
import type { HeldOrder } from '../order-release/reevaluation';
import { claimsGivenUpBy, releaseTriggerFor, windowReevaluationsFor, worthReevaluating } from './release-reactions';

const held = (reasons: HeldOrder['reasons']): HeldOrder => ({
  orderId: 'SO-1',
  tenantId: 'acme',
  customerId: 'C-1',
  siteId: 'US-NJ1',
  queuedSince: '2026-01-15T10:00:00.000Z',
  reasons,
  waitingFor: [{ sku: 'BOLT-M8', quantity: 5 }],
  backorder: false,
});

describe('when held orders are decided again', () => {
  it('given a stock level, a site status or a credit change, then the trigger names exactly what changed, tenant included', () => {
    expect(
      releaseTriggerFor({ kind: 'StockLevel', tenantId: 'acme', siteId: 'DC-1', sku: 'BOLT', onHand: 1, allocated: 0, unitOfMeasure: 'EA', changeReason: null, occurredAt: 'x' }),
    ).toEqual({ kind: 'INVENTORY_CHANGED', tenantId: 'acme', siteId: 'DC-1', sku: 'BOLT' });
    expect(releaseTriggerFor({ kind: 'CreditHoldReleased', tenantId: 'acme', customerId: 'C-1', holdId: 'H', orderId: null, occurredAt: 'x' })).toEqual({
      kind: 'CREDIT_CHANGED',
      tenantId: 'acme',
      customerId: 'C-1',
      onHold: false,
    });
  });

  it('given a held order, when anything is decided about it, then it gives up its claim on every SKU it waited for; a released order gives up nothing', () => {
    const heldState: OrderReleaseState = {
      status: 'Held',
      order,
      queuedSince: '2026-01-15T10:00:00.000Z',
      reasons: [],
      heldLines: [
        { sku: 'BOLT-M8', quantity: 5, unitOfMeasure: 'EA', lineNumbers: [1] },
        { sku: 'NUT-M8', quantity: 2, unitOfMeasure: 'CS', lineNumbers: [2] },
      ],
    };
    const anyDecision = [{ type: 'OrderAmended', data: {} }] as never;
    expect(claimsGivenUpBy(heldState, anyDecision).map((t) => t.sku)).toEqual(['BOLT-M8', 'NUT-M8']);
    expect(claimsGivenUpBy(heldState, [])).toEqual([]);
    expect(claimsGivenUpBy({ status: 'Released', order, releases: [] }, anyDecision)).toEqual([]);
  });

  it('given a hold past the cut-off and at capacity, then it is decided again at the earliest window it names', () => {
    const message = {
      type: 'OrderHeld',
      data: {
        orderId: 'SO-1',
        reasons: [
          { code: 'NO_CAPACITY', nextWindowOpensAt: '2026-01-16T11:00:00.000Z' },
          { code: 'PAST_CUT_OFF', nextWindowOpensAt: '2026-01-16T10:00:00.000Z' },
          { code: 'CREDIT_HOLD' },
        ],
      },
    } as unknown as OrderHeld;
    expect(windowReevaluationsFor([message])).toEqual([{ orderId: 'SO-1', dueAt: '2026-01-16T10:00:00.000Z' }]);
    expect(windowReevaluationsFor([{ ...message, data: { ...message.data, reasons: [{ code: 'CREDIT_HOLD' }] } } as never])).toEqual([]);
  });

  it('given an order held for stock, then the sweep wakes it only when a SKU it waits for has unallocated stock on hand', () => {
    expect(worthReevaluating(held(['INSUFFICIENT_INVENTORY']), new Map([['BOLT-M8', { onHand: 3, allocated: 1 }]]))).toBe(true);
    expect(worthReevaluating(held(['INSUFFICIENT_INVENTORY']), new Map([['BOLT-M8', { onHand: 3, allocated: 3 }]]))).toBe(false);
    expect(worthReevaluating(held(['CREDIT_HOLD']), new Map([['BOLT-M8', { onHand: 3, allocated: 0 }]]))).toBe(false);
  });
});
