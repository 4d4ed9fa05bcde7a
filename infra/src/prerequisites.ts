import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { paths } from './settings';

/** A missing tool, reported as one line that says what to install. */
export class MissingPrerequisite extends Error {}

export function javaMajorVersion(): number {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new MissingPrerequisite(
      'java not found: install Java 17+ (e.g. `apt-get install openjdk-17-jre-headless`), or use Docker: docker compose -f docker-compose.kafka.yml up',
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new MissingPrerequisite(
      `java ${major || '?'} found but Kafka 4 needs Java 17+: install openjdk-17, or use Docker: docker compose -f docker-compose.kafka.yml up`,
    );
  }
  return major;
}

function requireMaven(): void {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error) {
    throw new MissingPrerequisite(
      'mvn not found: install Maven (`apt-get install maven`) so the Kafka broker and schema registry can be fetched from Maven Central, or use Docker: docker compose -f docker-compose.kafka.yml up',
    );
  }
}

/**
 * Runs one maven-dependency-plugin goal into a cache folder keyed by what it fetches.
 * The first run needs Maven Central; every later run reuses the folder without mvn.
 */
export function cachedMavenFetch(
  label: string,
  cacheKey: string,
  goalArgs: (libDir: string) => string[],
  progress: (line: string) => void,
): string {
  const key = createHash('sha256').update(cacheKey).digest('hex').slice(0, 12);
  const dir = resolve(paths.cache, `${label}-${key}`);
  const marker = resolve(dir, '.complete');
  if (existsSync(marker)) return dir;
  requireMaven();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  progress(`fetching ${label} from Maven Central (first run only) into ${dir}`);
  const result = spawnSync('mvn', ['-B', '-q', ...goalArgs(resolve(dir, 'lib'))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(`mvn could not fetch ${label}:\n${(result.stdout + result.stderr).slice(-2000)}`);
  }
  writeFileSync(marker, new Date().toISOString());
  return dir;
}

/** Unpacks each tar.gz in the cache folder once. */
export function unpackArchives(dir: string): void {
  const lib = resolve(dir, 'lib');
  for (const archive of readdirSync(lib).filter((f) => f.endsWith('.tar.gz'))) {
    const target = resolve(dir, 'app');
    if (existsSync(resolve(target, '.unpacked'))) continue;
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['xzf', resolve(lib, archive), '-C', target]);
    writeFileSync(resolve(target, '.unpacked'), archive);
  }
}

/** The PostgreSQL server binaries (initdb, pg_ctl, postgres) installed on this machine. */
export function postgresBinDir(): string {
  const candidates = [process.env.PG_BIN];
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    for (const v of readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(resolve(debianRoot, v, 'bin'));
    }
  }
  candidates.push('/usr/local/pgsql/bin', '/usr/local/bin', '/usr/bin');
  for (const dir of candidates) {
    if (dir && existsSync(resolve(dir, 'initdb')) && existsSync(resolve(dir, 'postgres'))) return dir;
  }
  throw new MissingPrerequisite(
    'no PostgreSQL server answers at DATABASE_URL and no PostgreSQL binaries (initdb, postgres) were found: install PostgreSQL 14+ (`apt-get install postgresql`), set PG_BIN, or point DATABASE_URL at a server',
  );
}
