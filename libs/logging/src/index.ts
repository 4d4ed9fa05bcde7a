export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A structured JSON logger, one object per line. Bindings (service, consumer group,
 * correlation id...) ride on every line of a child logger so logs join with traces and events.
 */
export interface JsonLogger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): JsonLogger;
  enabled(level: LogLevel): boolean;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  bindings?: Record<string, unknown>;
  write?: (line: string) => void;
}

export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const level = options.level ?? ((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const threshold = rank[level] ?? rank.info;
  const log = (l: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (rank[l] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: l, ...bindings, message, ...serialisable(fields) }));
  };
  return {
    log,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (more) => createJsonLogger({ level, write, bindings: { ...bindings, ...more } }),
    enabled: (l) => rank[l] >= threshold,
  };
}

function serialisable(fields?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!fields) return fields;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

/** Writes nothing: for tests and benchmarks that measure, not read, the logs. */
export const silentLogger: JsonLogger = createJsonLogger({ write: () => undefined });
