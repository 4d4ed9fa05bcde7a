import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { postgresBinDir } from './prerequisites';
import { forgetRecord, readRecord, waitFor } from './processes';
import { paths } from './settings';
import type { Progress } from './kafka';
import { writeFileSync, readFileSync } from 'node:fs';

const RECORD = 'postgres';

export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Whether the server at `databaseUrl` (its `postgres` database) answers a query within 2 s. */
export async function canConnect(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: withDatabase(databaseUrl, 'postgres'), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs a PostgreSQL binary as the postgres OS user when we are root: initdb refuses root. */
function pgCommand(bin: string, args: string[]): string[] {
  const exe = resolve(postgresBinDir(), bin);
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', exe, ...args] : [exe, ...args];
}

function run(command: string[], what: string): void {
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}${result.stderr}`);
}

/**
 * Uses the server at DATABASE_URL when it answers. Otherwise, if DATABASE_URL is local,
 * starts a private cluster from the installed binaries in the git-ignored data folder.
 */
export async function postgresUp(databaseUrl: string, progress: Progress): Promise<'started' | 'already running'> {
  if (await canConnect(databaseUrl)) return 'already running';
  const url = new URL(databaseUrl);
  if (!['127.0.0.1', 'localhost', '::1'].includes(url.hostname)) {
    throw new Error(`PostgreSQL at ${url.host} does not answer; Lading starts a private server only for a local DATABASE_URL`);
  }
  const port = url.port || '5432';
  const dataDir = resolve(paths.data, 'postgres');
  const logFile = resolve(paths.logs, 'postgres.log');
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.run, { recursive: true });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    progress(`initialising a private PostgreSQL cluster in ${dataDir}`);
    mkdirSync(dataDir, { recursive: true });
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      chownSync(dataDir, uid, gid);
      chownSync(paths.logs, uid, gid);
    }
    run(pgCommand('initdb', ['-D', dataDir, '-U', url.username || 'postgres', '--auth=trust', '-E', 'UTF8']), 'initdb');
  }
  progress(`starting private PostgreSQL on 127.0.0.1:${port}`);
  run(
    pgCommand('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1`, 'start']),
    'pg_ctl start',
  );
  writeFileSync(resolve(paths.run, `${RECORD}.json`), JSON.stringify({ name: RECORD, dataDir, port, logFile }, null, 2));
  await waitFor(`PostgreSQL 127.0.0.1:${port}`, () => canConnect(databaseUrl), { timeoutMs: 60_000, logFile, progress });
  return 'started';
}

export async function postgresDown(progress: Progress): Promise<void> {
  const record = readRecord(RECORD) as unknown as { dataDir: string } | undefined;
  if (!record) return;
  if (existsSync(resolve(record.dataDir, 'postmaster.pid'))) {
    run(pgCommand('pg_ctl', ['-D', record.dataDir, '-m', 'fast', '-w', 'stop']), 'pg_ctl stop');
    progress('postgres: stopped');
  }
  forgetRecord(RECORD);
}

/** Process id of the private cluster's postmaster, if Lading started one. */
export function privatePostgresPid(): number | undefined {
  const record = readRecord(RECORD) as unknown as { dataDir: string } | undefined;
  if (!record) return undefined;
  const pidFile = resolve(record.dataDir, 'postmaster.pid');
  return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined;
}

/** CREATE DATABASE when missing (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(databaseUrl: string, database: string): Promise<boolean> {
  const client = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount) return false;
    await client.query(`create database "${database.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // Two processes racing to create the same database: the loser sees a duplicate.
    if ((error as { code?: string }).code === '42P04' || (error as { code?: string }).code === '23505') return false;
    throw error;
  } finally {
    await client.end();
  }
}

export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}
