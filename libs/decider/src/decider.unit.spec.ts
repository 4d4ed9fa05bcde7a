import { Decider, DeciderSpecification, foldEvents } from './index';

type Counted = { type: 'Counted'; by: number };
type Count = { type: 'Count'; by: number };
interface Tally { total: number }

const tally: Decider<Count, Counted, Tally> = {
  initialState: () => ({ total: 0 }),
  decide: (command, state) => {
    if (state.total + command.by > 10) throw new Error('tally would exceed 10');
    return [{ type: 'Counted', by: command.by }];
  },
  evolve: (state, event) => ({ total: state.total + event.by }),
};

describe('DeciderSpecification', () => {
  const spec = DeciderSpecification.for(tally, { now: new Date('2026-01-01T00:00:00Z') });

  it('folds the given history before deciding', () => {
    spec.given([{ type: 'Counted', by: 4 }]).when({ type: 'Count', by: 6 }).then([{ type: 'Counted', by: 6 }]);
    spec.given([{ type: 'Counted', by: 4 }, { type: 'Counted', by: 6 }]).when({ type: 'Count', by: 1 }).thenThrows(/exceed 10/);
  });

  it('fails a `then` that does not match what the decider emits', () => {
    expect(() => spec.given([]).when({ type: 'Count', by: 2 }).then([{ type: 'Counted', by: 3 }])).toThrow();
  });

  it('foldEvents starts from the initial state', () => {
    expect(foldEvents(tally, [])).toEqual({ total: 0 });
    expect(foldEvents(tally, [{ type: 'Counted', by: 2 }, { type: 'Counted', by: 3 }])).toEqual({ total: 5 });
  });
});
