import type { Decider } from '@lading/decider';
import type { EventStoreTransaction } from '@lading/event-store';
import type { DecisionInput, FactInput, WakeUp } from './inputs';

/** The transaction a unit of work runs in: the event store's, plus durable wake-ups. */
export interface WorkflowTransaction extends EventStoreTransaction {
  /** Schedules wake-ups in this transaction: they exist exactly if it commits. */
  wake(wakeUps: readonly WakeUp[]): Promise<void>;
}

/** One decision taken in a unit: what the decider appended to a stream, and the state around it. */
export interface Decided<Command = unknown, Event = unknown, State = unknown> {
  input: DecisionInput<Command>;
  streamId: string;
  /** The state the decider saw. */
  before: State;
  after: State;
  events: readonly Event[];
}

/**
 * What a unit's decisions read besides their own streams (stock, sites, rate cards), loaded
 * once for the whole unit — and locked, in one documented order, so that instances deciding
 * at the same time serialise instead of over-allocating or deadlocking.
 */
export interface DecisionContextLoader<Command, Event, State> {
  /** Loads (and locks) what any of `pending` may read, given each stream's state before the unit. */
  load(tx: WorkflowTransaction, pending: readonly { input: DecisionInput<Command>; state: State }[], now: Date): Promise<DecisionContextView<Command, Event, State>>;
}

/** The loaded context as the decisions of a unit see it, one after another in arrival order. */
export interface DecisionContextView<Command, Event, State> {
  /** The command with the context it needs (or as it is, when it needs none). */
  provide(input: DecisionInput<Command>, command: Command, state: State, now: Date): Command;
  /** A decision's events, so the decisions after it see what it took (reservations, capacity). */
  apply(input: DecisionInput<Command>, events: readonly Event[]): void;
}

/** One aggregate of a service: its decider, where its context comes from, and what follows its decisions. */
export interface DecisionWorkflow<Command = unknown, Event extends { type: string } = { type: string }, State = unknown> {
  /** The stream type; stream ids are `<tenant>/<streamType>:<key>`. */
  streamType: string;
  decider: Decider<Command, Event, State>;
  context?: DecisionContextLoader<Command, Event, State>;
  /**
   * After every decision of a unit, in the same transaction: write the read models the
   * decisions change, and wake streams up (`tx.wake`). Decisions are in arrival order.
   */
  afterDecisions?(tx: WorkflowTransaction, decided: readonly Decided<Command, Event, State>[], now: Date): Promise<void>;
}

/**
 * Applies a unit's facts to the service's read models, in the transaction, and wakes the
 * streams they concern (`tx.wake`). Facts arrive sorted by `lockKey` (stable), so two
 * transactions take the same rows in the same order.
 */
export interface FactHandler<Fact = unknown> {
  /** Sort key of a fact: the rows it locks first (default: arrival order only). */
  lockKey?(fact: Fact): string;
  /**
   * Units whose facts lock rows in different orders must not share a transaction (group
   * commit keeps groups apart). Default: one group for every fact.
   */
  group?(fact: Fact): string;
  apply(tx: WorkflowTransaction, facts: readonly FactInput<Fact>[], now: Date): Promise<void>;
}
