import { HOUR_MS, TENANT } from './order-release.mapper.fixtures';
import { placement, releaseWorkflowHarness, siteReport, stockOf } from './release-workflow.test-support';

// Wake-ups on real PostgreSQL with the kit's poller: timers are claimed by the database clock
// (`due_at <= now()`), decisions take the app's. Two tenants with the same order numbers,
// customer ids and SKUs at one shared site.

jest.setTimeout(60_000);

const OTHER = 'globex';
const MINUTE_MS = 60_000;
const h = releaseWorkflowHarness();

/** The database's clock now. */
const databaseNow = async (): Promise<Date> => (await h.pool.query('select now() as now')).rows[0].now;
/** US-NJ1 in UTC with a window opening at `opensAt` (to the minute) for 8 hours. */
const siteOpeningAt = (opensAt: Date, occurredAt: number) => {
  const opens = (opensAt.getTime() % (24 * HOUR_MS)) - (opensAt.getTime() % MINUTE_MS);
  return siteReport({ timeZone: 'UTC', releaseWindowOpensAt: opens, cutOffLocalTime: (opens + 8 * HOUR_MS) % (24 * HOUR_MS) }, { occurredAt });
};

describe('a window wake-up when the app clock is behind the database clock', () => {
  it('given orders held before their site window opens, when the window-opening wake-up falls due by the database clock while the app clock is 2 minutes behind, then the orders are released', async () => {
    const dbNow = await databaseNow();
    // the window opened at the start of this minute by the database clock: its wake-up is due
    const opensAt = new Date(dbNow.getTime() - (dbNow.getTime() % MINUTE_MS));
    const placedAt = new Date(opensAt.getTime() - HOUR_MS);
    await h.run([siteOpeningAt(opensAt, placedAt.getTime() - 1000), stockOf(10, TENANT), stockOf(10, OTHER)], placedAt);
    await h.run([placement('SO-1', 2, TENANT), placement('SO-1', 2, OTHER)], placedAt);
    expect([await h.stream('SO-1', TENANT), await h.stream('SO-1', OTHER)]).toEqual([
      ['OrderReceived', 'OrderHeld'],
      ['OrderReceived', 'OrderHeld'],
    ]);
    expect(await h.wakeUps()).toEqual([`${TENANT}/order-release:SO-1#window:${opensAt.toISOString()}`, `${OTHER}/order-release:SO-1#window:${opensAt.toISOString()}`]);

    const appClock = () => new Date(Date.now() - 2 * MINUTE_MS);
    expect(await h.runtime.wakeUpPoller({ now: appClock }).pollOnce()).toBe(2);

    expect(await h.stream('SO-1', TENANT)).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await h.stream('SO-1', OTHER)).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await h.wakeUps()).toEqual([]);
  });
});
