import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ladingSitesFor, loadConfig as loadSimulatorConfig } from '@lading/simulator';
import { readableLogLine } from './log-format';

const repoRoot = resolve(__dirname, '..', '..', '..');

/** One long-running process `npm start` owns: an app or the simulator. */
export interface LaunchedService {
  name: string;
  /** entry file relative to the repo root, run through swc */
  entry: string;
  env: Record<string, string>;
  /** printed in the "where to look" block */
  urls: string[];
}

/** Setup steps, in order; each is an npm script that is idempotent. */
const setupSteps: { title: string; script: string; args?: string[] }[] = [
  { title: 'infrastructure (Kafka, schema registry, PostgreSQL)', script: 'infra:up' },
  { title: 'register Avro schemas', script: 'schemas:register' },
  { title: 'create topics from the catalog', script: 'topics:create' },
  // Database migrations run inside each app at start-up (idempotent, advisory-locked), so a
  // new instance added by an SRE migrates the same way.
];

const simulatorPort = process.env.SIMULATOR_HTTP_PORT ?? '3900';
const orderReleasePort = process.env.ORDER_RELEASE_HTTP_PORT ?? '3101';
const tenants = Number(process.env.SIMULATOR_TENANTS ?? 3);

/**
 * Local-only API keys for the simulated tenants (`tenant-01` → `dev-key-tenant-01`), printed
 * below; set LADING_API_KEYS to use your own. Never use these outside a laptop.
 */
export const devApiKeys =
  process.env.LADING_API_KEYS ??
  Array.from({ length: tenants }, (_, i) => `tenant-${String(i + 1).padStart(2, '0')}`)
    .map((tenant) => `${tenant}=dev-key-${tenant}`)
    .join(',');

/**
 * Who runs the simulated warehouse sites and whom they serve (LADING_SITES): the simulator's own
 * world — its 3PL operates every site for every simulated tenant. Set LADING_SITES to use yours.
 */
export const devSites = process.env.LADING_SITES ?? ladingSitesFor(loadSimulatorConfig([], process.env));

export const services: LaunchedService[] = [
  {
    name: 'order-release',
    entry: 'apps/order-release/src/main.ts',
    env: { ORDER_RELEASE_HTTP_PORT: orderReleasePort, LADING_API_KEYS: devApiKeys, LADING_SITES: devSites },
    urls: [
      `http://127.0.0.1:${orderReleasePort}/ready`,
      `http://127.0.0.1:${orderReleasePort}/metrics`,
      `curl -H 'Authorization: Bearer dev-key-tenant-01' http://127.0.0.1:${orderReleasePort}/v1/orders/<orderId>/release`,
    ],
  },
  {
    name: 'simulator',
    entry: 'apps/simulator/src/main.ts',
    // Rates, tenants and seed come from SIMULATOR_* variables (see apps/simulator/README.md).
    env: { SIMULATOR_HTTP_PORT: simulatorPort },
    urls: [`http://127.0.0.1:${simulatorPort}/metrics`, `http://127.0.0.1:${simulatorPort}/wms/orders`, `http://127.0.0.1:${simulatorPort}/wms/stock`],
  },
];

const color = process.stdout.isTTY;
const say = (line: string) => process.stdout.write(`${color ? '\u001b[1m' : ''}[lading]${color ? '\u001b[0m' : ''} ${line}\n`);

function runStep(script: string, args: string[] = []): Promise<{ code: number; output: string }> {
  return new Promise((resolveStep) => {
    const child = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    const echo = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) process.stdout.write(`    ${line}\n`);
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('close', (code) => resolveStep({ code: code ?? 1, output }));
  });
}

function launch(service: LaunchedService): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(repoRoot, service.entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => process.stdout.write(`${readableLogLine(service.name, line, color)}\n`));
  }
  return child;
}

export async function main(_argv: string[]): Promise<void> {
  const started = Date.now();
  let infraStartedHere = false;
  for (const step of setupSteps) {
    say(`${step.title} ...`);
    const { code, output } = await runStep(step.script, step.args);
    if (code !== 0) {
      say(`failed: ${step.title} (npm run ${step.script}); nothing else was started`);
      process.exitCode = 1;
      return;
    }
    if (step.script === 'infra:up' && /\(started\)/.test(output)) infraStartedHere = true;
  }

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping ${[...children.keys()].join(', ') || 'nothing'} ...`);
    const exits = [...children.values()].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(force);
            done();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    if (infraStartedHere) {
      say('stopping the infrastructure this run started ...');
      await runStep('infra:down');
    }
    say('stopped');
  };

  for (const service of services) {
    const child = launch(service);
    children.set(service.name, child);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        say(`${service.name} exited (${signal ?? code}); stopping the rest`);
        void stopAll(`${service.name} died`).then(() => process.exit(1));
      }
    });
  }

  say(`up in ${((Date.now() - started) / 1000).toFixed(1)} s — where to look:`);
  for (const service of services) for (const url of service.urls) say(`  ${service.name.padEnd(18)} ${url}`);
  say('  Kafka              127.0.0.1:9092      schema registry http://127.0.0.1:8081/apis/ccompat/v7');
  say('Ctrl-C stops everything this command started.');

  const onSignal = (signal: NodeJS.Signals) => void stopAll(signal).then(() => process.exit(0));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
