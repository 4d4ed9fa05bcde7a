import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { topicCatalog, type TopicSpec } from '@lading/contracts';
import { loadSchemaSet } from '../schema-set';
import { generateAsyncApi } from './asyncapi';
import { generateTypeScript } from './typescript';

/** Where codegen reads and writes, relative to the repository root. */
export function codegenPaths(repoRoot: string) {
  return {
    schemas: join(repoRoot, 'schemas'),
    generated: join(repoRoot, 'libs', 'contracts', 'src', 'generated'),
    asyncapi: join(repoRoot, 'docs', 'asyncapi.yaml'),
  };
}

/** Every file codegen produces, by absolute path, from the schemas and the catalog. */
export function generatedFiles(repoRoot: string, catalog: readonly TopicSpec[] = topicCatalog): Map<string, string> {
  const paths = codegenPaths(repoRoot);
  const set = loadSchemaSet(paths.schemas);
  const files = new Map<string, string>();
  for (const [name, text] of Object.entries(generateTypeScript(set, catalog))) files.set(join(paths.generated, name), text);
  files.set(paths.asyncapi, generateAsyncApi(set, catalog));
  return files;
}

/** Files whose content differs from what codegen would write (missing files count). */
export function codegenDrift(repoRoot: string): string[] {
  return [...generatedFiles(repoRoot)]
    .filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text)
    .map(([path]) => relative(repoRoot, path));
}

/** Writes the generated files; returns the ones that changed. */
export function runCodegen(repoRoot: string): string[] {
  const changed: string[] = [];
  for (const [path, text] of generatedFiles(repoRoot)) {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    changed.push(relative(repoRoot, path));
  }
  return changed;
}
