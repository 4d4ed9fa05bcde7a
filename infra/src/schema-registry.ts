import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { cachedMavenFetch, javaMajorVersion, unpackArchives } from './prerequisites';
import { isAlive, portOpen, readRecord, startDetached, stopProcess, waitFor } from './processes';
import { registryArtifact, registryPort } from './settings';
import type { Progress } from './kafka';

const RECORD = 'schema-registry';
export const REGISTRY_DATABASE = 'lading_registry';

export function registryProbe(baseUrl: string): () => Promise<boolean> {
  return async () => {
    const response = await fetch(`${baseUrl}/subjects`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  };
}

/**
 * Apicurio Registry with its Confluent-compatible API. Schemas are stored in PostgreSQL, not
 * in memory: Kafka keeps messages that carry schema ids, so a registry that forgot its ids
 * on restart would make every stored message undecodable.
 */
export async function registryUp(
  registryUrl: string,
  databaseUrl: string,
  progress: Progress,
): Promise<'started' | 'already running'> {
  const probe = registryProbe(registryUrl);
  if (await probe().catch(() => false)) return 'already running';
  const existing = readRecord(RECORD);
  if (!existing || !isAlive(existing)) {
    if (await portOpen(registryPort)) {
      throw new Error(`port ${registryPort} is taken by a process that is not a schema registry; stop it or set LADING_REGISTRY_PORT`);
    }
    javaMajorVersion();
    const dir = cachedMavenFetch(
      'apicurio-registry',
      registryArtifact,
      (lib) => ['dependency:copy', `-Dartifact=${registryArtifact}`, `-DoutputDirectory=${lib}`],
      progress,
    );
    unpackArchives(dir);
    const appDir = resolve(dir, 'app');
    const runner = readdirSync(appDir).find((f) => f.endsWith('-runner.jar'));
    if (!runner) throw new Error(`no *-runner.jar in ${appDir}`);
    const db = new URL(databaseUrl);
    progress(`starting schema registry (Apicurio) on 127.0.0.1:${registryPort}`);
    const record = startDetached({
      name: RECORD,
      cwd: appDir,
      command: [
        'java',
        '-Xms128m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        `-Dquarkus.http.port=${registryPort}`,
        '-Dquarkus.http.host=127.0.0.1',
        '-Dapicurio.storage.kind=sql',
        '-Dapicurio.storage.sql.kind=postgresql',
        `-Dapicurio.datasource.url=jdbc:postgresql://${db.hostname}:${db.port || 5432}/${REGISTRY_DATABASE}`,
        `-Dapicurio.datasource.username=${decodeURIComponent(db.username || 'postgres')}`,
        // trust auth ignores it, but the JDBC pool refuses an empty one
        `-Dapicurio.datasource.password=${decodeURIComponent(db.password || 'unused')}`,
        '-jar',
        resolve(appDir, runner),
      ],
      ports: [registryPort],
    });
    await waitFor(`schema registry ${registryUrl}`, probe, { timeoutMs: 120_000, logFile: record.logFile, progress, alive: () => isAlive(record) });
    return 'started';
  }
  await waitFor(`schema registry ${registryUrl}`, probe, { timeoutMs: 120_000, logFile: existing.logFile, progress });
  return 'already running';
}

export async function registryDown(progress: Progress): Promise<void> {
  const record = readRecord(RECORD);
  if (!record) return;
  progress(`${RECORD}: ${await stopProcess(record)}`);
}
