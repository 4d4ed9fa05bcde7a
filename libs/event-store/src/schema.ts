/** Default PostgreSQL schema holding every service's streams (stream type tells them apart). */
export const DEFAULT_EVENT_STORE_SCHEMA = 'event_store';

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Schema and table names are spliced into SQL (they cannot be bind parameters), so they are
 * validated once here instead of being trusted wherever a query is built.
 */
export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!identifier.test(name)) throw new Error(`invalid ${what} "${name}": use lower-case letters, digits and _`);
  return name;
}

/** Fully qualified table names of one event-store schema. */
export function tablesOf(schema: string) {
  const s = `"${assertIdentifier(schema, 'schema')}"`;
  return {
    schema: s,
    streams: `${s}.streams`,
    events: `${s}.events`,
    inbox: `${s}.inbox`,
    checkpoints: `${s}.checkpoints`,
    projections: `${s}.projections`,
    snapshots: `${s}.snapshots`,
    timers: `${s}.timers`,
    relayParkedEvents: `${s}.relay_parked_events`,
    writersLock: writersLockOf(schema),
  };
}

export type EventStoreTables = ReturnType<typeof tablesOf>;

/** A 32-bit FNV-1a hash as a signed int4: advisory lock keys are (int4, int4). */
function int4Hash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * The advisory lock every transaction of one event-store schema holds shared from its BEGIN,
 * before it has a transaction id: the readers' gap-free cut-off is the oldest id among its
 * holders (see commit-order.ts), so transactions elsewhere on the server never hold them back.
 */
export function writersLockOf(schema: string): { classId: number; objectId: number } {
  return { classId: int4Hash('lading.event-store.writers'), objectId: int4Hash(schema) };
}
