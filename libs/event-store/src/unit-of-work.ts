import type { EventStore, EventStoreTransaction } from './event-store';

/**
 * One event-store transaction held open across several handler calls: the consumer runtime's
 * unit of work (structurally `UnitOfWork` of @lading/messaging, which this library does not
 * import). `commit` resolves when PostgreSQL committed; only then may offsets be resolved.
 */
export interface TransactionalUnitOfWork {
  readonly tx: EventStoreTransaction;
  commit(): Promise<void>;
  rollback(error: unknown): Promise<void>;
}

/** Rolls back a unit that its caller abandons (e.g. a handler failed). */
class UnitRolledBack extends Error {}

/**
 * Opens `store.transaction` and keeps it open until `commit`/`rollback`: batching many
 * messages of one partition into one PostgreSQL transaction is the main throughput lever.
 */
export function transactionalUnitOfWork(store: EventStore, options: { maxMessages: number }) {
  return {
    maxMessages: options.maxMessages,
    begin(): Promise<TransactionalUnitOfWork> {
      return new Promise((resolveBegin, rejectBegin) => {
        let finish!: (outcome: { commit: true } | { commit: false; error: unknown }) => void;
        const decided = new Promise<{ commit: true } | { commit: false; error: unknown }>((r) => (finish = r));
        let opened = false;
        const done = store
          .transaction(async (tx) => {
            opened = true;
            resolveBegin({
              tx,
              commit: async () => {
                finish({ commit: true });
                await done;
              },
              rollback: async (error) => {
                finish({ commit: false, error });
                await done.catch(() => undefined);
              },
            });
            const outcome = await decided;
            if (!outcome.commit) throw new UnitRolledBack('unit of work rolled back');
          })
          .catch((error) => {
            if (!opened) return rejectBegin(error);
            if (!(error instanceof UnitRolledBack)) throw error;
          });
      });
    },
  };
}
