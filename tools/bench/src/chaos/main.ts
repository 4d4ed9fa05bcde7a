import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { connectionSettings } from '@lading/infra';
import { createAvroSerde } from '@lading/schema-registry';
import { clusterBrokers, startMissingBrokers, stopCluster } from './cluster';
import { profiles, sleep, type ChaosContext, type ChaosProfile, type ChaosScenario } from './context';
import { postgresHang, postgresRestart, openTransactionElsewhere } from './database-scenarios';
import { startOrderRelease, startSimulator, type EngineProcess, type EngineSettings } from './engine';
import { startHangingProxy } from './hanging-proxy';
import { deadLetterTopicUnavailable, leaderBounces, minInsyncNotMet } from './kafka-scenarios';
import { countFor, inputsBetween, recoveredMs, startLedger, type OrderLedger } from './ledger';
import { freezeRelayLeader, killInstance } from './process-scenarios';
import { startPrivatePostgres } from './private-postgres';
import { freePort } from '../processes/spawn';

const repoRoot = resolve(__dirname, '../../../..');
const resultsFile = resolve(repoRoot, 'bench', 'results', 'chaos.json');
const RELAY_LEASE_MS = 20_000;

export const scenarios: ChaosScenario[] = [
  leaderBounces,
  minInsyncNotMet,
  postgresRestart,
  postgresHang,
  killInstance,
  deadLetterTopicUnavailable,
  freezeRelayLeader,
  openTransactionElsewhere,
];

export interface ScenarioResult {
  name: string;
  description: string;
  inputs: number;
  decided: number;
  lost: number;
  duplicated: number;
  /** from the end of the fault until every order acknowledged before it was decided */
  recoveredMs: number | null;
  faultMs: number;
  passed: boolean;
  failures: string[];
  notes: Record<string, unknown>;
}

const usage = `usage: npm run chaos [-- --profile full|short] [--scenario name[,name...]] [--keep-cluster]

Runs order-release (two instances) and the simulator on a 3-broker Kafka cluster
(infra:up -- --brokers 3) and a PostgreSQL cluster of its own, injects each fault with traffic
flowing, and counts from the topics: acknowledged orders, decided, lost, duplicated, time to
recover. Writes bench/results/chaos.json; exits 1 when any scenario lost or duplicated anything.
A cluster the run started is stopped at the end unless --keep-cluster.

scenarios:
${scenarios.map((s) => `  ${s.name.padEnd(34)} ${s.description}`).join('\n')}`;

function step(what: string, command: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(command[0], command.slice(1), { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}${result.stderr}`);
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const profile: ChaosProfile = profiles[(flag('profile') ?? 'full') as ChaosProfile['name']];
  if (!profile) throw new Error(`unknown profile ${flag('profile')}\n${usage}`);
  const wanted = flag('scenario')?.split(',');
  const selected = wanted ? scenarios.filter((s) => wanted.includes(s.name)) : scenarios;
  if (wanted && selected.length !== wanted.length) throw new Error(`unknown scenario in ${wanted.join(',')}\n${usage}`);
  const progress = (line: string) => process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

  progress('infrastructure: the dev infra (registry), the 3-broker cluster, schemas, topics');
  step('infra:up', ['node', 'infra/bin/lading-infra.js', 'up']);
  // a cluster this run starts, it stops at the end (tests elsewhere expect its ports free)
  const clusterStartedHere = (await startMissingBrokers(progress)) === 'started' && !argv.includes('--keep-cluster');
  step('schemas:register', ['npm', 'run', '-s', 'schemas:register']);
  step('topics:create on the cluster', ['npm', 'run', '-s', 'topics:create'], { KAFKA_BROKERS: clusterBrokers.join(',') });

  const run = Date.now().toString(36);
  const postgres = await startPrivatePostgres(await freePort(), 'lading_chaos');
  const proxy = await startHangingProxy(postgres.port);
  progress(`PostgreSQL of the run on 127.0.0.1:${postgres.port}, the engine reaches it through a proxy on ${proxy.port}`);
  const kafka = new Kafka({ clientId: `chaos-${run}`, brokers: clusterBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const { schemaRegistryUrl } = connectionSettings();
  const serde = createAvroSerde({ registryUrl: schemaRegistryUrl });
  const settings: EngineSettings = {
    kafkaBrokers: clusterBrokers,
    schemaRegistryUrl,
    databaseUrl: `postgres://postgres@127.0.0.1:${proxy.port}/lading_chaos`,
    groupId: `order-release-chaos-${run}`,
    extraEnv: {
      // short enough that the hang scenario ends in client timeouts within the run
      DATABASE_STATEMENT_TIMEOUT_MS: '10000',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '15000',
      DATABASE_CONNECT_TIMEOUT_MS: '5000',
      // longer than one kafkajs send can take while brokers refuse writes (about 10 s), or a live
      // leader waiting out an outage would be replaced
      ORDER_RELEASE_RELAY_LEASE_MS: String(RELAY_LEASE_MS),
    },
  };
  let instanceCount = 0;
  const instances: EngineProcess[] = [];
  const newInstance = () => startOrderRelease(settings, `order-release-${run}-${++instanceCount}`);
  let ledger: OrderLedger | undefined;
  const results: ScenarioResult[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await ledger?.stop().catch(() => undefined);
      await Promise.all(instances.map((i) => i.stop()));
      await admin.disconnect().catch(() => undefined);
      await proxy.close();
      await postgres.stop().catch(() => undefined);
      if (clusterStartedHere) await stopCluster(progress).catch(() => undefined);
    })());
  // Ctrl-C: no order-release instance or PostgreSQL of the run is left behind
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping what the run started`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (let i = 0; i < 2; i++) instances.push(await newInstance());
    progress(`order-release: ${instances.map((i) => i.name).join(', ')} ready (group ${settings.groupId})`);
    ledger = await startLedger(kafka, serde, `chaos-ledger-${run}`);
    for (const [index, scenario] of selected.entries()) {
      results.push(await runScenario(scenario, { index, run, profile, kafka, admin, serde, postgres, proxy, instances, settings, ledger: ledger!, newInstance, progress }));
      writeResults(profile, results);
    }
  } finally {
    await cleanUp();
  }
  writeResults(profile, results);
  for (const r of results) progress(`${r.passed ? 'PASS' : 'FAIL'} ${r.name}: inputs ${r.inputs}, decided ${r.decided}, lost ${r.lost}, duplicated ${r.duplicated}, recovered in ${r.recoveredMs ?? '—'} ms${r.failures.length ? ` — ${r.failures.join('; ')}` : ''}`);
  progress(`wrote ${resultsFile}`);
  return results.every((r) => r.passed) ? 0 : 1;
}

function writeResults(profile: ChaosProfile, results: ScenarioResult[]): void {
  mkdirSync(resolve(resultsFile, '..'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify({ measuredAt: new Date().toISOString(), profile: profile.name, scenarios: results }, null, 2)}\n`);
}

interface RunState {
  index: number;
  run: string;
  profile: ChaosProfile;
  kafka: Kafka;
  admin: ChaosContext['admin'];
  serde: ChaosContext['serde'];
  postgres: ChaosContext['postgres'];
  proxy: ChaosContext['proxy'];
  instances: EngineProcess[];
  settings: EngineSettings;
  ledger: OrderLedger;
  newInstance(): Promise<EngineProcess>;
  progress(line: string): void;
}

/** Traffic on, warm up, fault, traffic on for 10 s more, traffic off, settle, count. */
async function runScenario(scenario: ChaosScenario, state: RunState): Promise<ScenarioResult> {
  const { ledger, profile, progress } = state;
  const tenantPrefix = `chaos${state.run}s${state.index}-`;
  const say = (line: string) => progress(`${scenario.name}: ${line}`);
  say(scenario.description);
  const failures: string[] = [];
  let report: Awaited<ReturnType<ChaosScenario['fault']>> | undefined;
  let simulator: EngineProcess | undefined;
  try {
    // a cluster still settling after the previous scenario can fail the simulator's start
    // (COORDINATOR_LOAD_IN_PROGRESS): that is the simulated ERP's problem, so start it again
    for (let attempt = 1; !simulator; attempt++) {
      try {
        simulator = await startSimulator(state.settings, { tenantPrefix, ordersPerSecond: profile.ordersPerSecond, seed: 1000 + state.index }, `simulator-${state.run}-${state.index}-${attempt}`);
      } catch (error) {
        if (attempt === 3) throw error;
        say(`the simulator did not start (${(error as Error).message}); again in 5 s`);
        await sleep(5_000);
      }
    }
    await waitFor(`orders of ${tenantPrefix}* decided before the fault`, () => countFor(ledger, tenantPrefix).decided >= 30, 120_000);
    const ctx: ChaosContext = {
      profile,
      kafka: state.kafka,
      admin: state.admin,
      serde: state.serde,
      postgres: state.postgres,
      proxy: state.proxy,
      postgresAdmin: async () => {
        const client = new Client({ connectionString: state.postgres.url('postgres') });
        await client.connect();
        return client;
      },
      instances: state.instances,
      async replaceInstance(old) {
        const replacement = await state.newInstance();
        state.instances.splice(state.instances.indexOf(old), 1, replacement);
        return replacement;
      },
      ledger,
      tenantPrefix,
      relayLeaseMs: RELAY_LEASE_MS,
      progress: say,
    };
    report = await scenario.fault(ctx);
    say(`fault over after ${report.endedAt - report.startedAt} ms; traffic goes on for 10 s`);
    await sleep(10_000);
    // the point is traffic arriving through the fault: a simulator that gave up proves less
    if (simulator.exited) failures.push(`the simulator stopped during the scenario, so traffic did not keep arriving (log: ${simulator.logFile})`);
  } catch (error) {
    failures.push(`the scenario failed: ${(error as Error).message}`);
  } finally {
    await simulator?.stop();
  }
  // every acknowledged order decided, and the ledger has read all there is
  const settled = await waitFor(
    'every acknowledged order decided',
    async () => {
      const dead = state.instances.find((i) => i.exited);
      if (dead) throw new Error(`${dead.name} exited (log: ${dead.logFile})`);
      return (await ledger.caughtUp()) && countFor(ledger, tenantPrefix).lost === 0;
    },
    240_000,
  ).then(
    () => undefined,
    (error: Error) => error.message,
  );
  if (settled) failures.push(`not every acknowledged order was decided: ${settled}`);
  if (report?.check) failures.push(...(await report.check()));
  failures.push(...(report?.failures ?? []));
  for (const instance of state.instances) if (instance.exited) failures.push(`${instance.name} exited (log: ${instance.logFile})`);
  const count = countFor(ledger, tenantPrefix);
  const result: ScenarioResult = {
    name: scenario.name,
    description: scenario.description,
    inputs: count.inputs,
    decided: count.decided,
    lost: count.lost,
    duplicated: count.duplicated,
    recoveredMs: report ? recoveredMs(ledger, tenantPrefix, report.endedAt) : null,
    faultMs: report ? report.endedAt - report.startedAt : 0,
    passed: false,
    failures,
    notes: {
      ...(report?.notes ?? {}),
      ...(report ? { ordersArrivedDuringFault: inputsBetween(ledger, tenantPrefix, report.startedAt, report.endedAt) } : {}),
      ...(count.lost > 0 ? { lostOrders: count.lostOrders } : {}),
    },
  };
  result.passed = result.lost === 0 && result.duplicated === 0 && result.inputs > 0 && failures.length === 0;
  say(`${result.passed ? 'passed' : 'FAILED'}: ${JSON.stringify({ inputs: result.inputs, decided: result.decided, lost: result.lost, duplicated: result.duplicated, recoveredMs: result.recoveredMs })}`);
  return result;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(500);
  }
}
