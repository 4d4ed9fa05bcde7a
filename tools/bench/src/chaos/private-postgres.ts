import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { paths } from '@lading/infra';
import { canConnect } from '@lading/infra/src/postgres';
import { postgresBinDir } from '@lading/infra/src/prerequisites';

/**
 * A PostgreSQL cluster of the chaos run's own, from the installed binaries: the scenarios
 * restart it, which they must never do to the shared server at 5432. Its data lives under
 * LADING_HOME (git-ignored) and is re-created by every run.
 */
export interface PrivatePostgres {
  port: number;
  url(database: string): string;
  /** `pg_ctl restart -m immediate`: every connection dies at once, then crash recovery. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function pg(bin: string, args: string[]): void {
  const exe = resolve(postgresBinDir(), bin);
  // initdb and pg_ctl refuse to run as root
  const command = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', exe, ...args] : [exe, ...args];
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

function ownedByPostgres(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, id('-u'), id('-g'));
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await canConnect(url))) {
    if (Date.now() > until) throw new Error(`the chaos PostgreSQL at ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startPrivatePostgres(port: number, database: string): Promise<PrivatePostgres> {
  const root = resolve(paths.data, 'chaos-postgres');
  const dataDir = resolve(root, 'data');
  const logFile = resolve(paths.logs, 'chaos-postgres.log');
  ownedByPostgres(root);
  ownedByPostgres(paths.logs);
  if (existsSync(resolve(dataDir, 'postmaster.pid'))) spawnSync('runuser', ['-u', 'postgres', '--', resolve(postgresBinDir(), 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop']);
  spawnSync('rm', ['-rf', dataDir]);
  ownedByPostgres(dataDir);
  pg('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on`;
  pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', 'start']);
  const url = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  await waitUntilAnswering(url('postgres'), 60_000);
  const admin = new Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`create database "${database}"`).finally(() => admin.end());
  return {
    port,
    url,
    async restart() {
      pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-m', 'immediate', '-w', 'restart']);
      await waitUntilAnswering(url(database), 60_000);
    },
    async stop() {
      pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
  };
}
