import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { waitUntil } from '@lading/testing';

jest.setTimeout(120_000);

const root = resolve(__dirname, '../../..');

/** Alive and not a zombie (this machine's PID 1 does not reap orphans). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The bench with a suite that fails after starting something (fixtures/failing-suite.ts). */
function benchWithFailingSuite(leave: 'clients' | 'child') {
  const bench = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'fixtures/failing-suite.ts'), leave], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  bench.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  bench.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exit: { code: number | null; at: number } | undefined;
  bench.once('exit', (code) => (exit = { code, at: Date.now() }));
  return {
    output: () => output,
    exit: () => exit,
    /** when the suite threw, by the bench's own clock line */
    failedAt: () =>
      waitUntil('the suite to fail', () => Number(/failing at (\d+)/.exec(output)?.[1]) || undefined, { timeoutMs: 60_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; the bench printed:\n${output}`);
      }),
    kill: () => exit === undefined && bench.kill('SIGKILL'),
  };
}

describe('bench runner: a failing suite', () => {
  it('exits non-zero within seconds though the suite left kafkajs clients and timers open', async () => {
    const bench = benchWithFailingSuite('clients');
    try {
      const failedAt = await bench.failedAt();
      const exit = await waitUntil('the bench to exit', bench.exit, { timeoutMs: 20_000 }).catch(() => {
        throw new Error(`the bench was still running 20 s after its suite failed:\n${bench.output()}`);
      });
      expect(exit.code).toBe(1);
      expect(exit.at - failedAt).toBeLessThan(10_000);
      expect(bench.output()).toContain('[bench fails-on-purpose] failed: Error: fails on purpose');
    } finally {
      bench.kill();
    }
  });

  it('stops a process the suite started, with SIGKILL when it ignores SIGTERM, and exits non-zero', async () => {
    const bench = benchWithFailingSuite('child');
    let pid: number | undefined;
    try {
      pid = await waitUntil("the suite's child process", () => Number(/child pid (\d+)/.exec(bench.output())?.[1]) || undefined, { timeoutMs: 60_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; the bench printed:\n${bench.output()}`);
      });
      const failedAt = await bench.failedAt();
      const exit = await waitUntil('the bench to exit', bench.exit, { timeoutMs: 20_000 }).catch(() => {
        throw new Error(`the bench was still running 20 s after its suite failed:\n${bench.output()}`);
      });
      expect(exit.code).toBe(1);
      expect(exit.at - failedAt).toBeLessThan(15_000);
      expect(alive(pid)).toBe(false);
      expect(bench.output()).toContain('stopped 1 process(es) the suite left running');
    } finally {
      bench.kill();
      // a process this test's bench started; only if the bench failed to stop it
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
