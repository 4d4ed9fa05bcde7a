import 'reflect-metadata';
import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { waitUntil } from '@lading/testing';
import {
  createJsonLogger,
  createMessagingMetrics,
  KafkaTransport,
  MessageContext,
  MessageController,
  messagingTesting,
  type AvroSerde,
  type JsonLogger,
  type MessagingMetrics,
  type RetryPolicy,
  type UnitOfWorkFactory,
} from '../src';

/*
 * A minimal service for the transport's tests, the SIGKILL/SIGTERM child process and the
 * benchmark: one thin controller routing ShipmentScanned to an injected handler.
 */

export type ScanHandler = (scan: messagingTesting.ShipmentScanned, ctx: MessageContext) => Promise<void> | void;

const SCAN_HANDLER = Symbol('SCAN_HANDLER');

@MessageController()
class ScanController {
  constructor(@Inject(SCAN_HANDLER) private readonly handle: ScanHandler) {}

  @EventPattern(messagingTesting.shipmentScannedType)
  onShipmentScanned(@Payload() scan: messagingTesting.ShipmentScanned, @Ctx() ctx: MessageContext) {
    return this.handle(scan, ctx);
  }
}

@Module({})
class ScanModule {
  static with(handle: ScanHandler): DynamicModule {
    return { module: ScanModule, controllers: [ScanController], providers: [{ provide: SCAN_HANDLER, useValue: handle }] };
  }
}

export interface ScanService {
  app: INestMicroservice;
  transport: KafkaTransport;
  metrics: MessagingMetrics;
  close(): Promise<void>;
}

export async function startScanService(options: {
  kafka: Kafka;
  serde: AvroSerde;
  groupId: string;
  topics: string[];
  handle: ScanHandler;
  retry?: Partial<RetryPolicy>;
  unitOfWork?: UnitOfWorkFactory;
  logger?: JsonLogger;
  consumer?: Partial<ConsumerConfig>;
  /** waits for the group join before returning (default) */
  waitForJoin?: boolean;
}): Promise<ScanService> {
  const metrics = createMessagingMetrics(new Registry());
  const transport = new KafkaTransport({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: options.topics,
    serde: options.serde,
    metrics,
    // Tests assert on facts, not log lines; LADING_TEST_LOGS=1 shows them when debugging.
    logger: options.logger ?? createJsonLogger({ write: process.env.LADING_TEST_LOGS ? undefined : () => undefined }),
    retry: options.retry,
    unitOfWork: options.unitOfWork,
    consumer: options.consumer,
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(ScanModule.with(options.handle), {
    strategy: transport,
    logger: false,
  });
  await app.listen();
  if (options.waitForJoin ?? true) await waitUntil(`group ${options.groupId} joined`, () => transport.isReady());
  return { app, transport, metrics, close: () => app.close() };
}
