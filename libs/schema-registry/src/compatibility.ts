import avro from 'avsc';
import { AvroJson, AvroObject, isPrimitive, schemaSetFrom, SchemaSet } from './schema-set';

/**
 * The compatibility mode of every Lading subject. FULL_TRANSITIVE: a new schema must read data
 * written with every earlier version (events are replayed years later) AND every earlier
 * schema must read data written with the new one (consumers upgrade after producers, and
 * external adapters upgrade on their own schedule).
 */
export const LADING_COMPATIBILITY = 'FULL_TRANSITIVE';

export type CompatibilityRule =
  /** A reader field the writer does not have, and the reader has no default for it. */
  | 'FIELD_WITHOUT_DEFAULT'
  /** The writer's type cannot be read as the reader's type (no Avro promotion). */
  | 'TYPE_CHANGED'
  /** A decimal's precision/scale or another logical type changed: same bytes, different meaning. */
  | 'LOGICAL_TYPE_CHANGED'
  /** The writer may write an enum symbol the reader lacks, and the reader enum has no default. */
  | 'ENUM_SYMBOL_MISSING'
  /** A union branch of the writer has no matching branch in the reader. */
  | 'UNION_BRANCH_MISSING'
  /** A named type (record, enum, fixed) was renamed without an alias. */
  | 'NAME_CHANGED'
  | 'FIXED_SIZE_CHANGED'
  /** The registry's own check refused the schema where the rules above found nothing. */
  | 'REGISTRY_REFUSED';

/** BACKWARD: the new schema reads old data. FORWARD: an old schema reads new data. */
export type CompatibilityDirection = 'BACKWARD' | 'FORWARD';

export interface CompatibilityViolation {
  /** Dotted path of the field in the reader schema, e.g. `lines[].quantity.unit`. */
  field: string;
  rule: CompatibilityRule;
  direction: CompatibilityDirection;
  detail: string;
}

interface Side {
  named: Map<string, AvroObject>;
}

const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

function fullName(definition: AvroObject): string {
  return definition.namespace ? `${String(definition.namespace)}.${String(definition.name)}` : String(definition.name);
}

/** Resolves a reference to its definition and primitives to a canonical object form. */
function deref(type: AvroJson, side: Side): AvroJson {
  if (typeof type === 'string') {
    if (isPrimitive(type)) return { type };
    const definition = side.named.get(type);
    if (!definition) throw new Error(`unknown type ${type}`);
    return definition;
  }
  if (!Array.isArray(type) && typeof type.type === 'string' && !isPrimitive(type.type)) return type;
  if (!Array.isArray(type) && typeof type.type !== 'string') return deref(type.type, side);
  return type;
}

function kindOf(type: AvroJson): string {
  if (Array.isArray(type)) return 'union';
  return String((type as AvroObject).type);
}

function describe(type: AvroJson): string {
  if (Array.isArray(type)) return `union [${type.map(describe).join(', ')}]`;
  const object = type as AvroObject;
  if (['record', 'enum', 'fixed', 'error'].includes(String(object.type))) return `${String(object.type)} ${fullName(object)}`;
  if (object.logicalType) return `${String(object.type)} (${String(object.logicalType)})`;
  return String(object.type);
}

function namesMatch(reader: AvroObject, writer: AvroObject): boolean {
  const writerName = fullName(writer);
  if (fullName(reader) === writerName) return true;
  const aliases = (reader.aliases as string[] | undefined) ?? [];
  return aliases.some((alias) => alias === writerName || `${String(reader.namespace ?? '')}.${alias}` === writerName || alias === String(writer.name));
}

/**
 * Avro schema resolution rules (spec §"Schema Resolution"), checked structurally so that a
 * violation names the field and the rule. `reader` reads data written with `writer`.
 */
function resolve(
  reader: AvroJson,
  writer: AvroJson,
  path: string,
  sides: { reader: Side; writer: Side },
  out: Omit<CompatibilityViolation, 'direction'>[],
  visiting: Set<string>,
): void {
  const r = deref(reader, sides.reader);
  const w = deref(writer, sides.writer);
  const rKind = kindOf(r);
  const wKind = kindOf(w);

  if (wKind === 'union') {
    // every branch the writer may have written must be readable
    for (const branch of w as AvroJson[]) {
      const probe: Omit<CompatibilityViolation, 'direction'>[] = [];
      resolve(r, branch, path, sides, probe, visiting);
      if (probe.length > 0) {
        out.push(
          rKind === 'union'
            ? { field: path, rule: 'UNION_BRANCH_MISSING', detail: `the writer may write ${describe(deref(branch, sides.writer))}, which no branch of the reader's ${describe(r)} can read` }
            : probe[0],
        );
      }
    }
    return;
  }
  if (rKind === 'union') {
    const branches = r as AvroJson[];
    const matches = branches.some((branch) => {
      const probe: Omit<CompatibilityViolation, 'direction'>[] = [];
      resolve(branch, w, path, sides, probe, visiting);
      return probe.length === 0;
    });
    if (!matches) out.push({ field: path, rule: 'TYPE_CHANGED', detail: `${describe(w)} cannot be read as ${describe(r)}` });
    return;
  }

  const ro = r as AvroObject;
  const wo = w as AvroObject;
  if (rKind !== wKind) {
    if (PROMOTIONS[wKind]?.includes(rKind)) return;
    out.push({ field: path, rule: 'TYPE_CHANGED', detail: `type changed from ${describe(wo)} to ${describe(ro)}, which Avro cannot promote` });
    return;
  }
  switch (rKind) {
    case 'record':
    case 'error': {
      if (!namesMatch(ro, wo)) {
        out.push({ field: path, rule: 'NAME_CHANGED', detail: `record ${fullName(wo)} became ${fullName(ro)} without an alias` });
        return;
      }
      const key = `${fullName(ro)}<-${fullName(wo)}`;
      if (visiting.has(key)) return;
      visiting.add(key);
      const writerFields = new Map((wo.fields as AvroObject[]).map((f) => [String(f.name), f]));
      for (const field of ro.fields as AvroObject[]) {
        const name = String(field.name);
        const fieldPath = path ? `${path}.${name}` : name;
        const candidates = [name, ...((field.aliases as string[] | undefined) ?? [])];
        const written = candidates.map((c) => writerFields.get(c)).find(Boolean);
        if (written) resolve(field.type, written.type, fieldPath, sides, out, visiting);
        else if (!('default' in field)) {
          out.push({ field: fieldPath, rule: 'FIELD_WITHOUT_DEFAULT', detail: `the reader expects '${name}' but the writer does not write it, and the reader's '${name}' has no default` });
        }
      }
      visiting.delete(key);
      return;
    }
    case 'enum': {
      if (!namesMatch(ro, wo)) {
        out.push({ field: path, rule: 'NAME_CHANGED', detail: `enum ${fullName(wo)} became ${fullName(ro)} without an alias` });
        return;
      }
      const known = new Set(ro.symbols as string[]);
      const missing = (wo.symbols as string[]).filter((s) => !known.has(s));
      if (missing.length > 0 && ro.default === undefined) {
        out.push({ field: path, rule: 'ENUM_SYMBOL_MISSING', detail: `the writer may write ${missing.join(', ')} of enum ${fullName(wo)}, which the reader lacks and has no default symbol for` });
      }
      return;
    }
    case 'fixed':
      if (!namesMatch(ro, wo)) out.push({ field: path, rule: 'NAME_CHANGED', detail: `fixed ${fullName(wo)} became ${fullName(ro)} without an alias` });
      else if (ro.size !== wo.size) out.push({ field: path, rule: 'FIXED_SIZE_CHANGED', detail: `fixed size changed from ${String(wo.size)} to ${String(ro.size)}` });
      return;
    case 'array':
      resolve(ro.items as AvroJson, wo.items as AvroJson, `${path}[]`, sides, out, visiting);
      return;
    case 'map':
      resolve(ro.values as AvroJson, wo.values as AvroJson, `${path}{}`, sides, out, visiting);
      return;
    default:
      if (ro.logicalType !== wo.logicalType || (ro.logicalType === 'decimal' && (ro.precision !== wo.precision || ro.scale !== wo.scale))) {
        const show = (o: AvroObject) => (o.logicalType === 'decimal' ? `decimal(${String(o.precision)},${String(o.scale)})` : String(o.logicalType ?? 'none'));
        out.push({ field: path, rule: 'LOGICAL_TYPE_CHANGED', detail: `logical type changed from ${show(wo)} to ${show(ro)}: the same bytes would mean a different value` });
      }
  }
}

function sideOf(schema: AvroJson): { root: AvroJson; side: Side } {
  const set: SchemaSet = schemaSetFrom({ 'schema.avsc': JSON.stringify(schema) });
  const root = set.topLevel[0] ?? schema;
  return { root, side: { named: set.named } };
}

/**
 * Violations of `direction` between two self-contained schemas. BACKWARD: `candidate` must read
 * data written with `prior`; FORWARD: `prior` must read data written with `candidate`.
 * avsc's own resolver is the backstop, so a case the rules above miss still fails.
 */
export function compatibilityViolations(candidate: AvroJson, prior: AvroJson, direction: CompatibilityDirection): CompatibilityViolation[] {
  const [readerSchema, writerSchema] = direction === 'BACKWARD' ? [candidate, prior] : [prior, candidate];
  const reader = sideOf(readerSchema);
  const writer = sideOf(writerSchema);
  const found: Omit<CompatibilityViolation, 'direction'>[] = [];
  resolve(reader.root, writer.root, '', { reader: reader.side, writer: writer.side }, found, new Set());
  if (found.length === 0) {
    try {
      avro.Type.forSchema(readerSchema as avro.Schema).createResolver(avro.Type.forSchema(writerSchema as avro.Schema));
    } catch (error) {
      found.push({ field: '(record)', rule: 'TYPE_CHANGED', detail: `avsc cannot resolve: ${(error as Error).message}` });
    }
  }
  return found.map((v) => ({ ...v, direction }));
}

/** Violations in both directions (FULL). */
export function fullCompatibilityViolations(candidate: AvroJson, prior: AvroJson): CompatibilityViolation[] {
  return [...compatibilityViolations(candidate, prior, 'BACKWARD'), ...compatibilityViolations(candidate, prior, 'FORWARD')];
}

/** One line naming the field and the rule, for CLI output and error messages. */
export function describeViolation(v: CompatibilityViolation): string {
  const reader = v.direction === 'BACKWARD' ? 'the new schema reading old data' : 'an old schema reading new data';
  return `field '${v.field || '(record)'}': ${v.rule} (${v.direction}: ${reader}) — ${v.detail}`;
}
