import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { waitUntil } from '@lading/testing';

const repoRoot = resolve(__dirname, '../../../..');

export interface SpawnedProcess {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`: a bench never waits on a process that does not stop. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** node options before the entry (profiling, preloads) */
  nodeArgs?: string[];
  /**
   * Aborted with an error naming the process when it exits on its own once ready: the suite's
   * waits pass its signal, so a dead app fails the run at once instead of at the end of a
   * ten-minute wait for results it can no longer produce.
   */
  failed?: AbortController;
  readyTimeoutMs?: number;
}

/** Every process spawned here that has not exited: what the runner stops when a suite fails. */
const running = new Set<SpawnedProcess>();

/**
 * A TypeScript entry of this repo in a process of its own (through swc, as `npm start` runs
 * services), ready when `ready` says so. If it exits before it is ready the wait ends at once
 * with its exit code; if it is not ready in time it is stopped before the error is thrown.
 */
export async function spawnProcess(
  what: string,
  entry: string,
  env: Record<string, string>,
  ready: (output: string) => Promise<boolean> | boolean,
  options: SpawnOptions = {},
): Promise<SpawnedProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '-r', '@swc-node/register', resolve(repoRoot, entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString();
  });
  let stopping = false;
  let exited = false;
  let onExit!: () => void;
  const exit = new Promise<void>((done) => (onExit = done));
  const starting = new AbortController();
  const handle: SpawnedProcess = {
    child,
    stop(graceMs = 10_000) {
      stopping = true;
      if (exited) return Promise.resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      return exit.finally(() => clearTimeout(force));
    },
  };
  running.add(handle);
  const gone = (how: string) => {
    if (exited) return;
    exited = true;
    running.delete(handle);
    onExit();
    if (stopping) return;
    const error = new Error(`${what} (pid ${child.pid}) ${how}`);
    starting.abort(error);
    options.failed?.abort(error);
  };
  child.once('exit', (code, signal) => gone(`exited with ${signal ?? code}`));
  // spawn itself failed: no 'exit' follows
  child.once('error', (error) => gone(`could not be started: ${error.message}`));
  try {
    await waitUntil(`${what} (its own process) ready`, () => ready(output), {
      timeoutMs: options.readyTimeoutMs ?? 120_000,
      intervalMs: 250,
      signal: starting.signal,
    });
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

/**
 * Stops every spawned process still running (SIGTERM, SIGKILL after `graceMs`); how many there
 * were. A suite stops its own in `finally`; this catches what a failure path left behind.
 */
export async function stopSpawnedProcesses(graceMs = 5_000): Promise<number> {
  const left = [...running];
  await Promise.all(left.map((p) => p.stop(graceMs)));
  return left.length;
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
