import type { PublishEvents } from '../outbox-relay';
import type { Logger, StoredEvent } from '../types';

/** What `isOutage` recognises as the broker being away (a socket error, as kafkajs wraps it). */
export const brokerDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });

/**
 * The publish port without a broker: records what it was handed in order, refuses the events in
 * `poison` (as a mapper or the Avro encoder refuses a value: a plain error, not an outage), and
 * fails every call with an outage while `outage` is set.
 */
export function fakePublisher() {
  const state = {
    published: [] as StoredEvent[],
    poison: new Set<string>(),
    outage: false,
    calls: 0,
  };
  const publish: PublishEvents = async (events) => {
    state.calls++;
    if (state.outage) throw brokerDown();
    const bad = events.find((e) => state.poison.has(e.eventId));
    if (bad) throw new Error(`cannot encode ${bad.eventType} ${bad.eventId}: "site" is not a string`);
    state.published.push(...events);
  };
  return Object.assign(state, { publish });
}

/** A logger that keeps its lines, for tests that assert what an operator would read. */
export function capturingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void lines.push({ level, message, fields });
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}
