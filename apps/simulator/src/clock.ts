/**
 * Maps simulated time to wall-clock time: the simulation starts now and runs `timeScale` times
 * faster, so a 90-minute pick at scale 60 is published 90 s after the release.
 */
export interface SimulationClock {
  readonly timeScale: number;
  /** Simulated epoch ms when the simulation started (equal to the wall clock then). */
  readonly startedAt: number;
  /** Simulated epoch ms at wall-clock `wall`. */
  simulatedAt(wall?: number): number;
  /** Wall-clock epoch ms at which simulated time `simulated` comes due. */
  wallClockAt(simulated: number): number;
}

export function createSimulationClock(timeScale: number, startedAt: number = Date.now()): SimulationClock {
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be positive, got ${timeScale}`);
  return {
    timeScale,
    startedAt,
    simulatedAt: (wall = Date.now()) => Math.floor(startedAt + (wall - startedAt) * timeScale),
    wallClockAt: (simulated) => Math.round(startedAt + (simulated - startedAt) / timeScale),
  };
}

/** A sleep that a stop cuts short. */
export function createStopSignal(): { stopped: () => boolean; stop: () => void; sleep: (ms: number) => Promise<void> } {
  let stopped = false;
  const sleepers = new Set<() => void>();
  return {
    stopped: () => stopped,
    stop() {
      stopped = true;
      for (const wake of sleepers) wake();
      sleepers.clear();
    },
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        sleepers.add(wake);
      }),
  };
}
