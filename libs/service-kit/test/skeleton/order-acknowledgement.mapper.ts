import type { ErpOrdersV1Record } from '@lading/contracts';
import { isoInstant, type DecisionInput, type Inbound } from '../../src';
import type { AcknowledgementCommand } from './order-acknowledgement';

/** The skeleton's mapper: each `erp.orders.v1` record becomes (at most) one decision, once. */
export function acknowledgementInputs(record: ErpOrdersV1Record, inbound: Inbound): DecisionInput<AcknowledgementCommand>[] {
  const decide = (command: AcknowledgementCommand): DecisionInput<AcknowledgementCommand>[] => [
    { kind: 'decision', tenantId: inbound.tenantId, streamType: 'order-acknowledgement', key: record.value.orderId, command, cause: inbound.cause },
  ];
  const at = isoInstant(record.value.meta.occurredAt, 'meta.occurredAt');
  if (record.recordType === 'lading.erp.OrderPlaced') return decide({ type: 'AcknowledgeOrder', data: { orderId: record.value.orderId, lines: record.value.lines.length, placedAt: at } });
  if (record.recordType === 'lading.erp.OrderCancelled') return decide({ type: 'NoteCancellation', data: { orderId: record.value.orderId, cancelledAt: at } });
  return [];
}
