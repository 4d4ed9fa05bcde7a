import { logLevel, type logCreator } from 'kafkajs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One JSON object per line: what the launcher and log shippers read. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(service = 'simulator', write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    const error = fields.error instanceof Error ? { error: { name: fields.error.name, message: fields.error.message, code: (fields.error as { code?: unknown }).code } } : {};
    write(JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields, ...error }));
  };
  return {
    log,
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/** kafkajs logs through ours, warnings and up: its info lines (joins, rebalances) would drown the progress. */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, label, log }) => {
      if (level > logLevel.WARN || level === logLevel.NOTHING) return;
      const { message, ...rest } = log;
      logger.log(level === logLevel.ERROR ? 'error' : 'warn', `kafkajs: ${message}`, { kafkajs: { label, ...rest } });
    };
}
