/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Typed readers of environment variables: each names its variable in the error, so a service
 * refuses to start with a message that says exactly what to fix.
 */
export const setting = {
  integer(env: Env, name: string, fallback: number, min: number, max: number): number {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    return value;
  },

  boolean(env: Env, name: string, fallback: boolean): boolean {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new ConfigError(`${name} must be true or false, got '${raw}'`);
  },

  /** A lower-case SQL identifier (schema names are spliced into SQL). */
  identifier(env: Env, name: string, fallback: string): string {
    const value = env[name] || fallback;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new ConfigError(`${name} must be a lower-case SQL identifier, got '${value}'`);
    return value;
  },

  url(env: Env, name: string, fallback: string): string {
    const value = env[name] || fallback;
    try {
      new URL(value);
    } catch {
      throw new ConfigError(`${name} is not a URL: '${value}'`);
    }
    return value;
  },

  brokers(env: Env, name: string, fallback: string): string[] {
    const brokers = (env[name] || fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) throw new ConfigError(`${name} must be host:port[,host:port...], got '${env[name]}'`);
    return brokers;
  },

  oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
    const value = (env[name] || fallback) as T;
    if (!allowed.includes(value)) throw new ConfigError(`${name} must be ${allowed.join(', ')}; got '${value}'`);
    return value;
  },

  /** Parses with `parse`; its error becomes a ConfigError naming the variable. */
  parsed<T>(env: Env, name: string, parse: (raw: string | undefined) => T): T {
    try {
      return parse(env[name]);
    } catch (error) {
      const message = (error as Error).message;
      throw new ConfigError(message.includes(name) ? message : `${name}: ${message}`);
    }
  },
};
