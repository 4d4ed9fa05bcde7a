import { relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import type { TopicSpec } from '@lading/contracts';

/** A topic as a committed docs/asyncapi.yaml described it. */
export interface PublishedTopic {
  name: string;
  keyField: string;
  partitions: number;
  cleanupPolicy: string;
  recordTypes: string[];
}

export interface CatalogViolation {
  topic: string;
  rule: 'KEY_CHANGED' | 'PARTITIONS_CHANGED' | 'CLEANUP_POLICY_CHANGED' | 'RECORD_TYPE_REMOVED' | 'TOPIC_REMOVED';
  detail: string;
  against: string;
}

/**
 * The topic catalog's compatibility rules against every committed version of it (DESIGN §9, the
 * tenancy issue): a topic's key, partition count and cleanup policy never change — a producer
 * in another language keys by the catalog, and a change moves keys between partitions (per-key
 * order) or lets compaction delete what it kept — so such a change is a new topic version
 * (`deprecatedBy` on the old one). Record types are added, never removed; a topic is never
 * dropped from the catalog (a deployed system still has it: deprecate it instead).
 */
export function catalogViolations(current: readonly TopicSpec[], history: readonly { label: string; topics: readonly PublishedTopic[] }[]): CatalogViolation[] {
  const now = new Map(current.map((t) => [t.name, t]));
  const violations: CatalogViolation[] = [];
  const seen = new Set<string>();
  for (const { label, topics } of history) {
    for (const before of topics) {
      const after = now.get(before.name);
      const add = (rule: CatalogViolation['rule'], detail: string) => {
        const key = `${before.name}|${rule}|${detail}`;
        if (seen.has(key)) return;
        seen.add(key);
        violations.push({ topic: before.name, rule, detail, against: label });
      };
      if (!after) {
        add('TOPIC_REMOVED', `removed from the catalog; deployments still have it — keep it with deprecatedBy`);
        continue;
      }
      if (before.keyField && after.keyField !== before.keyField) add('KEY_CHANGED', `key ${before.keyField} → ${after.keyField}: a new key is a new topic version`);
      if (after.partitions !== before.partitions) add('PARTITIONS_CHANGED', `${before.partitions} → ${after.partitions} partitions would move keys between partitions`);
      if (after.cleanupPolicy !== before.cleanupPolicy) add('CLEANUP_POLICY_CHANGED', `${before.cleanupPolicy} → ${after.cleanupPolicy}`);
      for (const recordType of before.recordTypes) if (!after.recordTypes.includes(recordType)) add('RECORD_TYPE_REMOVED', `${recordType} no longer allowed`);
    }
  }
  return violations;
}

/** The topics of a docs/asyncapi.yaml text (the key from its extension, or from the description of older ones). */
export function publishedTopicsOf(asyncApiYaml: string): PublishedTopic[] {
  const doc = parse(asyncApiYaml) as { channels?: Record<string, Record<string, unknown>> };
  return Object.values(doc.channels ?? {}).map((channel) => {
    const kafka = (channel.bindings as { kafka?: { partitions?: number; topicConfiguration?: { 'cleanup.policy'?: string[] } } } | undefined)?.kafka;
    const described = /\(value field `([^`]+)`\)/.exec(String(channel.description ?? ''))?.[1];
    const messages = Object.values((channel.messages ?? {}) as Record<string, { $ref?: string }>);
    return {
      name: String(channel.address),
      keyField: String(channel['x-lading-key-field'] ?? described ?? ''),
      partitions: Number(kafka?.partitions ?? 0),
      cleanupPolicy: String(kafka?.topicConfiguration?.['cleanup.policy']?.[0] ?? 'delete'),
      recordTypes: messages.map((m) => String(m.$ref ?? '').replace('#/components/messages/', '')).filter(Boolean),
    };
  });
}

/** Every committed docs/asyncapi.yaml (oldest first); empty outside a git work tree or before the first commit. */
export function catalogHistory(repoRoot: string, asyncApiPath: string): { label: string; topics: PublishedTopic[] }[] {
  const file = relative(repoRoot, asyncApiPath).split('\\').join('/');
  const git = (args: string[]) => execFileSync('git', args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  let commits: string[];
  try {
    commits = git(['log', '--format=%H', '--reverse', 'HEAD', '--', file]).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
  return commits.map((commit) => ({ label: `git ${commit.slice(0, 12)}`, topics: publishedTopicsOf(git(['show', `${commit}:${file}`])) }));
}
