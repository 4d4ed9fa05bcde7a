import { interruptibleSleep } from './metrics';
import { jsonLogger, type Logger } from './types';

export interface PollingLoopOptions {
  /** Names the loop in its log lines, e.g. `outbox-relay order-release`. */
  name: string;
  /**
   * One round of work. Resolves true when there may be more to do right away (a full batch),
   * false when the loop should wait `intervalMs` before the next round, or a number of
   * milliseconds to wait instead (e.g. a follower waiting to try for leadership again).
   */
  tick: () => Promise<boolean | number>;
  /** Wait after a round that found nothing (more) to do. */
  intervalMs: number;
  /** Wait after a failed round (default: max(intervalMs, 1000)). */
  errorDelayMs?: number | ((consecutiveFailures: number) => number);
  /** Called with every failure (after logging), e.g. to give up a leader session. */
  onError?: (error: unknown) => void | Promise<void>;
  logger?: Logger;
}

export interface PollingLoop {
  start(): void;
  /** Stops after the round in progress; resolves when it ended. */
  stop(): Promise<void>;
  /** Cuts the current wait short: the next round starts now. */
  wake(): void;
  /** Failed rounds in a row (0 while healthy). */
  readonly consecutiveFailures: number;
  readonly running: boolean;
}

/**
 * The one loop behind every background poller (outbox relay, timers, projections, a service's
 * sweeps): run a round, wait when idle, back off when a round fails, stop promptly. A failing
 * loop logs once when it starts failing, then at most once a minute while it keeps failing, and
 * once when it recovers — an outage is a state change in the log, not a line per poll.
 */
export function createPollingLoop(options: PollingLoopOptions): PollingLoop {
  const logger = options.logger ?? jsonLogger(`polling-loop.${options.name}`);
  const idle = interruptibleSleep();
  const errorDelay = (failures: number) => {
    const delay = options.errorDelayMs ?? Math.max(options.intervalMs, 1000);
    return typeof delay === 'function' ? delay(failures) : delay;
  };
  let running = false;
  let loop: Promise<void> | undefined;
  let failures = 0;
  let failingSince = 0;
  let lastFailureLog = 0;

  async function run() {
    while (running) {
      try {
        const more = await options.tick();
        if (failures > 0) {
          logger.info(`${options.name} recovered`, { loop: options.name, failedRounds: failures, failingForMs: Date.now() - failingSince });
          failures = 0;
        }
        if (more !== true && running) await idle.sleep(more === false ? options.intervalMs : more);
      } catch (error) {
        failures++;
        const now = Date.now();
        if (failures === 1) {
          failingSince = now;
          lastFailureLog = now;
          logger.error(`${options.name} failed; retrying`, { loop: options.name, error: String(error) });
        } else if (now - lastFailureLog >= 60_000) {
          lastFailureLog = now;
          logger.error(`${options.name} still failing`, { loop: options.name, failedRounds: failures, failingForMs: now - failingSince, error: String(error) });
        }
        try {
          await options.onError?.(error);
        } catch {
          /* the loop goes on; its own next round reports what is still wrong */
        }
        if (running) await idle.sleep(errorDelay(failures));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      idle.wake();
      await loop;
      loop = undefined;
    },
    wake: () => idle.wake(),
    get consecutiveFailures() {
      return failures;
    },
    get running() {
      return running;
    },
  };
}
