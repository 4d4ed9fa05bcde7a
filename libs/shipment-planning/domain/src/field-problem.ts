/**
 * One thing wrong with an input, naming the field by its JSON path (`services[0].weightBreaks[2].upToKg`)
 * so an HTTP API can answer 400 with it as it is.
 */
export interface FieldProblem {
  field: string;
  problem: string;
}

/**
 * JSON with object keys sorted at every depth: two values that differ only in key order give the
 * same text, so "the same content again" can be recognised whatever order a client wrote it in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, entry]) => [key, sortKeys(entry)]));
}

/** An ISO-8601 instant with an explicit offset (`2026-01-15T15:00:00Z`, `…+01:00`), as the API accepts them. */
export function isIsoInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    Number.isFinite(Date.parse(value))
  );
}
