import { createGroupCommitter, createTimerPoller, inboxKey, StreamConflictError, type DueTimer, type EventStore, type EventStoreTransaction, type GroupCommitter, type Logger, type TimerPoller, type TimerSchedule } from '@lading/event-store';
import { decideAll } from './decision-loop';
import { streamIdOf, type DecisionInput, type FactInput, type WakeUp, type WorkflowInput } from './inputs';
import type { Decided, DecisionWorkflow, FactHandler, WorkflowTransaction } from './workflow';

/** The inputs one inbound record became (its mapper's answer), deduplicated by the record's tenant and event id. */
export interface UnitEntry {
  tenantId: string;
  eventId: string;
  inputs: readonly WorkflowInput[];
}

/** What a unit did. */
export interface UnitOutcome {
  /** Records handled now. */
  handled: number;
  /** Records skipped: the inbox knew them, or they appeared twice in the unit. */
  duplicates: number;
  decided: Decided[];
}

/** What a wake-up's timer carries, to become a decision when it fires. */
interface WakeUpCommand {
  streamType: string;
  key: string;
  command: unknown;
  correlationId: string;
  causationId: string;
}

export interface WorkflowRuntimeOptions {
  /** The service: inbox consumer name and the prefix of its timers. */
  service: string;
  store: EventStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows: readonly DecisionWorkflow<any, any, any>[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  facts?: FactHandler<any>;
  /** Most inbound records per group-committed transaction (default 1000). */
  groupCommitSize?: number;
  logger?: Logger;
}

/**
 * The service kit's unit of work, in one transaction: inbox (tenant, event id) → facts, sorted
 * by the rows they lock → decisions (streams locked, context loaded, decided in arrival order,
 * appended with the expected version) → read models → wake-ups. Everything commits together or
 * not at all; offsets are resolved only after (the transport's group-committed unit of work).
 */
export function createWorkflowRuntime(options: WorkflowRuntimeOptions) {
  const { service, store, facts } = options;
  const workflows = new Map(options.workflows.map((w) => [w.streamType, w]));
  const timerPrefix = `${service}.`;
  const wakePrefix = (w: Pick<WakeUp, 'tenantId' | 'streamType' | 'key'>) => `${timerPrefix}${streamIdOf(w.tenantId, w.streamType, w.key)}#`;

  const withWake = (tx: EventStoreTransaction): WorkflowTransaction =>
    Object.assign(Object.create(tx) as EventStoreTransaction, {
      async wake(wakeUps: readonly WakeUp[]) {
        const timers = wakeUps.map((w): TimerSchedule<WakeUpCommand> & { unlessPending: boolean } => ({
          timerId: `${wakePrefix(w)}${w.reason}`,
          tenantId: w.tenantId,
          streamId: streamIdOf(w.tenantId, w.streamType, w.key),
          dueAt: w.dueAt,
          command: { streamType: w.streamType, key: w.key, command: w.command, correlationId: w.correlationId, causationId: w.causationId },
          unlessPending: w.unlessPending ?? false,
        }));
        const moved = timers.filter((t) => !t.unlessPending);
        const guarded = timers.filter((t) => t.unlessPending);
        await tx.scheduleTimers(moved);
        // the prefix up to '#': any wake-up of the same stream is pending
        await tx.scheduleTimers(guarded, { unlessPending: (timer) => timer.timerId.slice(0, timer.timerId.lastIndexOf('#') + 1) });
      },
    });

  async function run(tx: EventStoreTransaction, entries: readonly UnitEntry[], now: Date): Promise<UnitOutcome> {
    const wtx = withWake(tx);
    // The streams first, before anything else gives the transaction its id: transactions
    // deciding the same stream then take their ids in the order they get its lock, which is the
    // order the relay publishes in (an append behind a younger transaction is refused).
    await tx.lockStreams(streamsOf(entries.flatMap((entry) => entry.inputs)));
    const fresh = await tx.recordInboxMany(service, uniqueKeys(entries));
    const taken = new Set<string>();
    const pending = entries.filter((entry) => {
      const key = inboxKey(entry.tenantId, entry.eventId);
      if (!fresh.has(key) || taken.has(key)) return false;
      taken.add(key);
      return true;
    });
    const inputs = pending.flatMap((entry) => entry.inputs);
    // Facts first: the decisions of the same unit then read the newest stock, sites and credit.
    const factInputs = inputs.filter((input): input is FactInput => input.kind === 'fact');
    if (factInputs.length > 0) {
      if (!facts) throw new Error(`${service} has no fact handler for its fact inputs`);
      const lockKey = facts.lockKey?.bind(facts);
      const sorted = lockKey
        ? factInputs.map((input, index) => ({ input, index, key: lockKey(input.fact) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index)).map((x) => x.input)
        : factInputs;
      await facts.apply(wtx, sorted, now);
    }
    const decided = await decideAll(wtx, workflows, inputs.filter((input): input is DecisionInput => input.kind === 'decision'), now, { locked: true });
    return { handled: pending.length, duplicates: entries.length - pending.length, decided };
  }

  /**
   * Due wake-ups, decided together as one unit (no inbox: the timer row is deleted in the same
   * transaction). They are decided at `now` (the app clock) or, when that is earlier, at the
   * latest due time among them: the poller claims timers by the database clock, and a wake-up
   * decided before its due time (app clock behind) would find what it waits for not there yet,
   * schedule nothing, and be deleted — a window wake-up would delete itself. The latest due
   * time is no later than the database clock that found them due, and no decision of the batch
   * sees a time before its own due time; one time for all keeps the batch one set-wise unit.
   */
  async function fire(tx: EventStoreTransaction, due: readonly DueTimer<unknown>[], now: Date): Promise<Decided[]> {
    const timers = due as readonly DueTimer<WakeUpCommand>[];
    const at = decisionTimeOf(timers, now);
    const inputs = timers.map(
      (timer): DecisionInput => ({
        kind: 'decision',
        tenantId: timer.tenantId,
        streamType: timer.command.streamType,
        key: timer.command.key,
        command: timer.command.command,
        cause: { eventId: timer.command.causationId, correlationId: timer.command.correlationId, occurredAt: at.getTime() },
      }),
    );
    return decideAll(withWake(tx), workflows, inputs, at);
  }

  /**
   * A unit in a transaction of its own, run again (a new transaction, a new id) when it lost a
   * race for a stream to another instance: a conflict is not a failure of the message.
   */
  async function runUnit(entries: readonly UnitEntry[], now: () => Date, attempts = 5): Promise<UnitOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.transaction((tx) => run(tx, entries, now()));
      } catch (error) {
        if (!(error instanceof StreamConflictError) || attempt >= attempts) throw error;
      }
    }
  }

  /** Units of one group share a transaction (see FactHandler.group). */
  const groupOf = (entries: readonly UnitEntry[]): string => {
    const groups = new Set<string>();
    for (const entry of entries) for (const input of entry.inputs) groups.add(input.kind === 'decision' ? 'decision' : `fact:${facts?.group?.(input.fact) ?? ''}`);
    return [...groups].sort().join('+');
  };

  return {
    /** Handles inbound records in `tx` (tests call it directly). */
    run,
    /** Handles inbound records in a transaction of their own, retried on a lost race (HTTP commands). */
    runUnit,
    /** `tx` with `wake` (for sweeps and other work outside a unit). */
    workflowTransaction: withWake,
    fire,
    /** Timer ids of this service start with it: its poller claims only its own. */
    timerPrefix,
    /**
     * The poller of this service's wake-ups (as `startService` runs it): claims due timers by the
     * database clock, a batch per transaction, and `fire`s them with `now()`, the app clock.
     */
    wakeUpPoller(poll: { now: () => Date; batchSize?: number; pollIntervalMs?: number }): TimerPoller {
      return createTimerPoller<unknown>({
        store,
        logger: options.logger,
        batchSize: poll.batchSize,
        pollIntervalMs: poll.pollIntervalMs,
        timerIdPrefix: timerPrefix,
        fireAll: async (due, tx) => {
          await fire(tx, due, poll.now());
        },
      });
    },
    /** A group committer over `run`: units submitted while a transaction runs commit together in the next. */
    groupCommitter(now: () => Date): GroupCommitter<UnitEntry> {
      return createGroupCommitter<UnitEntry>({
        store,
        logger: options.logger,
        maxInputs: options.groupCommitSize ?? 1000,
        groupOf,
        handle: (tx, entries) => run(tx, entries, now()),
        retryTransaction: (error) => error instanceof StreamConflictError,
      });
    },
  };
}

export type WorkflowRuntime = ReturnType<typeof createWorkflowRuntime>;

/** When fired wake-ups are decided: `now`, or the latest due time among them when that is later (see `fire`). */
function decisionTimeOf(timers: readonly Pick<DueTimer<unknown>, 'dueAt'>[], now: Date): Date {
  let at = now.getTime();
  for (const timer of timers) at = Math.max(at, new Date(timer.dueAt).getTime());
  return new Date(at);
}

function streamsOf(inputs: readonly WorkflowInput[]): { streamId: string; streamType: string; tenantId: string }[] {
  const streams = new Map<string, { streamId: string; streamType: string; tenantId: string }>();
  for (const input of inputs) {
    if (input.kind !== 'decision') continue;
    const streamId = streamIdOf(input.tenantId, input.streamType, input.key);
    streams.set(streamId, { streamId, streamType: input.streamType, tenantId: input.tenantId });
  }
  return [...streams.values()];
}

function uniqueKeys(entries: readonly UnitEntry[]): { tenantId: string; eventId: string }[] {
  const seen = new Map<string, { tenantId: string; eventId: string }>();
  for (const { tenantId, eventId } of entries) seen.set(inboxKey(tenantId, eventId), { tenantId, eventId });
  return [...seen.values()];
}
