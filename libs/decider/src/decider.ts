/**
 * What a domain decision may know about the world besides its inputs. The clock comes in
 * here: domain code never calls Date.now(), so every decision replays identically.
 */
export interface DecisionContext {
  now: Date;
}

/**
 * A decider is the whole of an aggregate's behaviour: `decide` turns a command (or an
 * incoming fact) and the current state into new events; `evolve` folds one event into the
 * state. Both are pure. The event store runs it: read stream → fold → decide → append.
 */
export interface Decider<Command, Event, State> {
  initialState(): State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
  evolve(state: State, event: Event): State;
}

export function foldEvents<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>, events: readonly Event[]): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** Compile-time exhaustiveness: a `switch` over a union that misses a case fails to compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
