import { Kafka, type KafkaConfig } from 'kafkajs';
import { createJsonLogger, kafkaLogCreator, kafkaLogLevel, type JsonLogger, type LogLevel } from './logger';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger?: JsonLogger;
  /** kafkajs is chatty at info (every join, every commit): warn unless asked. */
  logLevel?: LogLevel;
  config?: Partial<KafkaConfig>;
}

/** A kafkajs client logging JSON through the app's logger. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = options.logger ?? createJsonLogger();
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: kafkaLogLevel(options.logLevel ?? 'warn'),
    logCreator: kafkaLogCreator(logger),
    ...options.config,
  });
}
