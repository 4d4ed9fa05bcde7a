import { uniqueName, waitUntil } from '@lading/testing';
import { createOutboxRelay, type OutboxRelay, type PublishEvents } from './outbox-relay';
import { brokerDown, capturingLogger } from './test/fake-publisher';
import { gate, placed, useEventStoreFixture } from './test/fixture';
import type { StoredEvent } from './types';

jest.setTimeout(60_000);

const leaseMs = 1500;

describe('outbox relay leadership is a lease: a frozen leader is replaced, a waiting one is not (PostgreSQL)', () => {
  const bed = useEventStoreFixture(20);
  const cleanups = bed.cleanups;

  /** Two relays of one name on one store, each publishing through its own port into `out`. */
  function setup() {
    const { fx } = bed;
    const name = uniqueName('order').replace(/-/g, '_');
    const out: { by: string; event: StoredEvent }[] = [];
    const { logger, lines } = capturingLogger();
    const relay = (by: string, publish: PublishEvents): OutboxRelay => {
      const r = createOutboxRelay({
        store: fx.store,
        name,
        streamTypes: [name],
        pollIntervalMs: 20,
        leadershipRetryMs: 100,
        publishRetryMs: 100,
        leaseMs,
        logger,
        publish: async (events) => {
          await publish(events);
          out.push(...events.map((event) => ({ by, event })));
        },
      });
      cleanups.push(() => r.stop());
      return r;
    };
    const append = async (id: string) => (await fx.store.append(`${name}:${id}`, [placed(id)], { expectedVersion: 'any', tenantId: 'acme' })).events[0];
    const checkpoint = async () => Number((await fx.pool.query(`select position from "${fx.schema}".checkpoints where name = $1`, [name])).rows[0]?.position);
    const publishedIds = () => new Set(out.map((o) => o.event.eventId));
    return { name, out, lines, relay, append, checkpoint, publishedIds };
  }

  it('replaces a leader that froze holding the lock within the lease, and loses no event', async () => {
    const { out, lines, relay, append, checkpoint, publishedIds } = setup();
    const thaw = gate();
    let frozen = false;
    let stuck = false;
    const first = relay('first', async () => {
      if (!frozen) return;
      stuck = true;
      await thaw.opened; // a call that does not come back (a hung client, a paused VM)
    });
    cleanups.push(async () => thaw.open()); // runs before first.stop(): lets its loop end
    const second = relay('second', async () => undefined);
    await first.start();
    await waitUntil('first leads', () => first.status().leader);
    await second.start();
    const e1 = await append('SO-1');
    await waitUntil('E1 published by the first', () => out.some((o) => o.event.eventId === e1.eventId && o.by === 'first'));
    const frozenPid = first.status().backendPid;

    frozen = true;
    const e2 = await append('SO-2');
    await waitUntil('the first is stuck publishing E2', () => stuck);
    const stuckAt = Date.now();
    await waitUntil('the second takes over', () => second.status().leader, { timeoutMs: 10_000 });
    expect(Date.now() - stuckAt).toBeLessThan(leaseMs + 2_000);
    const e3 = await append('SO-3');
    await waitUntil('E2 and E3 published by the second', () => [e2, e3].every((e) => out.some((o) => o.event.eventId === e.eventId && o.by === 'second')));
    await waitUntil('checkpoint at E3', async () => (await checkpoint()) === e3.position);
    const replaced = lines.find((l) => l.level === 'warn' && l.fields.pid === frozenPid);
    expect(replaced?.fields).toMatchObject({ pid: frozenPid });
    expect(Number(replaced?.fields.heartbeatAgeSeconds)).toBeGreaterThanOrEqual(leaseMs / 1000);

    // The old leader wakes up: its session is gone, so it resigns and never moves the checkpoint.
    thaw.open();
    await waitUntil('the first resigns', () => !first.status().leader);
    expect(second.status().leader).toBe(true);
    expect(await checkpoint()).toBe(e3.position);
    for (const e of [e1, e2, e3]) expect(publishedIds().has(e.eventId)).toBe(true);
  });

  it('keeps a leader that waits out a long broker outage: it is alive, just not publishing', async () => {
    const { out, relay, append, checkpoint } = setup();
    let outage = false;
    let attempts = 0;
    const first = relay('first', async () => {
      if (!outage) return;
      attempts++;
      throw brokerDown();
    });
    const second = relay('second', async () => undefined);
    await first.start();
    await waitUntil('first leads', () => first.status().leader);
    const pid = first.status().backendPid;
    await second.start();

    outage = true;
    const e1 = await append('SO-1');
    const until = Date.now() + 3 * leaseMs;
    while (Date.now() < until) {
      expect(second.status().leader).toBe(false);
      expect(first.status()).toMatchObject({ leader: true, backendPid: pid });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(attempts).toBeGreaterThan(5);

    outage = false;
    await waitUntil('E1 published by the first once the broker is back', () => out.some((o) => o.event.eventId === e1.eventId && o.by === 'first'));
    await waitUntil('checkpoint at E1', async () => (await checkpoint()) === e1.position);
    expect(second.status().leader).toBe(false);
  });
});
