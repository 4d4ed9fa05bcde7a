import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { paths } from '@lading/infra';
import { freePort } from '../processes/spawn';

const repoRoot = resolve(__dirname, '../../../..');

/** One process of the engine under test (an order-release instance or the simulator), logging to a file. */
export interface EngineProcess {
  name: string;
  child: ChildProcess;
  port: number;
  logFile: string;
  exited: boolean;
  /** GET on its HTTP port: the status and body, or undefined when it does not answer. */
  get(path: string): Promise<{ status: number; body: string } | undefined>;
  stop(graceMs?: number): Promise<void>;
}

function launch(name: string, entry: string, args: string[], env: Record<string, string>, port: number): EngineProcess {
  const logDir = resolve(paths.logs, 'chaos');
  mkdirSync(logDir, { recursive: true });
  const logFile = resolve(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const handle: EngineProcess = {
    name,
    child,
    port,
    logFile,
    exited: false,
    async get(path) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
        return { status: response.status, body: await response.text() };
      } catch {
        return undefined;
      }
    },
    stop(graceMs = 15_000) {
      if (handle.exited) return Promise.resolve();
      return new Promise<void>((done) => {
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        // a stopped (SIGSTOP) process must run again to hear the SIGTERM
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      });
    },
  };
  child.once('exit', () => {
    handle.exited = true;
    log.end();
  });
  return handle;
}

export async function waitForHttp(process: EngineProcess, path: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (process.exited) throw new Error(`${process.name} exited before ${path} answered 200 (log: ${process.logFile})`);
    if ((await process.get(path))?.status === 200) return;
    if (Date.now() > until) throw new Error(`${process.name}: ${path} not 200 within ${timeoutMs} ms (log: ${process.logFile})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface EngineSettings {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
  groupId: string;
  /** env the instances get besides the connection settings (timeouts, relay lease) */
  extraEnv: Record<string, string>;
}

/** An order-release instance, ready (joined its group, /ready 200). */
export async function startOrderRelease(settings: EngineSettings, name: string): Promise<EngineProcess> {
  const port = await freePort();
  const instance = launch(
    name,
    'apps/order-release/src/main.ts',
    [],
    {
      KAFKA_BROKERS: settings.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: settings.schemaRegistryUrl,
      DATABASE_URL: settings.databaseUrl,
      ORDER_RELEASE_HTTP_PORT: String(port),
      ORDER_RELEASE_GROUP_ID: settings.groupId,
      // where a new group starts: the run's group reads only what the run produces
      ORDER_RELEASE_FROM_BEGINNING: 'false',
      HOSTNAME_OVERRIDE: name,
      LOG_LEVEL: 'info',
      LADING_API_KEYS: '',
      ...settings.extraEnv,
    },
    port,
  );
  await waitForHttp(instance, '/ready', 180_000);
  return instance;
}

export interface SimulatorRun {
  tenantPrefix: string;
  ordersPerSecond: number;
  seed: number;
}

/** The simulated ERP and WMS for the tenants of one scenario (their own prefix, their own WMS group). */
export async function startSimulator(settings: EngineSettings, run: SimulatorRun, name: string): Promise<EngineProcess> {
  const port = await freePort();
  const simulator = launch(
    name,
    'apps/simulator/src/main.ts',
    [
      `--tenant-prefix=${run.tenantPrefix}`,
      `--orders-per-second=${run.ordersPerSecond}`,
      `--seed=${run.seed}`,
      '--tenants=3',
      '--round-the-clock=true',
      // every acknowledged order must get a decision: no cancellations before one, no orders the
      // ERP itself withdraws
      '--cancellation-rate=0',
      '--invalid-order-rate=0',
      '--site-closure-rate=0',
      `--wms-group=${name}-wms`,
      '--progress-interval=30',
    ],
    { KAFKA_BROKERS: settings.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: settings.schemaRegistryUrl, SIMULATOR_HTTP_PORT: String(port) },
    port,
  );
  await waitForHttp(simulator, '/ready', 120_000);
  return simulator;
}
