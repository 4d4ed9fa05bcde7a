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
  };
}

export type EventStoreTables = ReturnType<typeof tablesOf>;
