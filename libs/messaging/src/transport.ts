import { isRetriable, NonRetriableError } from '@lading/errors';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { MessageContext, type UnitOfWork, type UnitOfWorkFactory } from './context';
import {
  backoffDelay,
  createFailureRouter,
  deadLetterTopicOf,
  defaultRetryPolicy,
  errorCodeOf,
  retryStateOf,
  retryTopicOf,
  type FailureOrigin,
  type FailureRouter,
  type RetryPolicy,
} from './failure';
import { Headers, headerText, metaOf } from './headers';
import { createJsonLogger, type JsonLogger } from './logger';
import type { MessagingMetrics } from './metrics';
import type { AvroSerde } from './ports';

export interface KafkaTransportOptions {
  kafka: Kafka;
  /** one consumer group per service; instances of the service share its partitions */
  groupId: string;
  topics: string[];
  serde: AvroSerde;
  metrics?: MessagingMetrics;
  logger?: JsonLogger;
  retry?: Partial<RetryPolicy>;
  /** batch effects of several messages into one unit (see UnitOfWorkFactory) */
  unitOfWork?: UnitOfWorkFactory;
  /** where a group without committed offsets starts; services start from the beginning */
  fromBeginning?: boolean;
  /** create `<topic>.dlq` and `<group>.retry` when missing (topics are never auto-created) */
  createFailureTopics?: boolean;
  partitionsConsumedConcurrently?: number;
  consumer?: Partial<ConsumerConfig>;
}

/** Readiness as `/ready` reports it. */
export interface TransportStatus {
  connected: boolean;
  joined: boolean;
  closing: boolean;
  memberId?: string;
  assignment: Record<string, number[]>;
}

type Status = 'connecting' | 'connected' | 'disconnected';

/** A decoded message waiting for its handler. */
interface Prepared {
  message: KafkaMessage;
  context: MessageContext;
  value: unknown;
  handler: MessageHandler | undefined;
  /** retry-topic round this message is in (0 when read from its source topic) */
  round: number;
  /** set for retry-topic messages; otherwise derived on failure (see originOf) */
  origin?: FailureOrigin;
  firstFailedAt?: number;
  priorAttempts: number;
}

type Outcome = 'resolved' | 'abandoned';

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The Lading consumer runtime as a NestJS custom transport: Avro records from Kafka are routed
 * by their full record name to `@EventPattern('<namespace.Name>')` handlers.
 *
 * Per partition batch, in offset order: decode (registry, cached) → handler → offset resolved
 * only once the handler (or the unit of work around it) resolved. Retriable failures are
 * retried in process with backoff and jitter, then through the group's retry topic, then
 * dead-lettered; non-retriable ones go straight to `<topic>.dlq`. The dead-letter or retry
 * write is acknowledged (acks=all) before the offset is resolved, so a crash between the two
 * re-delivers the message instead of losing it.
 */
export class KafkaTransport extends Server<Record<string, (...args: unknown[]) => unknown>, Status> implements CustomTransportStrategy {
  private readonly policy: RetryPolicy;
  private readonly log: JsonLogger;
  private readonly retryTopic: string;
  private consumer?: Consumer;
  private producer?: Producer;
  private router?: FailureRouter;
  private closing = false;
  private connected = false;
  private joined = false;
  private memberId?: string;
  private assignment: Record<string, number[]> = {};
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private readonly wakeups = new Set<() => void>();
  private readonly handlersByType = new Map<string, MessageHandler | undefined>();
  private readonly eventListeners: Array<[string, (...args: unknown[]) => unknown]> = [];

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.retryTopic = retryTopicOf(options.groupId);
    this.log = (options.logger ?? createJsonLogger()).child({ component: 'kafka-transport', group: options.groupId });
  }

  /** Connected to the cluster and holding a group membership: what `/ready` means. */
  status$(): TransportStatus {
    return { connected: this.connected, joined: this.joined, closing: this.closing, memberId: this.memberId, assignment: this.assignment };
  }

  isReady(): boolean {
    return this.connected && this.joined && !this.closing;
  }

  on(event: string, callback: (...args: unknown[]) => unknown): void {
    this.eventListeners.push([event, callback]);
    if (this.consumer) this.consumer.on(event as never, callback as never);
  }

  unwrap<T>(): T {
    return { consumer: this.consumer, producer: this.producer } as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topics, metrics } = this.options;
    this._status$.next('connecting');
    const retryEnabled = this.policy.retryTopicRounds > 0;
    if (this.options.createFailureTopics ?? true) {
      await ensureFailureTopics(kafka.admin(), topics, retryEnabled ? groupId : undefined);
    }
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.router = createFailureRouter(this.producer);

    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // A stopping consumer waits for its in-flight fetch: 5 s (the default) would stretch
      // every SIGTERM drain and rebalance by that much.
      maxWaitTimeInMs: 1_000,
      ...this.options.consumer,
    });
    this.consumer = consumer;
    for (const [event, cb] of this.eventListeners) consumer.on(event as never, cb as never);
    consumer.on(consumer.events.CONNECT, () => {
      this.connected = true;
      this._status$.next('connected');
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.connected = false;
      this.joined = false;
      this._status$.next('disconnected');
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.memberId = payload.memberId;
      this.assignment = payload.memberAssignment;
      metrics?.rebalance(groupId);
      this.log.info('joined consumer group', { memberId: payload.memberId, assignment: payload.memberAssignment, durationMs: payload.duration });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.log.error('consumer crashed', { error: payload.error, restart: payload.restart });
    });
    consumer.on(consumer.events.STOP, () => {
      this.joined = false;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: retryEnabled ? [...topics, this.retryTopic] : topics, fromBeginning: this.options.fromBeginning ?? true });
    this.indexHandlers();
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      // Long batches commit what is done every second instead of only at the end.
      autoCommitInterval: 1_000,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * SIGTERM path (Nest calls it on app.close / shutdown hooks): the in-flight unit finishes,
   * the rest of the batch is abandoned unresolved (the next owner gets it), resolved offsets
   * are committed and the member leaves the group so partitions move at once, not after the
   * session timeout.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    for (const wake of this.wakeups) wake();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private indexHandlers(): void {
    // Nest's getHandlerByPattern tries JSON.parse on every call: too slow for the hot path.
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) this.handlersByType.set(pattern, handler);
    }
  }

  private handlerFor(recordType: string): MessageHandler | undefined {
    if (this.handlersByType.has(recordType)) return this.handlersByType.get(recordType);
    const handler = this.getHandlerByPattern(recordType) ?? undefined;
    this.handlersByType.set(recordType, handler);
    return handler;
  }

  private originOf(p: Prepared): FailureOrigin {
    return p.origin ?? { topic: p.context.topic, partition: p.context.partition, offset: p.message.offset, groupId: this.options.groupId };
  }

  private canContinue(payload: EachBatchPayload): boolean {
    return !this.closing && payload.isRunning() && !payload.isStale();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { metrics, serde, groupId } = this.options;
    const messages = batch.messages;
    const count = messages.length;
    const topic = batch.topic;
    const partition = batch.partition;
    metrics?.batchSize(topic, count);
    metrics?.inFlight(count);
    const factory = this.options.unitOfWork;
    const maxUnit = factory?.maxMessages ?? 1;
    const fromRetryTopic = topic === this.retryTopic;
    let lastBeat = Date.now();
    // Offsets are resolved lazily: resolving offset n covers every earlier one, and nobody reads
    // the resolved position before the next heartbeat/commit or the end of the batch. Only
    // offsets whose handler (or unit) already resolved ever get here.
    let done: string | undefined;
    let lastResolved = -1;
    const settle = () => {
      if (done === undefined) return;
      payload.resolveOffset(done);
      lastResolved = Number(done);
      done = undefined;
    };
    const beat = async () => {
      if (Date.now() - lastBeat < HEARTBEAT_EVERY_MS) return;
      settle();
      lastBeat = Date.now();
      await payload.heartbeat();
      await payload.commitOffsetsIfNecessary();
    };
    const tally = new Map<string, number>();
    let unit: Prepared[] = [];
    const flush = async (): Promise<boolean> => {
      if (unit.length === 0) return true;
      const run = unit;
      unit = [];
      const outcome = await this.runUnit(run, payload, beat);
      if (outcome.resolvedUpTo) done = outcome.resolvedUpTo;
      return outcome.outcome === 'resolved';
    };
    try {
      for (let i = 0; i < count; i++) {
        if (!this.canContinue(payload)) break;
        const message = messages[i];
        if (fromRetryTopic) {
          const notBefore = Number(headerText(message.headers, Headers.notBefore) ?? 0);
          const wait = notBefore - Date.now();
          if (wait > 0) {
            // Retry-topic messages are appended in failure order with one delay, so the head
            // of the partition is always the next one due: pause until then, refetch from it.
            if (!(await flush())) break;
            const resume = payload.pause();
            const timer = setTimeout(() => {
              this.resumeTimers.delete(timer);
              resume();
            }, wait);
            this.resumeTimers.add(timer);
            break;
          }
        }
        let prepared: Prepared | 'dead-lettered' | 'abandoned' | undefined;
        if (!fromRetryTopic && message.value) {
          // Hot path, inlined: a decodable message from its source topic.
          try {
            const decoded = await serde.decode(topic, message.value);
            prepared = {
              message,
              context: new MessageContext(topic, partition, message, decoded.recordType, decoded.schemaId, metaOf(decoded.value), groupId, 1, undefined),
              value: decoded.value,
              handler: this.handlerFor(decoded.recordType),
              round: 0,
              priorAttempts: 0,
            };
          } catch {
            prepared = undefined;
          }
        }
        prepared ??= await this.prepare(topic, partition, message, fromRetryTopic, payload, beat);
        if (prepared === 'abandoned') break;
        if (prepared === 'dead-lettered') {
          if (!(await flush())) break;
          done = message.offset;
          continue;
        }
        if (factory) {
          unit.push(prepared);
          if (unit.length >= maxUnit && !(await flush())) break;
        } else if (!prepared.handler) {
          metrics?.ignored(prepared.context.topic, prepared.context.recordType);
          done = message.offset;
        } else {
          // Hot path: one handler call, failures take the slow path with retries.
          try {
            const started = performance.now();
            const result = await prepared.handler(prepared.value, prepared.context);
            if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
            metrics?.handlerDuration(topic, prepared.context.recordType, (performance.now() - started) / 1000);
            tally.set(prepared.context.recordType, (tally.get(prepared.context.recordType) ?? 0) + 1);
            done = message.offset;
          } catch (error) {
            settle();
            if ((await this.runOne(prepared, payload, beat, { error })) === 'abandoned') break;
            done = message.offset;
          }
        }
        if (Date.now() - lastBeat >= HEARTBEAT_EVERY_MS) await beat();
      }
      if (this.canContinue(payload)) await flush();
      else unit = [];
      settle();
      if (metrics) {
        for (const [recordType, n] of tally) metrics.consumed(topic, recordType, n);
        if (lastResolved >= 0) metrics.lag(topic, batch.partition, Math.max(0, Number(batch.highWatermark) - lastResolved - 1));
      }
      if (this.closing && lastResolved >= 0) {
        // The runner is stopping: commit now rather than trust the post-batch commit path.
        await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      }
    } finally {
      metrics?.inFlight(-count);
    }
  }

  /** Decodes a message; poison goes to the dead-letter topic here. */
  private async prepare(
    physicalTopic: string,
    partition: number,
    message: KafkaMessage,
    fromRetryTopic: boolean,
    payload: EachBatchPayload,
    beat: () => Promise<void>,
  ): Promise<Prepared | 'dead-lettered' | 'abandoned'> {
    const { groupId, serde, metrics } = this.options;
    const retry = fromRetryTopic ? retryStateOf(message.headers) : undefined;
    const topic = retry?.topic ?? physicalTopic;
    const origin: FailureOrigin = retry
      ? { topic, partition: retry.partition, offset: retry.offset, groupId }
      : { topic, partition, offset: message.offset, groupId };
    const typeHeader = headerText(message.headers, Headers.recordType) ?? 'unknown';
    for (let attempt = 1; ; attempt++) {
      try {
        if (!message.value) throw new NonRetriableError('message has no value (tombstone)', 'EMPTY_VALUE');
        const decoded = await serde.decode(topic, message.value);
        const meta = metaOf(decoded.value);
        const context = new MessageContext(topic, partition, message, decoded.recordType, decoded.schemaId, meta, groupId, (retry?.attempts ?? 0) + 1, undefined);
        return {
          message,
          context,
          value: decoded.value,
          handler: this.handlerFor(decoded.recordType),
          round: retry?.round ?? 0,
          origin,
          firstFailedAt: retry?.firstFailedAt,
          priorAttempts: retry?.attempts ?? 0,
        };
      } catch (error) {
        metrics?.failed(topic, typeHeader, isRetriable(error));
        if (!isRetriable(error)) {
          await this.deadLetter(message, origin, typeHeader, error, attempt, Date.now());
          return 'dead-lettered';
        }
        // A registry outage fails every message alike: wait it out rather than dead-letter.
        this.log.warn('decode failed, retrying', { topic, partition, offset: message.offset, attempt, error });
        if (!(await this.sleep(backoffDelay(attempt, this.policy), payload, beat))) return 'abandoned';
      }
    }
  }

  private async runUnit(
    unit: Prepared[],
    payload: EachBatchPayload,
    beat: () => Promise<void>,
  ): Promise<{ outcome: Outcome; resolvedUpTo?: string }> {
    const factory = this.options.unitOfWork;
    if (unit.length > 1 && factory) {
      const first = unit[0];
      const uow = await factory.begin({ groupId: this.options.groupId, topic: first.context.topic, partition: first.context.partition, size: unit.length });
      try {
        for (const p of unit) await this.invoke(p, uow);
        await uow.commit();
        this.countConsumed(unit);
        await beat();
        return { outcome: 'resolved', resolvedUpTo: unit[unit.length - 1].message.offset };
      } catch (error) {
        await uow.rollback(error).catch((e) => this.log.error('rollback failed', { error: e }));
        this.log.debug('unit failed, isolating its messages', { size: unit.length, error });
      }
    }
    let resolvedUpTo: string | undefined;
    for (const p of unit) {
      if (!this.canContinue(payload)) return { outcome: 'abandoned', resolvedUpTo };
      const outcome = await this.runOne(p, payload, beat);
      if (outcome === 'abandoned') return { outcome, resolvedUpTo };
      resolvedUpTo = p.message.offset;
      await beat();
    }
    return { outcome: 'resolved', resolvedUpTo };
  }

  /** One message with bounded in-process retries; resolves when its offset may be resolved. */
  private async runOne(p: Prepared, payload: EachBatchPayload, beat: () => Promise<void>, failedFirst?: { error: unknown }): Promise<Outcome> {
    const { metrics } = this.options;
    const factory = this.options.unitOfWork;
    const { topic, recordType } = p.context;
    let firstFailedAt = p.firstFailedAt;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.policy.attempts; attempt++) {
      const uow = factory && !failedFirst ? await factory.begin({ groupId: this.options.groupId, topic, partition: p.context.partition, size: 1 }) : undefined;
      try {
        if (failedFirst) {
          // The hot path already ran attempt 1 and it failed.
          const { error } = failedFirst;
          failedFirst = undefined;
          throw error;
        }
        const effective = p.priorAttempts + attempt;
        await this.invoke(p, uow, effective === p.context.attempt ? undefined : effective);
        await uow?.commit();
        this.countConsumed([p]);
        return 'resolved';
      } catch (error) {
        lastError = error;
        firstFailedAt ??= Date.now();
        await uow?.rollback(error).catch((e) => this.log.error('rollback failed', { error: e }));
        const retriable = isRetriable(error);
        metrics?.failed(topic, recordType, retriable);
        this.log.warn('handler failed', {
          topic,
          partition: p.context.partition,
          offset: p.message.offset,
          recordType,
          eventId: p.context.meta?.eventId,
          correlationId: p.context.meta?.correlationId,
          traceparent: p.context.traceparent,
          attempt,
          retriable,
          error,
        });
        if (!retriable) {
          await this.deadLetter(p.message, this.originOf(p), recordType, error, p.priorAttempts + attempt, firstFailedAt);
          return 'resolved';
        }
        if (attempt < this.policy.attempts) {
          metrics?.retried(topic, recordType, 'in_process');
          if (!(await this.sleep(backoffDelay(attempt, this.policy), payload, beat))) return 'abandoned';
        }
      }
    }
    const attempts = p.priorAttempts + this.policy.attempts;
    if (p.round < this.policy.retryTopicRounds) {
      // Off the partition: later messages for other keys go on while this one waits.
      await this.router!.retryLater(p.message, this.originOf(p), { error: lastError, attempts, firstFailedAt: firstFailedAt! }, p.round + 1, this.policy.retryTopicDelayMs);
      metrics?.retried(topic, recordType, 'retry_topic');
      return 'resolved';
    }
    await this.deadLetter(p.message, this.originOf(p), recordType, lastError, attempts, firstFailedAt!);
    return 'resolved';
  }

  private async invoke(p: Prepared, uow: UnitOfWork | undefined, attempt?: number): Promise<void> {
    const { metrics } = this.options;
    const { topic, recordType } = p.context;
    if (!p.handler) return;
    const context =
      uow || attempt !== undefined
        ? new MessageContext(topic, p.context.partition, p.message, recordType, p.context.schemaId, p.context.meta, p.context.groupId, attempt ?? p.context.attempt, uow)
        : p.context;
    const started = performance.now();
    const result = await p.handler(p.value, context);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    metrics?.handlerDuration(topic, recordType, (performance.now() - started) / 1000);
  }

  private countConsumed(unit: Prepared[]): void {
    const { metrics } = this.options;
    if (!metrics) return;
    for (const p of unit) {
      if (p.handler) metrics.consumed(p.context.topic, p.context.recordType);
      else metrics.ignored(p.context.topic, p.context.recordType);
    }
  }

  private async deadLetter(message: KafkaMessage, origin: FailureOrigin, recordType: string, error: unknown, attempts: number, firstFailedAt: number) {
    const topic = await this.router!.deadLetter(message, origin, { error, attempts, firstFailedAt });
    this.options.metrics?.deadLettered(origin.topic, recordType, errorCodeOf(error));
    this.log.error('message dead-lettered', {
      topic: origin.topic,
      partition: origin.partition,
      offset: origin.offset,
      deadLetterTopic: topic,
      recordType,
      eventId: headerText(message.headers, Headers.eventId),
      correlationId: headerText(message.headers, Headers.correlationId),
      traceparent: headerText(message.headers, Headers.traceparent),
      attempts,
      error,
    });
  }

  /** Waits between attempts, heart-beating; false when the partition was revoked or we stop. */
  private async sleep(ms: number, payload: EachBatchPayload, beat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    while (this.canContinue(payload)) {
      const left = until - Date.now();
      if (left <= 0) return true;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakeups.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, HEARTBEAT_EVERY_MS));
        this.wakeups.add(wake);
      });
      await beat();
    }
    return false;
  }
}

/**
 * Creates the dead-letter topic of each source topic and the group's retry topic with the
 * source topic's partition count, when missing. Topics are never auto-created (broker and
 * client), so the failure path must exist before the first failure needs it.
 */
export async function ensureFailureTopics(admin: Admin, topics: string[], groupId?: string): Promise<void> {
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const metadata = await admin.fetchTopicMetadata({ topics });
    const partitionsOf = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    const wanted = topics.map((t) => ({ topic: deadLetterTopicOf(t), numPartitions: partitionsOf.get(t) ?? 1 }));
    if (groupId) wanted.push({ topic: retryTopicOf(groupId), numPartitions: Math.max(...topics.map((t) => partitionsOf.get(t) ?? 1)) });
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin
        .createTopics({ waitForLeaders: true, topics: missing.map((t) => ({ ...t, replicationFactor: -1 })) })
        .catch((error: { type?: string }) => {
          // Another instance of the group created them first.
          if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error;
        });
    }
  } finally {
    await admin.disconnect();
  }
}
