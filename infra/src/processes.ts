import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { paths } from './settings';

/** What we remember about a process we started, so `down` stops exactly it and nothing else. */
export interface ProcessRecord {
  name: string;
  pid: number;
  command: string[];
  logFile: string;
  ports: number[];
  startedAt: string;
}

function recordFile(name: string): string {
  return resolve(paths.run, `${name}.json`);
}

export function readRecord(name: string): ProcessRecord | undefined {
  const file = recordFile(name);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
}

export function allRecords(): ProcessRecord[] {
  if (!existsSync(paths.run)) return [];
  return readdirSync(paths.run)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(resolve(paths.run, f), 'utf8')) as ProcessRecord);
}

export function forgetRecord(name: string): void {
  rmSync(recordFile(name), { force: true });
}

/**
 * Alive means: some thread of the pid still runs (PID 1 here does not reap children, and a
 * JVM's main thread can be a zombie while its shutdown threads still hold the ports), and
 * its command line still is the one we started — a recycled pid is somebody else's process.
 */
export function isAlive(record: Pick<ProcessRecord, 'pid' | 'command'>): boolean {
  if (!pidHasLiveThreads(record.pid)) return false;
  const cmdline = readCmdline(record.pid);
  // a zombie leader has an empty cmdline; its live threads are still ours
  return !cmdline || (cmdline[0] === record.command[0] && cmdline.at(-1) === record.command.at(-1));
}

/** True while any thread of the process is not a zombie. */
export function pidHasLiveThreads(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return state !== 'Z' && state !== 'X';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

export function startDetached(options: {
  name: string;
  command: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  ports: number[];
}): ProcessRecord {
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.run, { recursive: true });
  const logFile = resolve(paths.logs, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  const [file, ...args] = options.command;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${options.name}: ${options.command.join(' ')}`);
  const record: ProcessRecord = {
    name: options.name,
    pid: child.pid,
    command: readCmdline(child.pid) ?? options.command,
    logFile,
    ports: options.ports,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(recordFile(options.name), JSON.stringify(record, null, 2));
  return record;
}

function readCmdline(pid: number): string[] | undefined {
  try {
    const parts = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return parts.length ? parts : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM, wait for a clean exit, then SIGKILL. Returns how it ended. */
export async function stopProcess(record: ProcessRecord, graceMs = 20_000): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isAlive(record)) {
    forgetRecord(record.name);
    return 'not running';
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(record)) {
      forgetRecord(record.name);
      return 'stopped';
    }
    await sleep(200);
  }
  try {
    process.kill(record.pid, 'SIGKILL');
  } catch {
    /* exited between the check and the kill */
  }
  while (isAlive(record)) await sleep(100);
  forgetRecord(record.name);
  return 'killed';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `probe` until it returns true, printing progress every few seconds. The error names
 * what did not become ready and where its log is.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; logFile?: string; progress: (line: string) => void; alive?: () => boolean },
): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  for (;;) {
    if (await probe().catch(() => false)) {
      options.progress(`${what} ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if (options.alive && !options.alive()) {
      throw new Error(`${what} exited during start-up${options.logFile ? `; see ${options.logFile}` : ''}`);
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `${what} not ready after ${options.timeoutMs / 1000} s${options.logFile ? `; see ${options.logFile}` : ''}`,
      );
    }
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      options.progress(`waiting for ${what} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await sleep(250);
  }
}
