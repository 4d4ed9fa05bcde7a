import { isOutage, isRetriable, NonRetriableError } from '@lading/errors';
import type { MessageHandler } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { MessageContext, type UnitOfWork, type UnitOfWorkFactory } from './context';
import { errorCodeOf, type FailureRouter, type RetryPolicy } from './failure';
import { Headers, headerText, metaOf } from './headers';
import type { JsonLogger } from './logger';
import type { MessagingMetrics } from './metrics';
import type { PartitionLane } from './partition-lane';
import type { AvroSerde } from './ports';

/** A decoded message on its way to its handler. */
export interface Prepared {
  message: KafkaMessage;
  context: MessageContext;
  value: unknown;
  handler: MessageHandler | undefined;
  /** Failed attempts so far (in process and while parked). */
  attempts: number;
  firstFailedAt?: number;
  lastError?: unknown;
}

export type Outcome = 'ok' | 'abandoned';

/** Lanes paused for an outage: /ready is red while any is, and the log says so once per change. */
export interface OutageTracker {
  enter(laneKey: string, cause: unknown): void;
  leave(laneKey: string): void;
  readonly size: number;
}

/** What a partition lane needs of the transport. */
export interface LaneHost {
  readonly policy: RetryPolicy;
  readonly log: JsonLogger;
  readonly metrics?: MessagingMetrics;
  readonly unitOfWork?: UnitOfWorkFactory;
  /** Fetched-but-unhandled messages a partition may hold before fetching waits. */
  readonly maxQueued: number;
  readonly outages: OutageTracker;
  isClosing(): boolean;
  /** Calls `wake` when the transport closes; returns the unregister function. */
  onWake(wake: () => void): () => void;
  pause(lane: PartitionLane): void;
  resume(lane: PartitionLane): void;
  /** Decodes; a message that can never decode is `{ poison }`; an unreachable registry throws (an outage). */
  decode(topic: string, partition: number, message: KafkaMessage): Promise<Prepared | { poison: unknown; message: KafkaMessage }>;
  /** Runs messages in one unit of work: 'failed' when a handler or the commit failed (an outage throws). */
  runTogether(prepared: readonly Prepared[]): Promise<'ok' | 'failed'>;
  /** Runs one message in a unit of work of its own: its error, or undefined. */
  runAlone(p: Prepared): Promise<unknown>;
  /** Writes the message to the dead-letter topic (throws when the write is refused). */
  deadLetter(message: KafkaMessage, topic: string, partition: number, error: unknown, attempts: number, firstFailedAt: number, recordType?: string, extra?: Record<string, string>): Promise<void>;
}

/**
 * The transport's message handling, as the lanes use it: decode (registry, cached) → handler
 * (inside a unit of work when the app batches effects) → dead letter. Every outcome is counted
 * and every failure logged with the message's ids.
 */
export function createMessageRunner(options: {
  groupId: string;
  serde: AvroSerde;
  router: () => FailureRouter;
  handlerFor: (recordType: string) => MessageHandler | undefined;
  unitOfWork?: UnitOfWorkFactory;
  metrics?: MessagingMetrics;
  log: JsonLogger;
}): Pick<LaneHost, 'decode' | 'runTogether' | 'runAlone' | 'deadLetter'> {
  const { groupId, serde, metrics, log } = options;

  async function invoke(p: Prepared, uow: UnitOfWork | undefined): Promise<void> {
    if (!p.handler) return;
    const { topic, recordType } = p.context;
    const context = uow || p.attempts > 0 ? new MessageContext(topic, p.context.partition, p.message, recordType, p.context.schemaId, p.context.meta, groupId, p.attempts + 1, uow) : p.context;
    const started = performance.now();
    const result = await p.handler(p.value, context);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    metrics?.handlerDuration(topic, recordType, (performance.now() - started) / 1000);
  }

  const counted = (prepared: readonly Prepared[]) => {
    for (const p of prepared) {
      if (p.handler) metrics?.consumed(p.context.topic, p.context.recordType);
      else metrics?.ignored(p.context.topic, p.context.recordType);
    }
  };

  return {
    async decode(topic, partition, message) {
      try {
        if (!message.value) throw new NonRetriableError('message has no value (tombstone)', 'EMPTY_VALUE');
        const decoded = await serde.decode(topic, message.value);
        const context = new MessageContext(topic, partition, message, decoded.recordType, decoded.schemaId, metaOf(decoded.value), groupId, 1, undefined);
        return { message, context, value: decoded.value, handler: options.handlerFor(decoded.recordType), attempts: 0 };
      } catch (error) {
        // an unreachable registry fails every message alike: an outage, waited out by the lane
        if (isOutage(error)) throw error;
        metrics?.failed(topic, headerText(message.headers, Headers.recordType) ?? 'unknown', isRetriable(error));
        return { poison: error, message };
      }
    },

    async runTogether(prepared) {
      const first = prepared[0];
      const uow = await options.unitOfWork!.begin({ groupId, topic: first.context.topic, partition: first.context.partition, size: prepared.length });
      try {
        for (const p of prepared) await invoke(p, uow);
        await uow.commit();
        counted(prepared);
        return 'ok';
      } catch (error) {
        await uow.rollback(error).catch((e) => log.error('rollback failed', { error: e }));
        if (isOutage(error)) throw error;
        log.debug('unit failed, isolating its messages', { size: prepared.length, error });
        return 'failed';
      }
    },

    async runAlone(p) {
      const { topic, recordType, partition } = p.context;
      let uow: UnitOfWork | undefined;
      try {
        uow = options.unitOfWork ? await options.unitOfWork.begin({ groupId, topic, partition, size: 1 }) : undefined;
        await invoke(p, uow);
        await uow?.commit();
        counted([p]);
        return undefined;
      } catch (error) {
        await uow?.rollback(error).catch((e) => log.error('rollback failed', { error: e }));
        if (isOutage(error)) return error;
        metrics?.failed(topic, recordType, isRetriable(error));
        log.warn('handler failed', {
          topic,
          partition,
          offset: p.message.offset,
          recordType,
          eventId: p.context.meta?.eventId,
          correlationId: p.context.meta?.correlationId,
          traceparent: p.context.traceparent,
          attempt: p.attempts + 1,
          retriable: isRetriable(error),
          error,
        });
        return error;
      }
    },

    async deadLetter(message, topic, partition, error, attempts, firstFailedAt, recordType, extra) {
      const type = recordType ?? headerText(message.headers, Headers.recordType) ?? 'unknown';
      const deadLetterTopic = await options.router().deadLetter(message, { topic, partition, offset: message.offset, groupId }, { error, attempts, firstFailedAt }, extra);
      metrics?.deadLettered(topic, type, errorCodeOf(error));
      log.error('message dead-lettered', {
        topic,
        partition,
        offset: message.offset,
        deadLetterTopic,
        recordType: type,
        eventId: headerText(message.headers, Headers.eventId),
        correlationId: headerText(message.headers, Headers.correlationId),
        traceparent: headerText(message.headers, Headers.traceparent),
        attempts,
        error,
      });
    },
  };
}
