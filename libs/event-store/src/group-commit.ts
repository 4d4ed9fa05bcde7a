import type { EventStore, EventStoreTransaction } from './event-store';
import type { Logger } from './types';

export interface GroupCommitOptions<Input> {
  store: EventStore;
  /** Runs the inputs of every waiting unit, in the order the units were submitted, in one transaction. */
  handle: (tx: EventStoreTransaction, inputs: Input[]) => Promise<unknown>;
  /** Most inputs in one transaction; a unit is never split (default 1000). */
  maxInputs?: number;
  /**
   * Units are committed together only with units of the same group (default: all one group),
   * e.g. so that work that takes row locks in different orders never shares a transaction.
   * The oldest waiting unit always goes next; its group mates join it.
   */
  groupOf?: (inputs: readonly Input[]) => string;
  /**
   * Errors after which a unit's own transaction is simply run again (up to 5 times) before its
   * submitter hears of it: e.g. a stream conflict lost to another instance, which a fresh
   * transaction wins. Default: none.
   */
  retryTransaction?: (error: unknown) => boolean;
  logger?: Logger;
}

/**
 * Group commit: units of work submitted while a transaction runs wait, and the next transaction
 * takes all of them together. One transaction in flight per process, as large as the backlog:
 * consumer lanes of one instance never wait on each other's row locks inside PostgreSQL (a
 * waiting transaction would also hold back the outbox relay's cut-off), and a quiet process
 * commits each unit as it comes. When a combined transaction fails, each unit is run again in
 * a transaction of its own, so a failure rejects only the unit it belongs to.
 */
export function createGroupCommitter<Input>(options: GroupCommitOptions<Input>) {
  const { store, handle } = options;
  const maxInputs = options.maxInputs ?? 1000;
  const groupOf = options.groupOf ?? (() => '');
  const retryable = options.retryTransaction ?? (() => false);
  /** One transaction; a retryable failure runs it again in a fresh one. */
  const transact = async (inputs: Input[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await store.transaction((tx) => handle(tx, inputs));
        return;
      } catch (error) {
        if (attempt >= 5 || !retryable(error)) throw error;
      }
    }
  };
  const waiting: { inputs: Input[]; group: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    try {
      while (waiting.length > 0) {
        const group = [waiting.shift()!];
        let size = group[0].inputs.length;
        for (let i = 0; i < waiting.length && size < maxInputs; ) {
          const unit = waiting[i];
          if (unit.group === group[0].group && size + unit.inputs.length <= maxInputs) {
            size += unit.inputs.length;
            group.push(unit);
            waiting.splice(i, 1);
          } else i++;
        }
        try {
          await transact(group.flatMap((unit) => unit.inputs));
          for (const unit of group) unit.resolve();
        } catch (error) {
          if (group.length === 1) {
            group[0].reject(error);
            continue;
          }
          options.logger?.warn('group commit failed; committing its units one by one', { units: group.length, inputs: size, error: String(error) });
          for (const unit of group) {
            await transact(unit.inputs).then(unit.resolve, unit.reject);
          }
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    /** Resolves when the inputs committed (with others' or alone); rejects with the error of their own transaction. */
    submit(inputs: Input[]): Promise<void> {
      if (inputs.length === 0) return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => waiting.push({ inputs, group: groupOf(inputs), resolve, reject }));
      if (!running) void drain();
      return done;
    },
  };
}

export type GroupCommitter<Input> = ReturnType<typeof createGroupCommitter<Input>>;

/**
 * The consumer runtime's unit of work over a group committer (structurally `UnitOfWork` of
 * @lading/messaging): handlers `add` their inputs, `commit` submits them. Nothing runs before
 * commit, so a rollback only forgets the inputs.
 */
export class GroupCommitUnit<Input> {
  private readonly inputs: Input[] = [];

  constructor(private readonly committer: GroupCommitter<Input>) {}

  add(input: Input): void {
    this.inputs.push(input);
  }

  commit(): Promise<void> {
    return this.committer.submit(this.inputs);
  }

  async rollback(): Promise<void> {
    this.inputs.length = 0;
  }
}

/** A `UnitOfWorkFactory` (see @lading/messaging) of group-committed units of up to `maxMessages` messages. */
export function groupCommitUnitOfWork<Input>(committer: GroupCommitter<Input>, options: { maxMessages: number }) {
  return {
    maxMessages: options.maxMessages,
    begin: async () => new GroupCommitUnit<Input>(committer),
  };
}
