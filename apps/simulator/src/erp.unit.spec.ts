import { createWorld, simulateErp } from '@lading/simulator-core';
import { waitUntil } from '@lading/testing';
import { createSimulationClock } from './clock';
import { loadConfig } from './config';
import { orderNumberPrefixFor, startErp } from './erp';
import { createLogger } from './logger';
import type { RecordPublisher } from './publisher';
import { erpRecordFor, type OutboundRecord } from './simulator.mapper';

const quiet = createLogger('simulator', () => undefined);

function recordingPublisher(): RecordPublisher & { records: OutboundRecord[]; calls: number } {
  const publisher = {
    records: [] as OutboundRecord[],
    calls: 0,
    async publish(_system: 'ERP' | 'WMS', records: readonly OutboundRecord[]) {
      publisher.calls++;
      publisher.records.push(...records);
    },
  };
  return publisher;
}

describe('ERP runner', () => {
  it('publishes the generator’s facts in order, paced on the wall clock, and finishes after N orders', async () => {
    const config = loadConfig(['--orders', '8', '--orders-per-second', '200', '--time-scale', '3600', '--seed', '4', '--tenants', '2', '--cancellation-rate', '0', '--amendment-rate', '0', '--credit-hold-rate', '0'], {});
    const world = createWorld({ seed: 4, tenants: 2 });
    const clock = createSimulationClock(config.timeScale);
    const publisher = recordingPublisher();
    const erp = startErp({ config, world, clock, publisher, logger: quiet });
    await erp.done;
    expect(erp.progress).toEqual({ ordersPlaced: 8, factsPublished: 8, finished: true });
    const expected = simulateErp({ seed: 4, world, startAt: new Date(clock.startedAt).toISOString(), ordersPerHour: (200 * 3600) / 3600, orders: 8, amendmentRate: 0, cancellationRate: 0, creditHoldRate: 0, allowPartialRate: 0.3, invalidOrderRate: 0.01, orderNumberPrefix: orderNumberPrefixFor(4) });
    expect(publisher.records.map((r) => r.value.meta.eventId)).toEqual(expected.map((f) => f.eventId));
    // Stamped with the wall-clock time each fact came due, so in the generator's order.
    const stamps = publisher.records.map((r) => r.value.meta.occurredAt);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(publisher.records).toEqual(expected.map((f) => erpRecordFor(f, clock.wallClockAt(Date.parse(f.at)))));
  });

  it('stops an endless run: nothing more is published after stop', async () => {
    const config = loadConfig(['--orders-per-second', '100', '--time-scale', '60'], {});
    const publisher = recordingPublisher();
    const erp = startErp({ config, world: createWorld({ seed: 1, tenants: 1 }), clock: createSimulationClock(60), publisher, logger: quiet });
    await waitUntil('a few orders', () => erp.progress.ordersPlaced >= 3);
    await erp.stop();
    const calls = publisher.calls;
    await expect(erp.done).resolves.toBeUndefined();
    expect(erp.progress.finished).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(publisher.calls).toBe(calls);
  });
});
