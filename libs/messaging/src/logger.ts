import type { LoggerService } from '@nestjs/common';
import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';
import type { JsonLogger, LogLevel } from '@lading/logging';

export { createJsonLogger, silentLogger, type JsonLogger, type JsonLoggerOptions, type LogLevel } from '@lading/logging';


/** kafkajs `logCreator` writing through a JSON logger, namespaced like kafkajs's own loggers. */
export function kafkaLogCreator(logger: JsonLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...rest } = log as { message: string; timestamp?: string; logger?: string };
      const l: LogLevel =
        level === KafkaLogLevel.ERROR ? 'error' : level === KafkaLogLevel.WARN ? 'warn' : level === KafkaLogLevel.INFO ? 'info' : 'debug';
      logger.log(l, message, { component: `kafkajs.${namespace}`, ...rest });
    };
}

/** The kafkajs log level matching a JSON logger level. */
export function kafkaLogLevel(level: LogLevel): KafkaLogLevel {
  return { debug: KafkaLogLevel.DEBUG, info: KafkaLogLevel.INFO, warn: KafkaLogLevel.WARN, error: KafkaLogLevel.ERROR }[level];
}

/** Nest's LoggerService on a JSON logger: `NestFactory.create(App, { logger: new NestJsonLogger(log) })`. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: JsonLogger) {}
  log(message: unknown, context?: string) {
    this.logger.info(String(message), { component: context });
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error(String(message), { component: context, stack: trace });
  }
  warn(message: unknown, context?: string) {
    this.logger.warn(String(message), { component: context });
  }
  debug(message: unknown, context?: string) {
    this.logger.debug(String(message), { component: context });
  }
  verbose(message: unknown, context?: string) {
    this.logger.debug(String(message), { component: context });
  }
}
