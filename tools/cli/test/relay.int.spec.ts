import { createEventStore, createOutboxRelay, listParkedEvents, migrateEventStore, silentLogger, type StoredEvent } from '@lading/event-store';
import { createTestSchema, testDatabaseUrl, waitUntil } from '@lading/testing';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { relayCommands } from '../src/commands/relay';

jest.setTimeout(60_000);

describe('lading relay', () => {
  it('lists what the relay parked, and requeues an event with those held behind it for the relay to publish', async () => {
    const { schema, drop } = await createTestSchema('cli_relay');
    await migrateEventStore({ connectionString: testDatabaseUrl(), schema });
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    const store = createEventStore({ pool, schema });
    const published: StoredEvent[] = [];
    const unmappable = new Set<string>();
    const relay = createOutboxRelay({
      store,
      name: 'order-release',
      pollIntervalMs: 20,
      publishRetryMs: 100,
      logger: silentLogger,
      publish: async (events) => {
        const bad = events.find((e) => unmappable.has(e.eventId));
        if (bad) throw Object.assign(new Error(`no record maps ${bad.eventType}`), { code: 'UNMAPPED' });
        published.push(...events);
      },
    });
    const append = async (tenantId: string, type: string) =>
      (await store.append(`${tenantId}/order-release:SO-1`, [{ type }], { expectedVersion: 'any', tenantId })).events[0];
    const lines: string[] = [];
    const out = (line: string) => void lines.push(line);
    const run = async (...args: string[]) => {
      lines.length = 0;
      return relayCommands.run([...args, '--schema', schema], out);
    };
    try {
      await append('acme', 'OrderPlaced');
      const poison = await append('acme', 'OrderReleased');
      const behind = await append('acme', 'OrderShipped');
      const globex = await append('globex', 'OrderPlaced'); // same order number, another tenant
      unmappable.add(poison.eventId).add(globex.eventId);
      await relay.start();
      await waitUntil('three parked', async () => (await listParkedEvents(pool, schema)).length === 3, { timeoutMs: 10_000 });

      expect(await run('parked')).toBe(0);
      expect(lines[0]).toBe(`3 parked event(s) in ${schema}`);
      expect(lines[1]).toContain(`order-release  position=${poison.position}`);
      expect(lines[1]).toContain(`event=${poison.eventId}`);
      expect(lines[1]).toContain('Error/UNMAPPED');
      expect(lines[1]).toContain('"no record maps OrderReleased"');
      expect(lines[2]).toContain(`event=${behind.eventId}`);
      expect(lines[2]).toContain(`held-behind=${poison.position}`);
      expect(await run('parked', '--tenant', 'globex')).toBe(0);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain('globex/order-release:SO-1');

      await expect(run('republish')).rejects.toThrow('exactly one of');
      expect(await run('republish', '--event', randomUUID())).toBe(1);
      expect(lines).toEqual([`no parked event matches in ${schema}`]);

      // an event held behind another cannot go first: the CLI says so, the relay waits
      expect(await run('republish', '--event', behind.eventId)).toBe(0);
      expect(lines[1]).toBe('  note: 1 earlier parked event(s) of acme/order-release:SO-1 are not requeued, and go first: requeue them too (--stream acme/order-release:SO-1)');

      unmappable.delete(poison.eventId); // the fix is deployed
      expect(await run('republish', '--relay', 'order-release', '--event', poison.eventId)).toBe(0);
      expect(lines).toEqual(['order-release  acme/order-release:SO-1: 1 parked event(s) requeued; the leading relay publishes them within about a second']);
      await waitUntil('acme re-published', async () => (await listParkedEvents(pool, schema)).length === 1, { timeoutMs: 10_000 });
      expect(published.filter((e) => e.tenantId === 'acme').map((e) => e.eventType)).toEqual(['OrderPlaced', 'OrderReleased', 'OrderShipped']);
      expect(await run('parked')).toBe(0);
      expect(lines[0]).toBe(`1 parked event(s) in ${schema}`);
      expect(lines[1]).toContain(`event=${globex.eventId}`);
    } finally {
      await relay.stop();
      await pool.end();
      await drop();
    }
  });
});
