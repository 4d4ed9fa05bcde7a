import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** An Avro schema as JSON (a type name, a union array, or a type object). */
export type AvroJson = string | AvroJson[] | AvroObject;
export interface AvroObject {
  type: AvroJson;
  [attribute: string]: unknown;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * Every named type of a set of .avsc files, each stored flat: a named type nested inside
 * another is replaced by a reference (its full name), so a definition can be inlined anywhere.
 */
export interface SchemaSet {
  /** Full name → flat definition, with `name` short and `namespace` explicit. */
  named: Map<string, AvroObject>;
  /** Full name → the file that defines it (relative to the schemas folder). */
  files: Map<string, string>;
  /** Full names defined at the top level of a file, in file order. */
  topLevel: string[];
}

export function isPrimitive(type: unknown): type is string {
  return typeof type === 'string' && PRIMITIVES.has(type);
}

export function fullNameOf(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function splitFullName(fullName: string): { name: string; namespace?: string } {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? { name: fullName } : { name: fullName.slice(dot + 1), namespace: fullName.slice(0, dot) };
}

/** Normalises `type` in namespace `ns`: named definitions go into `named`, references become full names. */
function flatten(type: AvroJson, ns: string | undefined, set: SchemaSet, file: string): AvroJson {
  if (typeof type === 'string') return isPrimitive(type) ? type : fullNameOf(type, ns);
  if (Array.isArray(type)) return type.map((branch) => flatten(branch, ns, set, file));
  const kind = type.type;
  if (typeof kind === 'string' && NAMED.has(kind)) {
    const fullName = fullNameOf(String(type.name), type.namespace as string | undefined ?? ns);
    const { name, namespace } = splitFullName(fullName);
    if (set.named.has(fullName)) {
      throw new Error(`${file}: type ${fullName} is already defined in ${set.files.get(fullName)}`);
    }
    // reserve the name first so a recursive reference resolves
    set.named.set(fullName, { type: kind });
    set.files.set(fullName, file);
    const { name: _n, namespace: _ns, fields, type: _t, ...rest } = type;
    const definition: AvroObject = { type: kind, name, ...(namespace ? { namespace } : {}), ...rest };
    if (kind === 'record' || kind === 'error') {
      definition.fields = (fields as AvroObject[]).map((field) => ({ ...field, type: flatten(field.type, namespace, set, file) }));
    }
    set.named.set(fullName, definition);
    return fullName;
  }
  if (kind === 'array') return { ...type, items: flatten(type.items as AvroJson, ns, set, file) };
  if (kind === 'map') return { ...type, values: flatten(type.values as AvroJson, ns, set, file) };
  if (typeof kind === 'string' && isPrimitive(kind)) return type;
  // `{"type": "lading.common.Money"}` or `{"type": {...}}`
  return flatten(kind, ns, set, file);
}

/** Builds a schema set from .avsc texts keyed by their path (so git history can feed it too). */
export function schemaSetFrom(files: ReadonlyMap<string, string> | Record<string, string>): SchemaSet {
  const set: SchemaSet = { named: new Map(), files: new Map(), topLevel: [] };
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
  for (const [file, text] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let json: AvroJson;
    try {
      json = JSON.parse(text) as AvroJson;
    } catch (error) {
      throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
    }
    const top = flatten(json, undefined, set, file);
    if (typeof top === 'string' && !isPrimitive(top)) set.topLevel.push(top);
  }
  return set;
}

/** Reads every *.avsc under `schemasDir` into a map of relative path → text. */
export function readSchemaFiles(schemasDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.avsc')) files.set(relative(schemasDir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(schemasDir);
  return files;
}

export function loadSchemaSet(schemasDir: string): SchemaSet {
  return schemaSetFrom(readSchemaFiles(schemasDir));
}

/**
 * The self-contained schema of one named type: every named type it uses is inlined at its
 * first use and referenced by full name after that, which is what a registry subject holds.
 */
export function selfContainedSchema(set: SchemaSet, fullName: string): AvroObject {
  const seen = new Set<string>();
  const expand = (type: AvroJson, from: string): AvroJson => {
    if (typeof type === 'string') {
      if (isPrimitive(type)) return type;
      const definition = set.named.get(type);
      if (!definition) throw new Error(`unknown type '${type}' referenced by ${from}`);
      if (seen.has(type)) return type;
      seen.add(type);
      if (!Array.isArray(definition.fields)) return { ...definition };
      return {
        ...definition,
        fields: (definition.fields as AvroObject[]).map((field) => ({ ...field, type: expand(field.type, `${type}.${String(field.name)}`) })),
      };
    }
    if (Array.isArray(type)) return type.map((branch) => expand(branch, from));
    if (type.type === 'array') return { ...type, items: expand(type.items as AvroJson, from) };
    if (type.type === 'map') return { ...type, values: expand(type.values as AvroJson, from) };
    return type;
  };
  return expand(fullName, fullName) as AvroObject;
}

/**
 * Record types that are events or commands: top-level records whose first field is `meta`
 * of type lading.common.EventMeta. Shared records (Money, Address, ...) are not messages.
 */
export function messageRecordTypes(set: SchemaSet): string[] {
  return set.topLevel.filter((fullName) => {
    const fields = set.named.get(fullName)?.fields as AvroObject[] | undefined;
    return fields?.[0]?.name === 'meta' && fields[0].type === 'lading.common.EventMeta';
  });
}
