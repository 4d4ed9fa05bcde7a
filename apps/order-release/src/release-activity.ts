import { Counter, type Registry } from 'prom-client';
import type { OrderReleaseMessage } from '@lading/order-release-domain';

/**
 * What order-release decided, as Prometheus counters and a periodic log line: the operator's
 * answer to "is it releasing, and if not, why not?".
 */
export function createReleaseActivity(registry: Registry) {
  const decisions = new Counter({
    name: 'lading_order_release_decisions_total',
    help: 'Order-release decisions by outcome (released, held, cancelled, amendment_refused)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const holdReasons = new Counter({
    name: 'lading_order_release_hold_reasons_total',
    help: 'Reasons given on OrderHeld decisions, by reason code',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  let window = { released: 0, held: 0, cancelled: 0, refused: 0, reasons: {} as Record<string, number> };

  return {
    record(messages: readonly OrderReleaseMessage[]): void {
      for (const message of messages) {
        switch (message.type) {
          case 'OrderReleased':
            decisions.inc({ outcome: 'released' });
            window.released++;
            break;
          case 'OrderHeld':
            decisions.inc({ outcome: 'held' });
            window.held++;
            for (const reason of message.data.reasons) {
              holdReasons.inc({ reason: reason.code });
              window.reasons[reason.code] = (window.reasons[reason.code] ?? 0) + 1;
            }
            break;
          case 'OrderCancelled':
            decisions.inc({ outcome: 'cancelled' });
            window.cancelled++;
            break;
          case 'AmendmentRefused':
            decisions.inc({ outcome: 'amendment_refused' });
            window.refused++;
            break;
        }
      }
    },
    /** The decisions since the last call, or undefined when there were none. */
    drain(): Record<string, unknown> | undefined {
      const current = window;
      window = { released: 0, held: 0, cancelled: 0, refused: 0, reasons: {} };
      return current.released + current.held + current.cancelled + current.refused > 0 ? current : undefined;
    },
  };
}

export type ReleaseActivity = ReturnType<typeof createReleaseActivity>;
