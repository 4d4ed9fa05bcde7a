import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Metrics are looked up before they are created so that several relays (or a relay and a
 * projection runner) can share one registry in one process.
 */
export function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge<string> {
  return (registry.getSingleMetric(name) as Gauge<string>) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

export function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter<string> {
  return (registry.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export function histogram(registry: Registry, name: string, help: string, labelNames: string[], buckets?: number[]): Histogram<string> {
  return (registry.getSingleMetric(name) as Histogram<string>) ?? new Histogram({ name, help, labelNames, ...(buckets ? { buckets } : {}), registers: [registry] });
}

/** A sleep that `wake()` cuts short, so `stop()` does not wait out a poll interval. */
export function interruptibleSleep() {
  let wake: (() => void) | undefined;
  return {
    sleep(ms: number) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    },
    wake() {
      wake?.();
    },
  };
}
