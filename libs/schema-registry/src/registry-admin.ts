import { RegistryUnavailableError } from './errors';

/** Raised for registry answers other than success and "not found". */
export class RegistryRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The few Confluent-compatible (ccompat v7) registry calls registration and the check need,
 * made directly so each answer is seen as it is (the kafkajs client folds config checks into
 * register and reports a refused connection as HTTP 400).
 */
export function createRegistryAdmin(registryUrl: string) {
  const base = registryUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json, application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new RegistryUnavailableError(`schema registry ${base} unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (response.status === 404) return undefined;
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (response.status >= 500) throw new RegistryUnavailableError(`schema registry ${method} ${path} answered ${response.status}: ${text}`);
    if (!response.ok) throw new RegistryRequestError(response.status, json.error_code as number | undefined, String(json.message ?? text));
    return json as T;
  }

  const subject = (name: string) => `/subjects/${encodeURIComponent(name)}`;

  return {
    url: base,
    /** Compatibility level set on the subject itself (undefined when only the global one applies). */
    async compatibility(name: string): Promise<string | undefined> {
      const answer = await call<{ compatibilityLevel?: string; compatibility?: string }>('GET', `/config/${encodeURIComponent(name)}`);
      return answer?.compatibilityLevel ?? answer?.compatibility;
    },
    async setCompatibility(name: string, level: string): Promise<void> {
      await call('PUT', `/config/${encodeURIComponent(name)}`, { compatibility: level });
    },
    /** The id of `schema` under the subject, or undefined when that exact schema is not registered. */
    async lookup(name: string, schema: string): Promise<number | undefined> {
      try {
        return (await call<{ id: number }>('POST', subject(name), { schema }))?.id;
      } catch (error) {
        // Apicurio answers 40403 ("no such content") as well as 404 for an unknown schema
        if (error instanceof RegistryRequestError && (error.errorCode === 40403 || error.errorCode === 40401)) return undefined;
        throw error;
      }
    },
    async register(name: string, schema: string): Promise<number> {
      const answer = await call<{ id: number }>('POST', `${subject(name)}/versions`, { schema });
      if (!answer) throw new RegistryRequestError(404, undefined, `subject ${name} not found while registering`);
      return answer.id;
    },
    async versions(name: string): Promise<number[]> {
      return (await call<number[]>('GET', `${subject(name)}/versions`)) ?? [];
    },
    async version(name: string, version: number): Promise<{ id: number; version: number; schema: string }> {
      const answer = await call<{ id: number; version: number; schema: string }>('GET', `${subject(name)}/versions/${version}`);
      if (!answer) throw new RegistryRequestError(404, undefined, `subject ${name} has no version ${version}`);
      return answer;
    },
    /** The registry's own verdict against every version its compatibility level covers. */
    async isCompatible(name: string, schema: string): Promise<boolean | undefined> {
      const answer = await call<{ is_compatible: boolean }>('POST', `/compatibility${subject(name)}/versions`, { schema });
      return answer?.is_compatible;
    },
  };
}

export type RegistryAdmin = ReturnType<typeof createRegistryAdmin>;
