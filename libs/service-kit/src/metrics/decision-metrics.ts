import type { StoredEvent } from '@lading/event-store';
import { Counter, type Registry } from 'prom-client';

/**
 * What a service decided, as counters and a periodic log line — the operator's answer to "is
 * it deciding, and what?". Counted from committed events only (the event store tells after each
 * commit), so a rolled-back and retried unit is counted once.
 */
export function createDecisionMetrics(registry: Registry, details?: (event: { type: string }) => readonly string[]) {
  const decisions = new Counter({
    name: 'lading_decisions_total',
    help: 'Events the service appended (its decisions and commands), by stream type and event type',
    labelNames: ['stream_type', 'event_type'] as const,
    registers: [registry],
  });
  const detailed = new Counter({
    name: 'lading_decision_details_total',
    help: 'Details of decisions the service labels (e.g. hold reasons), by event type and detail',
    labelNames: ['event_type', 'detail'] as const,
    registers: [registry],
  });
  let window = new Map<string, number>();
  const bump = (key: string) => window.set(key, (window.get(key) ?? 0) + 1);

  return {
    /** An `onCommitted` listener. */
    record(events: readonly StoredEvent[]): void {
      for (const event of events) {
        decisions.inc({ stream_type: event.streamType, event_type: event.eventType });
        bump(event.eventType);
        for (const detail of details?.(event.payload as { type: string }) ?? []) {
          detailed.inc({ event_type: event.eventType, detail });
          bump(`${event.eventType}:${detail}`);
        }
      }
    },
    /** Counts since the last call, or undefined when nothing was decided. */
    drain(): Record<string, number> | undefined {
      const current = window;
      window = new Map();
      return current.size > 0 ? Object.fromEntries([...current].sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;
    },
  };
}
