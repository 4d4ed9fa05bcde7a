import { uniqueName, waitUntil } from '@lading/testing';
import { Registry } from 'prom-client';
import { createOutboxRelay, type PublishEvents } from './outbox-relay';
import { listParkedEvents, requeueParkedEvents } from './parked-events';
import { capturingLogger, fakePublisher } from './test/fake-publisher';
import { placed, released, useEventStoreFixture } from './test/fixture';
import type { StoredEvent } from './types';

jest.setTimeout(60_000);

describe('outbox relay: an event it cannot publish is parked, its stream held, the others flow (PostgreSQL)', () => {
  const bed = useEventStoreFixture(20);
  const cleanups = bed.cleanups;

  /** A relay of its own stream type on the fake publisher (or on what `wrap` makes of it). */
  function setup(wrap?: (fake: ReturnType<typeof fakePublisher>) => PublishEvents) {
    const { fx } = bed;
    const name = uniqueName('order').replace(/-/g, '_');
    const fake = fakePublisher();
    const registry = new Registry();
    const { logger, lines } = capturingLogger();
    const publish = wrap ? wrap(fake) : fake.publish;
    /** Another instance of the same relay (e.g. the one that starts after a crash). */
    const instance = () => {
      const r = createOutboxRelay({ store: fx.store, publish, name, streamTypes: [name], pollIntervalMs: 20, leadershipRetryMs: 100, publishRetryMs: 100, batchSize: 50, registry, logger });
      cleanups.push(() => r.stop());
      return r;
    };
    const relay = instance();
    const stream = (id: string) => `${name}:${id}`;
    const append = async (id: string, event: ReturnType<typeof placed>) =>
      (await fx.store.append(stream(id), [event], { expectedVersion: 'any', tenantId: 'acme' })).events[0];
    const parked = () => listParkedEvents(fx.pool, fx.schema, { relay: name });
    const metric = async (metricName: string) =>
      (await registry.getSingleMetric(metricName)?.get())?.values.find((v) => v.labels.relay === name)?.value;
    const versionsOf = (id: string) => fake.published.filter((e) => e.streamId === stream(id)).map((e) => e.streamVersion);
    const checkpoint = async () => Number((await fx.pool.query(`select position from "${fx.schema}".checkpoints where name = $1`, [name])).rows[0]?.position);
    return { fx, name, fake, relay, instance, stream, append, parked, metric, versionsOf, lines, checkpoint };
  }

  it('publishes the other streams, parks the poison and everything after it in its stream, and re-publishes them in order once requeued', async () => {
    const { fx, name, fake, relay, stream, append, parked, metric, versionsOf, lines, checkpoint } = setup();
    await append('S', placed('S'));
    const poison = await append('S', released('S'));
    fake.poison.add(poison.eventId);
    await append('T', placed('T'));
    await append('U', placed('U'));
    const s3 = await append('S', released('S', 'DC-2'));
    await relay.start();

    await waitUntil('T and U published past the poison', () => versionsOf('T').length === 1 && versionsOf('U').length === 1, { timeoutMs: 10_000 });
    expect(versionsOf('S')).toEqual([1]);
    await waitUntil('the poison and the event behind it parked', async () => (await parked()).length === 2, { timeoutMs: 5_000 });
    expect(await parked()).toEqual([
      expect.objectContaining({ relay: name, position: poison.position, eventId: poison.eventId, streamId: stream('S'), tenantId: 'acme', eventType: 'OrderReleased', errorClass: 'Error', heldBehind: undefined, attempts: 1 }),
      expect.objectContaining({ position: s3.position, eventId: s3.eventId, heldBehind: poison.position }),
    ]);
    expect((await parked())[0].errorMessage).toContain('cannot encode');

    // later batches: the held stream keeps waiting (parked behind), the others flow
    const s4 = await append('S', released('S', 'DC-3'));
    const t2 = await append('T', released('T'));
    await waitUntil('T moves on', () => versionsOf('T').length === 2);
    await waitUntil('S4 parked behind the poison', async () => (await parked()).some((p) => p.eventId === s4.eventId && p.heldBehind === poison.position));
    await waitUntil('checkpoint past everything', async () => (await checkpoint()) === t2.position);
    expect(versionsOf('S')).toEqual([1]);
    expect(await metric('lading_outbox_parked_events')).toBe(3);
    const heads = lines.filter((l) => l.level === 'error' && l.fields.eventId === poison.eventId);
    expect(heads).toHaveLength(1);
    expect(heads[0].fields).toMatchObject({ relay: name, streamId: stream('S'), eventType: 'OrderReleased', position: poison.position });
    expect(lines.filter((l) => l.level === 'warn' && l.fields.heldBehind === poison.position).map((l) => l.fields.eventId)).toEqual([s3.eventId, s4.eventId]);

    // requeued before the fix: it fails again and stays parked, with its new cause
    expect(await requeueParkedEvents(fx.pool, fx.schema, { relay: name, streamId: stream('S') })).toEqual([{ relay: name, streamId: stream('S'), requeued: 3, waitingBefore: 0 }]);
    await waitUntil('tried again and parked again', async () => (await parked())[0]?.attempts === 2 && (await parked()).every((p) => !p.requeuedAt), { timeoutMs: 10_000 });
    expect(await parked()).toHaveLength(3);
    expect(versionsOf('S')).toEqual([1]);

    // the fix is deployed: requeued, the stream is published in order and released
    fake.poison.clear();
    await requeueParkedEvents(fx.pool, fx.schema, { relay: name, streamId: stream('S') });
    await waitUntil('parked events re-published', async () => (await parked()).length === 0, { timeoutMs: 10_000 });
    expect(versionsOf('S')).toEqual([1, 2, 3, 4]);
    await append('S', placed('S', 5));
    await waitUntil('the released stream flows again', () => versionsOf('S').length === 5);
    expect(versionsOf('S')).toEqual([1, 2, 3, 4, 5]);
    expect(versionsOf('T')).toEqual([1, 2]);
    expect(new Set(fake.published.map((e) => e.eventId)).size).toBe(fake.published.length);
    expect(await metric('lading_outbox_parked_events')).toBe(0);
  });

  it('a batch read again after a crash parks nothing twice, and re-publishes what went before the poison', async () => {
    const { fx, name, fake, relay, instance, append, parked, versionsOf, lines } = setup();
    const s1 = await append('S', placed('S'));
    const poison = await append('S', released('S'));
    fake.poison.add(poison.eventId);
    await append('T', placed('T'));
    const s3 = await append('S', released('S', 'DC-2'));
    await relay.start();
    await waitUntil('T published, S parked', async () => versionsOf('T').length === 1 && (await parked()).length === 2, { timeoutMs: 10_000 });
    const before = await parked();
    await relay.stop();
    // as if the process died after writing the parked rows, before its checkpoint moved
    await fx.pool.query(`update "${fx.schema}".checkpoints set transaction_id = '0', position = 0 where name = $1`, [name]);

    const next = instance();
    await next.start();
    await waitUntil('the batch published again', () => versionsOf('T').length === 2);
    expect(versionsOf('S')).toEqual([1, 1]); // S1 went before the poison: it goes again, not parked
    expect(fake.published.filter((e) => e.eventId === s1.eventId)).toHaveLength(2);
    await waitUntil('caught up', () => next.status().cursor?.position === s3.position);
    expect(await parked()).toEqual(before);
    expect(next.status().parked).toBe(0);
    expect(lines.filter((l) => l.level === 'error' && l.fields.eventId === poison.eventId)).toHaveLength(1);
  });

  it('parks nothing for an outage: the same batch goes again until the broker is back', async () => {
    const { fake, relay, append, parked, metric, checkpoint } = setup();
    fake.outage = true;
    const appended: StoredEvent[] = [];
    for (const id of ['A', 'B', 'A', 'C']) appended.push(await append(id, placed(id)));
    await relay.start();
    await waitUntil('publish tried several times', () => fake.calls >= 4);
    expect(fake.published).toEqual([]);
    expect(await parked()).toEqual([]);
    expect(await checkpoint()).toBe(0);

    fake.outage = false;
    await waitUntil('everything published once the broker is back', () => fake.published.length === 4);
    expect(fake.published.map((e) => e.eventId)).toEqual(appended.map((e) => e.eventId));
    await waitUntil('checkpoint past everything', async () => (await checkpoint()) === appended[3].position);
    expect(await parked()).toEqual([]);
    expect(await metric('lading_outbox_parked_events')).toBe(0);
  });

  it('an outage while it looks for the poison parks nothing and moves nothing; once over, only the poison is parked', async () => {
    let calls = 0;
    const duringOutage: { parked: number; checkpoint: number }[] = [];
    const { fake, relay, append, parked, versionsOf, checkpoint } = setup((fake) => async (events) => {
      calls++;
      // 1st call: the batch fails on the poison; 2nd to 4th: the broker is away (the 2nd is the
      // relay publishing one event at a time to find the poison)
      fake.outage = calls >= 2 && calls <= 4;
      if (fake.outage) duringOutage.push({ parked: (await parked()).length, checkpoint: await checkpoint() });
      return fake.publish(events);
    });
    await append('P', placed('P'));
    const poison = await append('Q', placed('Q'));
    fake.poison.add(poison.eventId);
    await append('R', placed('R'));
    await relay.start();

    await waitUntil('the poison parked once the outage is over', async () => (await parked()).length === 1, { timeoutMs: 10_000 });
    expect(duringOutage).toEqual([
      { parked: 0, checkpoint: 0 },
      { parked: 0, checkpoint: 0 },
      { parked: 0, checkpoint: 0 },
    ]);
    await waitUntil('P and R published', () => versionsOf('P').length > 0 && versionsOf('R').length > 0);
    expect(versionsOf('Q')).toEqual([]);
    expect(await parked()).toEqual([expect.objectContaining({ eventId: poison.eventId, heldBehind: undefined })]);
  });
});
