import { erpFacts, type ErpFact, type SimulatedFact, type SimulatedWorld } from '@lading/simulator-core';
import type { SimulationClock } from './clock';
import { createStopSignal } from './clock';
import type { SimulatorConfig } from './config';
import type { Logger } from './logger';
import type { RecordPublisher } from './publisher';
import { erpRecordFor } from './simulator.mapper';

export interface ErpProgress {
  ordersPlaced: number;
  factsPublished: number;
  finished: boolean;
}

export interface SimulatedErp {
  readonly progress: ErpProgress;
  /** Settles when the last order is out (fixed count), or after `stop`. Rejects when publishing fails for good. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const TICK_MS = 50;
/** One send per tick at most; a backlog drains over the next ticks. */
const MAX_FACTS_PER_SEND = 1000;
/** Simulated order rate when pacing is off: spreads amendments, cancels and credit holds over a plausible day. */
const UNPACED_ORDERS_PER_HOUR = 3600;

/**
 * Publishes the ERP's facts in the generator's order. Paced: each fact goes out when its
 * simulated time comes due on the clock (orders at `ordersPerSecond` of wall-clock time).
 * Unpaced: as fast as the broker takes them, stamped with the time they are sent.
 */
/** The seed in every order number: runs with different seeds never reuse an order id. */
export function orderNumberPrefixFor(seed: number): string {
  return `${seed.toString(36).toUpperCase()}-`;
}

export function startErp(options: { config: SimulatorConfig; world: SimulatedWorld; clock: SimulationClock; publisher: RecordPublisher; logger: Logger }): SimulatedErp {
  const { config, world, clock, publisher, logger } = options;
  const paced = config.ordersPerSecond > 0;
  const facts = erpFacts({
    seed: config.seed,
    orderNumberPrefix: orderNumberPrefixFor(config.seed),
    world,
    startAt: new Date(clock.startedAt).toISOString(),
    ordersPerHour: paced ? (config.ordersPerSecond * 3600) / clock.timeScale : UNPACED_ORDERS_PER_HOUR,
    orders: config.orders,
    amendmentRate: config.amendmentRate,
    cancellationRate: config.cancellationRate,
    creditHoldRate: config.creditHoldRate,
    allowPartialRate: config.allowPartialRate,
    invalidOrderRate: config.invalidOrderRate,
    duplicateRate: config.duplicateRate,
  });
  const signal = createStopSignal();
  const progress: ErpProgress = { ordersPlaced: 0, factsPublished: 0, finished: false };

  const run = async () => {
    let next = facts.next();
    while (!signal.stopped() && !next.done) {
      const dueBy = paced ? clock.simulatedAt() : Infinity;
      const batch: SimulatedFact<ErpFact>[] = [];
      while (!next.done && batch.length < MAX_FACTS_PER_SEND && Date.parse(next.value.at) <= dueBy) {
        batch.push(next.value);
        next = facts.next();
      }
      if (batch.length === 0) {
        // Nothing due yet: wake when the next fact is, but re-check often enough to stop quickly.
        await signal.sleep(Math.min(TICK_MS * 4, clock.wallClockAt(Date.parse(next.value!.at)) - Date.now()));
        continue;
      }
      const sentAt = Date.now();
      await publisher.publish(
        'ERP',
        batch.map((published) => erpRecordFor(published, paced ? clock.wallClockAt(Date.parse(published.at)) : sentAt)),
      );
      progress.factsPublished += batch.length;
      progress.ordersPlaced += batch.filter((published) => published.fact.type === 'OrderPlaced').length;
    }
    if (next.done) {
      progress.finished = true;
      logger.info('erp finished placing orders', { ordersPlaced: progress.ordersPlaced, factsPublished: progress.factsPublished });
    }
  };

  const done = run();
  return {
    progress,
    done,
    async stop() {
      signal.stop();
      await done.catch(() => undefined);
    },
  };
}
