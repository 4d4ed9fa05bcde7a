import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { paths } from '../src/settings';

const run = promisify(execFile);
const cli = resolve(__dirname, '..', 'bin', 'lading-infra.js');

/**
 * An isolated infrastructure home: its own data, logs, pid records and ports, sharing only
 * the jar cache. Tests that start and stop infrastructure use one so they never touch the
 * services the rest of the suite runs on.
 */
export function isolatedHome(ports: { kafka?: number; kafkaCluster?: number; registry?: number; postgres?: number } = {}) {
  const home = mkdtempSync(resolve(tmpdir(), 'lading-infra-test-'));
  // the private PostgreSQL runs as the postgres user, who must be able to reach its data dir
  chmodSync(home, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LADING_HOME: home,
    LADING_CACHE: paths.cache,
    KAFKA_BROKERS: '',
    SCHEMA_REGISTRY_URL: '',
  };
  delete env.KAFKA_BROKERS;
  delete env.SCHEMA_REGISTRY_URL;
  if (ports.kafka) env.LADING_KAFKA_PORT = String(ports.kafka);
  if (ports.kafkaCluster) env.LADING_KAFKA_CLUSTER_PORT = String(ports.kafkaCluster);
  if (ports.registry) env.LADING_REGISTRY_PORT = String(ports.registry);
  if (ports.postgres) env.DATABASE_URL = `postgres://postgres@127.0.0.1:${ports.postgres}/lading`;
  return {
    home,
    env,
    async infra(...args: string[]): Promise<{ stdout: string; stderr: string }> {
      try {
        return await run(process.execPath, [cli, ...args], { env, timeout: 240_000 });
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`lading-infra ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    },
    /** Deletes the home (data, logs, pid records); call after `down`. */
    remove(): void {
      rmSync(home, { recursive: true, force: true });
    },
    /** pid records this home's infra script wrote, by process name */
    record(name: string): { pid: number } | undefined {
      const file = resolve(home, 'run', `${name}.json`);
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }) : undefined;
    },
  };
}

export { pidHasLiveThreads as pidRunning } from '../src/processes';
