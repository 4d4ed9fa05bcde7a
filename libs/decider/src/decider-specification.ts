import { Decider, DecisionContext, foldEvents } from './decider';

/**
 * given(events).when(command).then(events) for deciders, in plain jest:
 *
 *   const spec = DeciderSpecification.for(orderRelease, { now: new Date('2026-03-01T10:00:00Z') });
 *   spec.given([orderPlaced]).when(releaseOrder).then([orderReleased]);
 *   spec.given([]).when(badCommand).thenThrows(/credit hold/);
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>, context: DecisionContext) {
    return {
      given(history: readonly Event[]) {
        return {
          when(command: Command) {
            const run = () => decider.decide(command, foldEvents(decider, history), context);
            return {
              then(expected: readonly Event[]): void {
                expect(run()).toEqual(expected);
              },
              thenNothingHappens(): void {
                expect(run()).toEqual([]);
              },
              thenThrows(matcher?: string | RegExp | Error | (new (...args: never[]) => Error)): void {
                expect(run).toThrow(matcher as never);
              },
              /** The resulting events, for assertions that do not fit `then` (e.g. partial matches). */
              events(): Event[] {
                return run();
              },
            };
          },
          /** The state after folding the history, for evolve-only specs. */
          state(): State {
            return foldEvents(decider, history);
          },
        };
      },
    };
  },
};
