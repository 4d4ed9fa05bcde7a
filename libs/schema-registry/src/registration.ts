import { topicCatalog, type TopicSpec } from '@lading/contracts';
import {
  CompatibilityViolation,
  describeViolation,
  fullCompatibilityViolations,
  LADING_COMPATIBILITY,
} from './compatibility';
import { IncompatibleSchemaError, RegistryUnavailableError } from './errors';
import { schemaHistory } from './git-history';
import { RegistryAdmin, RegistryRequestError } from './registry-admin';
import { AvroJson, loadSchemaSet, messageRecordTypes, SchemaSet, selfContainedSchema } from './schema-set';
import { subjectFor } from './serde';

/** One registry subject the catalog and the schemas call for. */
export interface SubjectSchema {
  topic: string;
  recordType: string;
  subject: string;
  /** Self-contained schema text, exactly as registered. */
  schema: string;
}

/**
 * Every (topic, record type) subject with its current schema. Fails when the catalog and the
 * schemas disagree: a catalog type without a schema, or an event/command no topic carries.
 */
export function subjectsFrom(set: SchemaSet, catalog: readonly TopicSpec[] = topicCatalog): SubjectSchema[] {
  const problems: string[] = [];
  const carried = new Set(catalog.flatMap((t) => t.recordTypes));
  for (const recordType of messageRecordTypes(set)) {
    if (!carried.has(recordType) && catalog === topicCatalog) problems.push(`${recordType} is an event/command schema but no catalog topic carries it`);
  }
  const subjects = catalog.flatMap((topic) =>
    topic.recordTypes.flatMap((recordType) => {
      if (!set.named.has(recordType)) {
        problems.push(`topic ${topic.name} lists ${recordType}, which no schema defines`);
        return [];
      }
      return [{ topic: topic.name, recordType, subject: subjectFor(topic.name, recordType), schema: JSON.stringify(selfContainedSchema(set, recordType)) }];
    }),
  );
  if (problems.length > 0) throw new Error(`schemas and topic catalog disagree:\n  ${problems.join('\n  ')}`);
  return subjects;
}

export type RegistrationOutcome = 'registered' | 'unchanged';

export interface RegistrationResult {
  subject: string;
  outcome: RegistrationOutcome;
  schemaId: number;
  /** True when the subject's compatibility level had to be set (first registration or drift). */
  compatibilitySet: boolean;
}

/**
 * Registers every subject, idempotently: the compatibility level is set per subject before its
 * first version (so the very first registration is already guarded), and a schema the subject
 * already holds is left alone. A refusal names the field and the rule.
 */
export async function registerSchemas(
  admin: RegistryAdmin,
  subjects: readonly SubjectSchema[],
  progress: (line: string) => void = () => undefined,
): Promise<RegistrationResult[]> {
  const results: RegistrationResult[] = [];
  for (const s of subjects) {
    let compatibilitySet = false;
    if ((await admin.compatibility(s.subject)) !== LADING_COMPATIBILITY) {
      await admin.setCompatibility(s.subject, LADING_COMPATIBILITY);
      compatibilitySet = true;
    }
    const existing = await admin.lookup(s.subject, s.schema);
    if (existing !== undefined) {
      results.push({ subject: s.subject, outcome: 'unchanged', schemaId: existing, compatibilitySet });
      if (compatibilitySet) progress(`${s.subject}: compatibility set to ${LADING_COMPATIBILITY}`);
      continue;
    }
    try {
      const schemaId = await admin.register(s.subject, s.schema);
      results.push({ subject: s.subject, outcome: 'registered', schemaId, compatibilitySet });
      progress(`${s.subject}: registered (schema id ${schemaId})`);
    } catch (error) {
      if (!(error instanceof RegistryRequestError) || error.status !== 409) throw error;
      const named = await registryViolations(admin, s);
      throw new IncompatibleSchemaError(
        `${s.subject}: the registry refused the schema (${LADING_COMPATIBILITY}): ${error.message}` +
          (named.length > 0 ? `\n  ${named.map((v) => `${describeViolation(v)} [against ${v.against}]`).join('\n  ')}` : ''),
      );
    }
  }
  return results;
}

export interface PriorVersion {
  /** Where it came from: `registry v3`, `git 1a2b3c4d`. */
  label: string;
  schema: AvroJson;
}

export interface SubjectCheck {
  subject: string;
  recordType: string;
  checkedAgainst: string[];
  violations: (CompatibilityViolation & { against: string })[];
  /** Things that do not break readers but should be fixed, e.g. a changed schema whose lading.version was not bumped. */
  warnings: string[];
}

async function registryVersions(admin: RegistryAdmin, subject: string): Promise<PriorVersion[]> {
  const versions = await admin.versions(subject);
  const priors: PriorVersion[] = [];
  for (const version of versions) {
    const { schema } = await admin.version(subject, version);
    priors.push({ label: `registry v${version}`, schema: JSON.parse(schema) as AvroJson });
  }
  return priors;
}

async function registryViolations(admin: RegistryAdmin, s: SubjectSchema) {
  const candidate = JSON.parse(s.schema) as AvroJson;
  return (await registryVersions(admin, s.subject)).flatMap((prior) => fullCompatibilityViolations(candidate, prior.schema).map((v) => ({ ...v, against: prior.label })));
}

/** Every earlier committed version of each record type, deduplicated, oldest first. */
export function gitPriorVersions(repoRoot: string, schemasDir: string): { byRecordType: Map<string, PriorVersion[]>; shallow: boolean } {
  const { versions, shallow } = schemaHistory(repoRoot, schemasDir);
  const byRecordType = new Map<string, PriorVersion[]>();
  const seen = new Set<string>();
  for (const { commit, set } of versions) {
    for (const recordType of messageRecordTypes(set)) {
      let schema: AvroJson;
      try {
        schema = selfContainedSchema(set, recordType);
      } catch {
        continue; // referenced a type missing at that commit: it never registered either
      }
      const key = `${recordType}\n${JSON.stringify(schema)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = byRecordType.get(recordType) ?? [];
      list.push({ label: `git ${commit.slice(0, 10)}`, schema });
      byRecordType.set(recordType, list);
    }
  }
  return { byRecordType, shallow };
}

/**
 * `schemas:check`: every subject's current schema against every prior version, from the
 * registry (when one answers) and from git history (so a fresh registry in CI still guards
 * against breaking what was released), in both directions (FULL_TRANSITIVE).
 */
export async function checkSchemas(options: {
  repoRoot: string;
  schemasDir: string;
  admin?: RegistryAdmin;
  catalog?: readonly TopicSpec[];
  progress?: (line: string) => void;
}): Promise<SubjectCheck[]> {
  const progress = options.progress ?? (() => undefined);
  const set = loadSchemaSet(options.schemasDir);
  const subjects = subjectsFrom(set, options.catalog ?? topicCatalog);
  const git = gitPriorVersions(options.repoRoot, options.schemasDir);
  if (git.shallow) progress('warning: shallow git clone; versions before the cut-off are not checked (fetch with --unshallow)');
  let admin = options.admin;
  const checks: SubjectCheck[] = [];
  for (const s of subjects) {
    const candidate = JSON.parse(s.schema) as AvroJson;
    const priors = [...(git.byRecordType.get(s.recordType) ?? [])];
    let registryVerdict: boolean | undefined;
    if (admin) {
      try {
        priors.push(...(await registryVersions(admin, s.subject)));
        registryVerdict = await admin.isCompatible(s.subject, s.schema);
      } catch (error) {
        if (!(error instanceof RegistryUnavailableError)) throw error;
        progress(`warning: ${error.message}; checking against git history only`);
        admin = undefined;
      }
    }
    const violations = priors.flatMap((prior) => fullCompatibilityViolations(candidate, prior.schema).map((v) => ({ ...v, against: prior.label })));
    // a second opinion: the registry's own check, against every version its level covers
    if (registryVerdict === false && violations.length === 0) {
      violations.push({ field: '(record)', rule: 'REGISTRY_REFUSED', direction: 'BACKWARD', detail: `the registry's ${LADING_COMPATIBILITY} check refuses it`, against: 'registry' });
    }
    const warnings: string[] = [];
    const lastCommitted = git.byRecordType.get(s.recordType)?.at(-1);
    const versionOf = (schema: AvroJson) => Number((schema as { 'lading.version'?: number })['lading.version'] ?? 1);
    if (lastCommitted && JSON.stringify(lastCommitted.schema) !== s.schema && versionOf(candidate) <= versionOf(lastCommitted.schema)) {
      warnings.push(`${s.recordType} changed since ${lastCommitted.label} but its lading.version is still ${versionOf(candidate)}: bump it so meta.schemaVersion tells the versions apart`);
    }
    checks.push({ subject: s.subject, recordType: s.recordType, checkedAgainst: priors.map((p) => p.label), violations, warnings });
  }
  return checks;
}
