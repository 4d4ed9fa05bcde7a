import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { stopSpawnedProcesses } from './processes/spawn';
import { suites } from './suites';

export const resultsDir = resolve(__dirname, '..', '..', '..', 'bench', 'results');

/** What a suite reports: raw rates/latencies plus the side-by-side ratios that matter. */
export interface BenchMeasurement {
  ratios: Record<string, number>;
  [key: string]: unknown;
}

export interface BenchResult extends BenchMeasurement {
  suite: string;
  measuredAt: string;
  environment: { node: string; cpus: number };
}

export interface BenchSuite {
  name: string;
  description: string;
  run(args: string[], progress: (line: string) => void): Promise<BenchMeasurement>;
}

/**
 * Runs one suite; the exit code. Whatever the suite spawned and left running is stopped here,
 * also when it failed. The caller exits with the code at once (bin/bench.js): a failed suite
 * may leave kafkajs clients, timers or sockets behind, and waiting for them to end on their
 * own is how a failed bench used to hang instead of exiting.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const suite = suites.find((s) => s.name === name);
  if (!suite) {
    process.stdout.write(
      `usage: npm run bench -- <suite>\n\nsuites:\n${suites.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}\n`,
    );
    return name ? 2 : 0;
  }
  const progress = (line: string) => process.stdout.write(`[bench ${suite.name}] ${line}\n`);
  try {
    const measured = await suite.run(args, progress);
    const result: BenchResult = {
      suite: suite.name,
      measuredAt: new Date().toISOString(),
      environment: { node: process.version, cpus: cpus().length },
      ...measured,
    };
    mkdirSync(resultsDir, { recursive: true });
    const file = resolve(resultsDir, `${suite.name}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    progress(`ratios: ${JSON.stringify(result.ratios)}`);
    progress(`wrote ${file}`);
    return 0;
  } catch (error) {
    process.stderr.write(`[bench ${suite.name}] failed: ${(error as Error).stack ?? error}\n`);
    return 1;
  } finally {
    const stopped = await stopSpawnedProcesses();
    if (stopped > 0) progress(`stopped ${stopped} process(es) the suite left running`);
  }
}
