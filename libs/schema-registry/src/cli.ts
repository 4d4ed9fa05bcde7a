import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { topicCatalog } from '@lading/contracts';
import { connectionSettings, repoRoot } from '@lading/infra';
import { codegenDrift, runCodegen } from './codegen/codegen';
import { describeViolation, LADING_COMPATIBILITY } from './compatibility';
import { catalogHistory, catalogViolations } from './catalog-compatibility';
import { checkSchemas, registerSchemas, subjectsFrom } from './registration';
import { createRegistryAdmin } from './registry-admin';
import { loadSchemaSet } from './schema-set';
import { ensureTopics } from './topics';

const schemasDir = join(repoRoot, 'schemas');
const out = (line: string) => process.stdout.write(`${line}\n`);
// `npm start` runs the setup commands on every start: one summary line each unless asked for detail.
let verbose = false;
const detail = (line: string) => {
  if (verbose) out(line);
};

/** `a, b, c` or `a, b, c and 4 more`, so a summary line stays one line. */
function someOf(names: readonly string[], shown = 3): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

const commands: Record<string, () => Promise<number>> = {
  async codegen() {
    const changed = runCodegen(repoRoot);
    out(changed.length > 0 ? `codegen: wrote ${changed.join(', ')}` : 'codegen: generated files are up to date');
    return 0;
  },

  async 'codegen:check'() {
    const drift = codegenDrift(repoRoot);
    if (drift.length === 0) {
      out('codegen:check: generated files match the schemas');
      return 0;
    }
    out(`codegen:check: generated files differ from what the schemas produce (run \`npm run codegen\` and commit):\n  ${drift.join('\n  ')}`);
    return 1;
  },

  async 'schemas:register'() {
    const { schemaRegistryUrl } = connectionSettings();
    const subjects = subjectsFrom(loadSchemaSet(schemasDir));
    const results = await registerSchemas(createRegistryAdmin(schemaRegistryUrl), subjects, detail);
    const registered = results.filter((r) => r.outcome === 'registered').map((r) => r.subject);
    const configured = results.filter((r) => r.compatibilitySet).length;
    out(
      registered.length + configured === 0
        ? `schemas:register: all ${results.length} subjects already registered with ${LADING_COMPATIBILITY}; nothing changed`
        : `schemas:register: ${results.length} subjects at ${schemaRegistryUrl}: ${registered.length} registered${registered.length > 0 ? ` (${someOf(registered)})` : ''}, ` +
            `${results.length - registered.length} unchanged, compatibility ${LADING_COMPATIBILITY} set on ${configured}`,
    );
    return 0;
  },

  async 'schemas:check'() {
    const { schemaRegistryUrl } = connectionSettings();
    const checks = await checkSchemas({ repoRoot, schemasDir, admin: createRegistryAdmin(schemaRegistryUrl), progress: out });
    for (const warning of new Set(checks.flatMap((c) => c.warnings))) out(`warning: ${warning}`);
    const failed = checks.filter((c) => c.violations.length > 0);
    for (const check of failed) {
      out(`✗ ${check.subject}`);
      for (const v of check.violations) out(`    ${describeViolation(v)} [against ${v.against}]`);
    }
    const versions = checks.reduce((n, c) => n + c.checkedAgainst.length, 0);
    out(
      failed.length === 0
        ? `schemas:check: ${checks.length} subjects compatible (${LADING_COMPATIBILITY}) with all ${versions} prior versions in the registry and git history`
        : `schemas:check: ${failed.length} of ${checks.length} subjects break ${LADING_COMPATIBILITY}`,
    );
    // the topic catalog: keys, partitions and cleanup never change, record types and topics are never removed
    const history = catalogHistory(repoRoot, join(repoRoot, 'docs', 'asyncapi.yaml'));
    const catalogBreaks = catalogViolations(topicCatalog, history);
    for (const v of catalogBreaks) out(`✗ topic ${v.topic}: ${v.rule} — ${v.detail} [against ${v.against}]`);
    out(
      catalogBreaks.length === 0
        ? `schemas:check: the topic catalog (${topicCatalog.length} topics) keeps every key, partition count, cleanup policy and record type of its ${history.length} committed versions`
        : `schemas:check: ${catalogBreaks.length} topic catalog change(s) would break deployed producers or consumers`,
    );
    return failed.length === 0 && catalogBreaks.length === 0 ? 0 : 1;
  },

  async 'topics:create'() {
    const { kafkaBrokers } = connectionSettings();
    const kafka = new Kafka({ clientId: 'lading-topics', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      let told = false;
      const result = await ensureTopics(admin, {
        served: {
          onWaiting: (notServed) => {
            if (!told) out(`topics:create: waiting for the brokers to serve ${someOf(Object.keys(notServed))} ...`);
            told = true;
          },
        },
      });
      for (const topic of result.created) detail(`${topic}: created`);
      for (const topic of result.reconfigured) detail(`${topic}: cleanup policy / retention reset to the catalog's`);
      // a mismatch fails the command, so it is always shown, whatever the verbosity
      for (const m of result.partitionMismatches) out(`${m.topic}: WARNING has ${m.actual} partitions, catalog says ${m.expected}; left unchanged (repartitioning moves keys)`);
      const { created, reconfigured, unchanged } = result;
      out(
        created.length + reconfigured.length === 0
          ? `topics:create: all ${unchanged.length} catalog topics exist; nothing changed`
          : `topics:create: ${created.length} created${created.length > 0 ? ` (${someOf(created)})` : ''}, ` +
              `${reconfigured.length} reconfigured${reconfigured.length > 0 ? ` (${someOf(reconfigured)})` : ''}, ${unchanged.length} unchanged`,
      );
      return result.partitionMismatches.length === 0 ? 0 : 1;
    } finally {
      await admin.disconnect();
    }
  },
};

export async function main(argv: string[]): Promise<void> {
  verbose = argv.includes('--verbose') || argv.includes('-v');
  const command = commands[argv[0] ?? ''];
  if (!command) {
    process.stderr.write(`usage: contracts <${Object.keys(commands).join('|')}> [--verbose]\n`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await command();
  } catch (error) {
    process.stderr.write(`${argv[0]}: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
