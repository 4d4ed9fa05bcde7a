import { SiteDirectory } from '@lading/tenancy';
import { HOUR_MS, NOW, TENANT } from './order-release.mapper.fixtures';
import { heldOrderSweep } from './release-workflow';
import { credit, placement, releaseWorkflowHarness, siteReport, stockOf } from './release-workflow.test-support';

// Wake-ups on real PostgreSQL with the kit's poller: timers are claimed by the database clock
// (`due_at <= now()`), decisions take the app's. Two tenants with the same order numbers,
// customer ids and SKUs at one shared site.

jest.setTimeout(60_000);

const OTHER = 'globex';
const MINUTE_MS = 60_000;
const h = releaseWorkflowHarness();

/** The database's clock now. */
const databaseNow = async (): Promise<Date> => (await h.pool.query('select now() as now')).rows[0].now;
/** The UTC time of day of `at`, to the minute, in milliseconds after midnight (as wms.sites.v1 states window times). */
const minuteOfDay = (at: Date) => (at.getTime() % (24 * HOUR_MS)) - (at.getTime() % MINUTE_MS);
/** US-NJ1 in UTC with a window opening at `opensAt` (to the minute) for 8 hours, and `orders` a day. */
const siteOpeningAt = (opensAt: Date, occurredAt: number, orders = 100) =>
  siteReport({ timeZone: 'UTC', releaseWindowOpensAt: minuteOfDay(opensAt), cutOffLocalTime: (minuteOfDay(opensAt) + 8 * HOUR_MS) % (24 * HOUR_MS), dailyOrderCapacity: orders }, { occurredAt });

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

describe('a wake-up now while the next window wake-up is pending', () => {
  it("given both tenants' SO-1 held at capacity with tomorrow's window wake-up pending, when the site raises its capacity, then they are woken now and released, not tomorrow", async () => {
    const now = await databaseNow();
    const opensAt = new Date(now.getTime() - 30 * MINUTE_MS);
    const capacity = (orders: number, reportedAt: number) => siteOpeningAt(opensAt, reportedAt, orders);
    await h.run([capacity(1, now.getTime() - 2000), stockOf(10, TENANT), stockOf(10, OTHER)], now);
    await h.run([placement('SO-0', 1, TENANT)], now);
    await h.run([placement('SO-1', 1, TENANT), placement('SO-1', 1, OTHER)], now);
    expect(await h.stream('SO-1', OTHER)).toEqual(['OrderReceived', 'OrderHeld']);
    expect((await h.wakeUps()).every((w) => w.includes('#window:'))).toBe(true);

    await h.run([capacity(10, now.getTime() - 1000)], now);
    await h.runtime.wakeUpPoller({ now: () => now }).pollOnce();

    expect(await h.stream('SO-1', TENANT)).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
    expect(await h.stream('SO-1', OTHER)).toEqual(['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse']);
  });
});

// The held-order sweep: wakes held orders whose reason has cleared although nothing woke them
// (here: their wake-ups deleted by hand, as the defect above deleted a window's).
describe('the held-order sweep', () => {
  /** One sweep at `now` (the app clock), as the kit runs it; how many orders it woke. */
  const sweep = (now: Date) => h.store.transaction((tx) => heldOrderSweep(h.readModelSchema, SiteDirectory.open(), 60_000).run(h.runtime.workflowTransaction(tx), now));
  /** Fires what is due, deciding at `now`. */
  const fire = (now: Date) => h.runtime.wakeUpPoller({ now: () => now }).pollOnce();
  const RELEASED = ['OrderReceived', 'OrderHeld', 'OrderReleased', 'ReleaseOrderToWarehouse'];

  it("given both tenants' SO-1 held past the cut-off and their window wake-ups lost, when the sweep runs after the window opened, then both are woken and released; before it opened, none", async () => {
    const afterCutOff = new Date('2026-01-15T20:00:00Z'); // 15:00 in New York: the 06:00–15:00 window is closed
    await h.run([siteReport({ releaseWindowOpensAt: 6 * HOUR_MS }), stockOf(10, TENANT), stockOf(10, OTHER)], afterCutOff);
    await h.run([placement('SO-1', 2, TENANT), placement('SO-1', 2, OTHER)], afterCutOff);
    await h.loseWakeUps();

    expect(await sweep(new Date('2026-01-16T10:59:00Z'))).toBe(0);
    const windowOpen = new Date('2026-01-16T11:05:00Z');
    expect(await sweep(windowOpen)).toBe(2);
    expect(await fire(windowOpen)).toBe(2);

    expect(await h.stream('SO-1', TENANT)).toEqual(RELEASED);
    expect(await h.stream('SO-1', OTHER)).toEqual(RELEASED);
  });

  it("given both tenants' SO-1 of CUST-42 held for credit, when acme lifts its hold and the wake-up is lost, then the sweep wakes acme's SO-1 only and releases it; globex's stays held", async () => {
    await h.given(10, [TENANT, OTHER]);
    await h.run([credit('placed', TENANT, NOW.getTime() - 2000), credit('placed', OTHER, NOW.getTime() - 2000)]);
    await h.run([placement('SO-1', 2, TENANT), placement('SO-1', 2, OTHER)]);
    await h.run([credit('released', TENANT, NOW.getTime() - 1000)]);
    await h.loseWakeUps();

    expect(await sweep(NOW)).toBe(1);
    expect(await h.wakeUps()).toEqual([`${TENANT}/order-release:SO-1#sweep-${NOW.toISOString()}`]);
    await fire(NOW);

    expect(await h.stream('SO-1', TENANT)).toEqual(RELEASED);
    expect(await h.stream('SO-1', OTHER)).toEqual(['OrderReceived', 'OrderHeld']);
    expect(await sweep(NOW)).toBe(0);
  });

  it("given both tenants' SO-1 held while their site was closed, when it reopens and the wake-ups are lost, then the sweep wakes and releases both", async () => {
    await h.run([siteReport({ status: 'CLOSED' }, { occurredAt: NOW.getTime() - 2000 }), stockOf(10, TENANT), stockOf(10, OTHER)]);
    await h.run([placement('SO-1', 2, TENANT), placement('SO-1', 2, OTHER)]);
    await h.run([siteReport({ status: 'OPEN' }, { occurredAt: NOW.getTime() - 1000 })]);
    await h.loseWakeUps();

    expect(await sweep(NOW)).toBe(2);
    await fire(NOW);

    expect(await h.stream('SO-1', TENANT)).toEqual(RELEASED);
    expect(await h.stream('SO-1', OTHER)).toEqual(RELEASED);
  });
});

