import { createTestSchema, testDatabaseUrl } from '@lading/testing';
import { Pool } from 'pg';
import { createEventStore, EventStore, EventStoreOptions } from '../event-store';
import { migrateEventStore } from '../migrate';

/** A migrated event-store schema of its own, a pool, and a store on it. */
export async function eventStoreFixture(options: Omit<EventStoreOptions, 'pool' | 'schema'> = {}, poolSize = 10) {
  const { schema, drop } = await createTestSchema('es');
  await migrateEventStore({ connectionString: testDatabaseUrl(), schema });
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: poolSize });
  const store: EventStore = createEventStore({ ...options, pool, schema });
  return {
    schema,
    pool,
    store,
    /** Another store on the same schema (e.g. with other inline projections). */
    storeWith: (more: Omit<EventStoreOptions, 'pool' | 'schema'>) => createEventStore({ ...more, pool, schema }),
    async close() {
      await pool.end();
      await drop();
    },
  };
}

export type OrderEvent =
  | { type: 'OrderPlaced'; orderId: string; lines: number }
  | { type: 'OrderReleased'; orderId: string; site: string }
  | { type: 'OrderHeld'; orderId: string; reasons: string[] };

export const placed = (orderId: string, lines = 1): OrderEvent => ({ type: 'OrderPlaced', orderId, lines });
export const released = (orderId: string, site = 'DC-1'): OrderEvent => ({ type: 'OrderReleased', orderId, site });

/** A deferred promise: lets a test hold a transaction open at an exact point. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * One fixture for a whole spec file, with the jest hooks that make and drop it; `cleanups` run
 * after each test, last first (stop relays there: a relay must stop before the next test).
 */
export function useEventStoreFixture(poolSize = 10) {
  const bed = { fx: undefined as unknown as Awaited<ReturnType<typeof eventStoreFixture>>, cleanups: [] as (() => Promise<unknown>)[] };
  beforeAll(async () => {
    bed.fx = await eventStoreFixture({}, poolSize);
  });
  afterEach(async () => {
    while (bed.cleanups.length) await bed.cleanups.pop()!();
  });
  afterAll(() => bed.fx.close());
  return bed;
}
