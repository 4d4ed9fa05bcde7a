import { kafkaDown, kafkaNodeRecordName, kafkaReadyProbe, kafkaUp } from './kafka';
import { databaseName, ensureDatabase, postgresDown, postgresUp, privatePostgresPid } from './postgres';
import { MissingPrerequisite } from './prerequisites';
import { allRecords, isAlive, readRecord } from './processes';
import { REGISTRY_DATABASE, registryDown, registryProbe, registryUp } from './schema-registry';
import { bootstrapServers, connectionSettings, KafkaClusterLayout, singleBroker, threeBrokerCluster } from './settings';

const USAGE = `usage: lading-infra <up|down|status> [--brokers 1|3]

  up       start PostgreSQL (if none answers), Kafka (KRaft) and the schema registry; waits
           until each is really ready. A no-op when everything already runs.
  down     stop every process lading-infra started (and only those).
  status   what runs, on which port, started by whom.

  --brokers 3   act on the 3-node failover cluster (ports 29092-29094) instead of the
                single dev broker.`;

function progress(line: string): void {
  process.stdout.write(`[infra] ${line}\n`);
}

function layoutFrom(args: string[]): KafkaClusterLayout {
  const i = args.indexOf('--brokers');
  if (i === -1) return singleBroker;
  const n = args[i + 1];
  if (n === '1') return singleBroker;
  if (n === '3') return threeBrokerCluster;
  throw new MissingPrerequisite(`--brokers must be 1 or 3, got ${n ?? 'nothing'}`);
}

/** Kafka is ours to start only when KAFKA_BROKERS is unset (or points at our own ports). */
function kafkaIsLocal(layout: KafkaClusterLayout): boolean {
  const configured = connectionSettings().kafkaBrokers.join(',');
  return layout !== singleBroker || configured === bootstrapServers(singleBroker).join(',');
}

async function up(args: string[]): Promise<void> {
  const layout = layoutFrom(args);
  const started = Date.now();
  const settings = connectionSettings();
  if (layout === threeBrokerCluster) {
    const kafka = await kafkaUp(layout, progress);
    progress(`kafka-cluster ${kafka} at ${bootstrapServers(layout).join(',')}`);
    return;
  }
  const results: Record<string, string> = {};
  results.postgres = await postgresUp(settings.databaseUrl, progress);
  for (const db of [databaseName(settings.databaseUrl), REGISTRY_DATABASE]) {
    if (await ensureDatabase(settings.databaseUrl, db)) progress(`created database ${db}`);
  }
  // The two JVMs start side by side: together they take as long as the slower one.
  const [kafka, registry] = await Promise.all([
    kafkaIsLocal(layout)
      ? kafkaUp(layout, progress)
      : kafkaReadyProbe(settings.kafkaBrokers, 1)().then((ok) => {
          if (!ok) throw new Error(`Kafka at KAFKA_BROKERS=${settings.kafkaBrokers.join(',')} does not answer`);
          return 'already running' as const;
        }),
    registryUp(settings.schemaRegistryUrl, settings.databaseUrl, progress),
  ]);
  results.kafka = kafka;
  results['schema-registry'] = registry;
  if (Object.values(results).every((r) => r === 'already running')) {
    progress('everything is already running: nothing to do');
  } else {
    progress(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  progress(`Kafka            ${settings.kafkaBrokers.join(',')}  (${results.kafka})`);
  progress(`schema registry  ${settings.schemaRegistryUrl}  (${results['schema-registry']})`);
  progress(`PostgreSQL       ${settings.databaseUrl}  (${results.postgres})`);
}

async function down(args: string[]): Promise<void> {
  const only = args.includes('--brokers') ? layoutFrom(args) : undefined;
  if (only) {
    await kafkaDown(only, progress);
    return;
  }
  await registryDown(progress);
  await kafkaDown(singleBroker, progress);
  await kafkaDown(threeBrokerCluster, progress);
  await postgresDown(progress);
  const left = allRecords().filter(isAlive);
  if (left.length) throw new Error(`still running: ${left.map((r) => `${r.name} (pid ${r.pid})`).join(', ')}`);
  progress('nothing of ours is running');
}

async function status(): Promise<void> {
  const settings = connectionSettings();
  const owner = (name: string) => {
    const record = readRecord(name);
    return record && isAlive(record) ? `started by lading-infra, pid ${record.pid}, log ${record.logFile}` : 'not started by lading-infra';
  };
  const kafkaOk = await kafkaReadyProbe(settings.kafkaBrokers, 1)().catch(() => false);
  progress(`Kafka            ${settings.kafkaBrokers.join(',')}: ${kafkaOk ? 'up' : 'down'} (${owner('kafka')})`);
  const cluster = threeBrokerCluster.nodes.map((n) => kafkaNodeRecordName(threeBrokerCluster, n));
  const clusterAlive = cluster.filter((name) => {
    const r = readRecord(name);
    return r && isAlive(r);
  });
  if (clusterAlive.length) progress(`Kafka 3-node     ${bootstrapServers(threeBrokerCluster).join(',')}: ${clusterAlive.length}/3 nodes running`);
  const registryOk = await registryProbe(settings.schemaRegistryUrl)().catch(() => false);
  progress(`schema registry  ${settings.schemaRegistryUrl}: ${registryOk ? 'up' : 'down'} (${owner('schema-registry')})`);
  const pgPid = privatePostgresPid();
  progress(`PostgreSQL       ${settings.databaseUrl}: ${pgPid ? `private cluster, pid ${pgPid}` : 'server not started by lading-infra'}`);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  try {
    if (command === 'up') await up(args);
    else if (command === 'down') await down(args);
    else if (command === 'status') await status();
    else {
      process.stdout.write(`${USAGE}\n`);
      process.exitCode = command ? 2 : 0;
    }
  } catch (error) {
    process.stderr.write(`[infra] ${error instanceof MissingPrerequisite ? '' : 'error: '}${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
