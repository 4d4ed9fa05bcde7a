import { isRetriable, NonRetriableError } from '@lading/errors';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { MessageContext, type UnitOfWork, type UnitOfWorkFactory } from './context';
import {
  backoffDelay,
  createFailureRouter,
  defaultRetryPolicy,
  errorCodeOf,
  retryStateOf,
  retryTopicOf,
  type FailureOrigin,
  type FailureRouter,
  type RetryPolicy,
} from './failure';
import { ensureFailureTopics } from './failure-topics';
import { Headers, headerText, metaOf } from './headers';
import { createJsonLogger, type JsonLogger } from './logger';
import type { MessagingMetrics } from './metrics';
import type { AvroSerde } from './ports';
import { waitForTopicsServed } from './topic-admin';

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
  /** fetched-but-unhandled messages a partition may hold before fetching waits (default 5000) */
  maxQueuedPerPartition?: number;
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

interface LaneControl {
  canContinue(): boolean;
}

/** One assigned partition: fetched messages waiting, and how far effects are durable. */
interface Lane {
  key: string;
  topic: string;
  partition: number;
  queue: KafkaMessage[];
  head: number;
  /** the next offset to queue: re-fetched messages below it are dropped */
  nextOffset: number;
  /** first offset this lane received (where to re-read from when nothing is durable yet) */
  start: number;
  /** last offset whose effects are durable (its handler or unit resolved, or it was dead-lettered/retried) */
  durable?: string;
  committed?: string;
  active: boolean;
  highWatermark: string;
  worker?: Promise<void>;
  wake?: () => void;
  drained?: () => void;
}

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The Lading consumer runtime as a NestJS custom transport: Avro records from Kafka are routed
 * by their full record name to `@EventPattern('<namespace.Name>')` handlers.
 *
 * Each assigned partition is a lane: fetched batches are queued on it (bounded) and one worker
 * per lane handles them in offset order — decode (registry, cached) → handler → the lane's
 * durable position advances only once the handler (or the unit of work around it) resolved.
 * Only durable positions are committed (every second, when a rebalance starts, on close), so
 * fetching the next batch overlaps with handling this one without ever committing ahead of
 * the effects. Retriable failures are
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
  private readonly lanes = new Map<string, Lane>();
  private committing?: Promise<void>;
  private commitTimer?: NodeJS.Timeout;
  private readonly maxQueued: number;
  private readonly wakeups = new Set<() => void>();

  private readonly handlersByType = new Map<string, MessageHandler | undefined>();
  private readonly eventListeners: Array<[string, (...args: unknown[]) => unknown]> = [];

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.retryTopic = retryTopicOf(options.groupId);
    this.maxQueued = options.maxQueuedPerPartition ?? 5_000;
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
    let told = false;
    const served = {
      onWaiting: (notServed: Readonly<Record<string, string>>) => {
        if (!told) this.log.warn('topics not served by the brokers yet; waiting (60 s at most)', { topics: notServed });
        told = true;
      },
    };
    if (this.options.createFailureTopics ?? true) {
      await ensureFailureTopics(kafka.admin(), topics, retryEnabled ? groupId : undefined, served);
    } else {
      // subscribing to a topic created a moment ago fails until its partitions are served
      const admin = kafka.admin();
      await admin.connect();
      await waitForTopicsServed(admin, retryEnabled ? [...topics, this.retryTopic] : topics, served).finally(() => admin.disconnect());
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
      this.revokeLanes(payload.memberAssignment);
      metrics?.rebalance(groupId);
      this.log.info('joined consumer group', { memberId: payload.memberId, assignment: payload.memberAssignment, durationMs: payload.duration });
    });
    consumer.on(consumer.events.REBALANCING, () => {
      // Last chance to record progress on partitions that may move away.
      void this.commitDurable();
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
      // kafkajs would commit its fetch position; this transport commits durable positions.
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.commitTimer = setInterval(() => void this.commitDurable(), 1_000);
  }

  /**
   * SIGTERM path (Nest calls it on app.close / shutdown hooks): the in-flight unit finishes,
   * the rest of the batch is abandoned unresolved (the next owner gets it), resolved offsets
   * are committed and the member leaves the group so partitions move at once, not after the
   * session timeout.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.commitTimer) clearInterval(this.commitTimer);
    for (const wake of [...this.wakeups]) wake();
    for (const lane of this.lanes.values()) lane.drained?.();
    await Promise.all([...this.lanes.values()].map((lane) => lane.worker));
    await this.committing;
    await this.commitDurable();
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

  /**
   * kafkajs hands over a batch: queue it on its partition's lane and return at once, so the
   * next fetch runs while the lane's worker handles this one (kafkajs fetches, then waits for
   * every batch of the fetch, then fetches again — processing inline serialises the two).
   * `resolveOffset` here only moves kafkajs's fetch position; what gets committed is each
   * lane's durable position, by this transport (autoCommit is off).
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // A seek is pending for this partition: kafkajs will re-fetch from the new position.
    if (payload.isStale() || !payload.isRunning()) return;
    const key = `${batch.topic}\0${batch.partition}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      const start = batch.messages.length > 0 ? Number(batch.messages[0].offset) : Number(batch.firstOffset() ?? 0);
      lane = { key, topic: batch.topic, partition: batch.partition, queue: [], head: 0, nextOffset: -1, start, active: true, highWatermark: batch.highWatermark };
      this.lanes.set(key, lane);
    }
    let added = 0;
    for (const message of batch.messages) {
      // After a rebalance kafkajs re-fetches from the committed offset: skip what is queued already.
      if (Number(message.offset) < lane.nextOffset) continue;
      lane.queue.push(message);
      added++;
    }
    if (batch.messages.length > 0) lane.nextOffset = Number(batch.lastOffset()) + 1;
    lane.highWatermark = batch.highWatermark;
    payload.resolveOffset(batch.lastOffset());
    this.options.metrics?.batchSize(batch.topic, batch.messages.length);
    this.options.metrics?.inFlight(added);
    this.startLane(lane);
    lane.wake?.();
    // Back-pressure: a lane holds at most about two fetches; the fetch loop waits (and heartbeats).
    while (lane.queue.length - lane.head > this.maxQueued && lane.active && !this.closing && payload.isRunning()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          lane!.drained = undefined;
          resolve();
        }, HEARTBEAT_EVERY_MS);
        lane!.drained = () => {
          clearTimeout(timer);
          lane!.drained = undefined;
          resolve();
        };
      });
      await payload.heartbeat();
    }
  }

  private startLane(lane: Lane): void {
    if (lane.worker) return;
    lane.worker = this.runLane(lane)
      .catch((error) => {
        // The failure path itself failed (e.g. the DLQ write was refused): nothing after the
        // durable position may be skipped, so drop the lane and re-read the partition from there.
        this.log.error('partition lane failed; re-reading from its durable position', { topic: lane.topic, partition: lane.partition, error });
        lane.active = false;
        this.lanes.delete(lane.key);
        const offset = String(lane.durable !== undefined ? Number(lane.durable) + 1 : lane.start);
        const timer = setTimeout(() => {
          if (!this.closing) this.consumer?.seek({ topic: lane.topic, partition: lane.partition, offset });
        }, HEARTBEAT_EVERY_MS);
        timer.unref();
      })
      .finally(() => {
        lane.worker = undefined;
      });
  }

  /** Handles a lane's queue in offset order until it is revoked or the transport closes. */
  private async runLane(lane: Lane): Promise<void> {
    const { metrics, serde, groupId } = this.options;
    const { topic, partition } = lane;
    const factory = this.options.unitOfWork;
    const maxUnit = factory?.maxMessages ?? 1;
    const fromRetryTopic = topic === this.retryTopic;
    const control: LaneControl = { canContinue: () => lane.active && !this.closing };
    const tally = new Map<string, number>();
    let unit: Prepared[] = [];
    const durable = (offset: string) => {
      lane.durable = offset;
    };
    const flush = async (): Promise<boolean> => {
      if (unit.length === 0) return true;
      const run = unit;
      unit = [];
      const outcome = await this.runUnit(run, control);
      if (outcome.resolvedUpTo) durable(outcome.resolvedUpTo);
      return outcome.outcome === 'resolved';
    };
    let taken = 0;
    const settleMetrics = () => {
      if (!metrics) return;
      for (const [recordType, n] of tally) metrics.consumed(topic, recordType, n);
      tally.clear();
      if (taken > 0) metrics.inFlight(-taken);
      taken = 0;
      if (lane.durable !== undefined) metrics.lag(topic, partition, Math.max(0, Number(lane.highWatermark) - Number(lane.durable) - 1));
    };
    while (control.canContinue()) {
      if (lane.head >= lane.queue.length) {
        // Idle: finish the open unit, publish counters, wait for the next batch.
        if (!(await flush())) break;
        settleMetrics();
        // The next batch may have been queued while the unit committed: handle it, never drop it.
        if (lane.head < lane.queue.length) continue;
        lane.queue = [];
        lane.head = 0;
        lane.drained?.();
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.wakeups.delete(wake);
            lane.wake = undefined;
            resolve();
          };
          lane.wake = wake;
          this.wakeups.add(wake);
        });
        continue;
      }
      const message = lane.queue[lane.head];
      if (fromRetryTopic) {
        const wait = Number(headerText(message.headers, Headers.notBefore) ?? 0) - Date.now();
        // One delay per retry topic: the head of the lane is always the next one due.
        if (wait > 0) {
          if (!(await flush())) break;
          if (!(await this.sleep(wait, control))) break;
        }
      }
      lane.head++;
      taken++;
      if (lane.drained && lane.queue.length - lane.head < this.maxQueued / 2) lane.drained();
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
      prepared ??= await this.prepare(topic, partition, message, fromRetryTopic, control);
      if (prepared === 'abandoned') break;
      if (prepared === 'dead-lettered') {
        if (!(await flush())) break;
        durable(message.offset);
        continue;
      }
      if (factory) {
        unit.push(prepared);
        if (unit.length >= maxUnit && !(await flush())) break;
      } else if (!prepared.handler) {
        metrics?.ignored(prepared.context.topic, prepared.context.recordType);
        durable(message.offset);
      } else {
        // Hot path: one handler call; a failure takes the slow path with retries.
        try {
          const started = performance.now();
          const result = await prepared.handler(prepared.value, prepared.context);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          metrics?.handlerDuration(topic, prepared.context.recordType, (performance.now() - started) / 1000);
          tally.set(prepared.context.recordType, (tally.get(prepared.context.recordType) ?? 0) + 1);
          durable(message.offset);
        } catch (error) {
          if ((await this.runOne(prepared, control, { error })) === 'abandoned') break;
          durable(message.offset);
        }
      }
    }
    settleMetrics();
    const left = lane.queue.length - lane.head;
    if (left > 0) metrics?.inFlight(-left);
  }

  /**
   * Commits each lane's durable position (offset after the last message whose effects are
   * durable). Runs every second, when a rebalance starts, and on close.
   */
  private async commitDurable(): Promise<void> {
    if (this.committing) return this.committing;
    const consumer = this.consumer;
    const due = [...this.lanes.values()].filter((l) => l.durable !== undefined && l.durable !== l.committed);
    if (!consumer || due.length === 0) return;
    const offsets = due.map((l) => ({ lane: l, durable: l.durable!, topic: l.topic, partition: l.partition, offset: String(Number(l.durable) + 1) }));
    this.committing = consumer
      .commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })))
      .then(
        () => {
          for (const o of offsets) o.lane.committed = o.durable;
        },
        (error) => this.log.debug('offset commit deferred', { error }),
      )
      .finally(() => {
        this.committing = undefined;
      });
    return this.committing;
  }

  /** Partitions this member no longer owns stop after their in-flight message; nothing more is committed for them. */
  private revokeLanes(assignment: Record<string, number[]>): void {
    for (const lane of this.lanes.values()) {
      if (!(assignment[lane.topic] ?? []).includes(lane.partition)) {
        lane.active = false;
        lane.wake?.();
        lane.drained?.();
        this.lanes.delete(lane.key);
      }
    }
  }

  /** Decodes a message; poison goes to the dead-letter topic here. */
  private async prepare(
    physicalTopic: string,
    partition: number,
    message: KafkaMessage,
    fromRetryTopic: boolean,
    control: LaneControl,
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
        if (!(await this.sleep(backoffDelay(attempt, this.policy), control))) return 'abandoned';
      }
    }
  }

  private async runUnit(
    unit: Prepared[],
    control: LaneControl,
  ): Promise<{ outcome: Outcome; resolvedUpTo?: string }> {
    const factory = this.options.unitOfWork;
    if (unit.length > 1 && factory) {
      const first = unit[0];
      const uow = await factory.begin({ groupId: this.options.groupId, topic: first.context.topic, partition: first.context.partition, size: unit.length });
      try {
        for (const p of unit) await this.invoke(p, uow);
        await uow.commit();
        this.countConsumed(unit);
        return { outcome: 'resolved', resolvedUpTo: unit[unit.length - 1].message.offset };
      } catch (error) {
        await uow.rollback(error).catch((e) => this.log.error('rollback failed', { error: e }));
        this.log.debug('unit failed, isolating its messages', { size: unit.length, error });
      }
    }
    let resolvedUpTo: string | undefined;
    for (const p of unit) {
      if (!control.canContinue()) return { outcome: 'abandoned', resolvedUpTo };
      const outcome = await this.runOne(p, control);
      if (outcome === 'abandoned') return { outcome, resolvedUpTo };
      resolvedUpTo = p.message.offset;
    }
    return { outcome: 'resolved', resolvedUpTo };
  }

  /** One message with bounded in-process retries; resolves when its offset may be resolved. */
  private async runOne(p: Prepared, control: LaneControl, failedFirst?: { error: unknown }): Promise<Outcome> {
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
          if (!(await this.sleep(backoffDelay(attempt, this.policy), control))) return 'abandoned';
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

  /** Waits between attempts or for a retry to fall due; false when the partition was revoked or we stop. */
  private async sleep(ms: number, control: LaneControl): Promise<boolean> {
    const until = Date.now() + ms;
    while (control.canContinue()) {
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
    }
    return false;
  }
}
