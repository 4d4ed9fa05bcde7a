import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { schemaSetFrom, SchemaSet } from './schema-set';

/** The schemas folder as it was at one commit. */
export interface HistoricSchemaSet {
  commit: string;
  set: SchemaSet;
}

function git(repoRoot: string, args: string[], input?: string): Buffer {
  return execFileSync('git', args, { cwd: repoRoot, input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Reads `git cat-file --batch` output: `<sha> blob <size>\n<content>\n` per requested object.
 * One process for every file of every commit keeps a long history cheap.
 */
function catFiles(repoRoot: string, specs: string[]): Map<string, string> {
  const out = git(repoRoot, ['cat-file', '--batch'], `${specs.join('\n')}\n`);
  const texts = new Map<string, string>();
  let offset = 0;
  for (const spec of specs) {
    const newline = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, newline).toString('utf8');
    offset = newline + 1;
    if (header.endsWith(' missing')) continue;
    const size = Number(header.split(' ')[2]);
    texts.set(spec, out.subarray(offset, offset + size).toString('utf8'));
    offset += size + 1;
  }
  return texts;
}

/**
 * Every committed state of `schemasDir` (oldest first), so the compatibility check knows every
 * version a schema ever had even on a fresh registry. Throws when `repoRoot` is not a git
 * work tree; warns through `shallow` when history is cut off (a shallow CI clone).
 */
export function schemaHistory(repoRoot: string, schemasDir: string): { versions: HistoricSchemaSet[]; shallow: boolean } {
  const folder = relative(repoRoot, schemasDir).split('\\').join('/') || '.';
  const shallow = git(repoRoot, ['rev-parse', '--is-shallow-repository']).toString().trim() === 'true';
  try {
    git(repoRoot, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  } catch {
    return { versions: [], shallow }; // a repository without commits has no history yet
  }
  const log = git(repoRoot, ['log', '--format=%H', '--reverse', 'HEAD', '--', folder]).toString().trim();
  const commits = log ? log.split('\n') : [];
  const versions: HistoricSchemaSet[] = [];
  for (const commit of commits) {
    const listing = git(repoRoot, ['ls-tree', '-r', '--name-only', commit, '--', folder]).toString().trim();
    const paths = listing ? listing.split('\n').filter((p) => p.endsWith('.avsc')) : [];
    const texts = catFiles(
      repoRoot,
      paths.map((p) => `${commit}:${p}`),
    );
    const files = new Map(paths.map((p) => [p, texts.get(`${commit}:${p}`) ?? '']));
    try {
      versions.push({ commit, set: schemaSetFrom(files) });
    } catch (error) {
      // a commit whose schemas never parsed was never registrable either: nothing to stay compatible with
      process.emitWarning(`schemas at ${commit.slice(0, 12)} do not parse, skipped: ${(error as Error).message}`);
    }
  }
  return { versions, shallow };
}
