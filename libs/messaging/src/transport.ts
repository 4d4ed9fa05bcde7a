import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { UnitOfWorkFactory } from './context';
import { createFailureRouter, defaultRetryPolicy, type FailureRouter, type RetryPolicy } from './failure';
import { ensureFailureTopics } from './failure-topics';
import { createJsonLogger, type JsonLogger } from './logger';
import { createMessageRunner, type LaneHost, type OutageTracker } from './message-runner';
import type { MessagingMetrics } from './metrics';
import { PartitionLane } from './partition-lane';
import type { AvroSerde } from './ports';
import { recoveringProducer, type RecoveringProducer } from './producer-recovery';
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
  /** create `<topic>.dlq` when missing (topics are never auto-created) */
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
  /** Partitions paused because what their handlers need is unavailable: since when, and why. */
  outage?: { partitions: string[]; since: string; cause: string };
}

type Status = 'connecting' | 'connected' | 'disconnected';

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The Lading consumer runtime as a NestJS custom transport: Avro records from Kafka are routed
 * by their full record name to `@EventPattern('<namespace.Name>')` handlers.
 *
 * Each assigned partition is a lane (partition-lane.ts): fetched batches are queued on it
 * (bounded) and one worker per lane handles them in offset order, so fetching the next batch
 * overlaps with handling this one. What happens when handling fails (DESIGN §10):
 * - a message that can never succeed (cannot be decoded, non-retriable error) is written to
 *   `<topic>.dlq` with its cause, acknowledged by all in-sync replicas before its offset counts;
 * - a retriable failure is retried in process with backoff and jitter; if it keeps failing the
 *   message is parked: the later messages of its key wait behind it, the other keys flow; it is
 *   retried with backoff for `parkForMs`, then dead-lettered with the messages parked behind it;
 * - an outage (database, brokers, registry, the dead-letter topic itself) is not poison: the
 *   partition pauses, `/ready` turns red, and the same work is retried until the outage is over.
 * Only what is durable is committed: the offset before the oldest parked message, else after
 * the last handled one — every second, when a rebalance starts and on close. A crash re-delivers
 * what was not committed; handlers are idempotent (the inbox).
 */
export class KafkaTransport extends Server<Record<string, (...args: unknown[]) => unknown>, Status> implements CustomTransportStrategy {
  private readonly policy: RetryPolicy;
  private readonly log: JsonLogger;
  private consumer?: Consumer;
  private producer?: RecoveringProducer;
  private router?: FailureRouter;
  private closing = false;
  private connected = false;
  private joined = false;
  private memberId?: string;
  private assignment: Record<string, number[]> = {};
  private readonly lanes = new Map<string, PartitionLane>();
  private readonly committed = new Map<string, string>();
  private committing?: Promise<void>;
  private commitTimer?: NodeJS.Timeout;
  private readonly wakeups = new Set<() => void>();
  private readonly outages = new Map<string, { since: number; cause: string }>();
  private readonly host: LaneHost;

  private readonly handlersByType = new Map<string, MessageHandler | undefined>();
  private readonly eventListeners: Array<[string, (...args: unknown[]) => unknown]> = [];

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.log = (options.logger ?? createJsonLogger()).child({ component: 'kafka-transport', group: options.groupId });
    const runner = createMessageRunner({
      groupId: options.groupId,
      serde: options.serde,
      router: () => this.router!,
      handlerFor: (recordType) => this.handlerFor(recordType),
      unitOfWork: options.unitOfWork,
      metrics: options.metrics,
      log: this.log,
    });
    this.host = {
      ...runner,
      policy: this.policy,
      log: this.log,
      metrics: options.metrics,
      unitOfWork: options.unitOfWork,
      maxQueued: options.maxQueuedPerPartition ?? 5_000,
      outages: this.outageTracker(),
      isClosing: () => this.closing,
      onWake: (wake) => {
        this.wakeups.add(wake);
        return () => this.wakeups.delete(wake);
      },
      pause: (lane) => this.consumer?.pause([{ topic: lane.topic, partitions: [lane.partition] }]),
      resume: (lane) => this.consumer?.resume([{ topic: lane.topic, partitions: [lane.partition] }]),
    };
  }

  /** Connected, holding a group membership and no partition paused for an outage: what `/ready` means. */
  status$(): TransportStatus {
    const status: TransportStatus = { connected: this.connected, joined: this.joined, closing: this.closing, memberId: this.memberId, assignment: this.assignment };
    if (this.outages.size > 0) {
      const entries = [...this.outages.entries()];
      const [, oldest] = entries.reduce((a, b) => (b[1].since < a[1].since ? b : a));
      status.outage = { partitions: entries.map(([key]) => key.replace('\0', '/')), since: new Date(oldest.since).toISOString(), cause: oldest.cause };
    }
    return status;
  }

  isReady(): boolean {
    return this.connected && this.joined && !this.closing && this.outages.size === 0;
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
    let told = false;
    const served = {
      onWaiting: (notServed: Readonly<Record<string, string>>) => {
        if (!told) this.log.warn('topics not served by the brokers yet; waiting (60 s at most)', { topics: notServed });
        told = true;
      },
    };
    if (this.options.createFailureTopics ?? true) {
      await ensureFailureTopics(kafka.admin(), topics, served);
    } else {
      // subscribing to a topic created a moment ago fails until its partitions are served
      const admin = kafka.admin();
      await admin.connect();
      await waitForTopicsServed(admin, topics, served).finally(() => admin.disconnect());
    }
    this.producer = recoveringProducer(kafka, { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }, (error) =>
      this.log.warn('dead-letter producer out of step with the broker; a new one takes over', { error }),
    );
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
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
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
   * the rest is abandoned unresolved (the next owner gets it), durable offsets are committed
   * and the member leaves the group so partitions move at once, not after the session timeout.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.commitTimer) clearInterval(this.commitTimer);
    for (const wake of [...this.wakeups]) wake();
    for (const lane of this.lanes.values()) lane.stop();
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
      const first = batch.messages.length > 0 ? Number(batch.messages[0].offset) : Number(batch.firstOffset() ?? 0);
      lane = new PartitionLane(batch.topic, batch.partition, first, this.host);
      this.lanes.set(key, lane);
    }
    const added = lane.enqueue(batch.messages, batch.highWatermark);
    payload.resolveOffset(batch.lastOffset());
    this.options.metrics?.batchSize(batch.topic, batch.messages.length);
    this.options.metrics?.inFlight(added);
    this.startLane(lane);
    // Back-pressure: a lane holds at most about two fetches; the fetch loop waits (and heartbeats).
    while (lane.backlog > this.host.maxQueued && lane.active && !this.closing && payload.isRunning()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, HEARTBEAT_EVERY_MS);
        lane!.drained = done;
        function done() {
          clearTimeout(timer);
          lane!.drained = undefined;
          resolve();
        }
      });
      await payload.heartbeat();
    }
  }

  private startLane(lane: PartitionLane): void {
    if (lane.worker) return;
    lane.worker = lane
      .run()
      .catch((error) => {
        // Something unexpected failed on the failure path itself (e.g. the dead-letter write was
        // refused for good): nothing after the durable position may be skipped, so drop the lane
        // and re-read the partition from there.
        const offset = lane.committable() ?? '0';
        this.log.error('partition lane failed; re-reading from its durable position', { topic: lane.topic, partition: lane.partition, offset, error });
        lane.stop();
        if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
        const timer = setTimeout(() => {
          if (this.closing) return;
          this.consumer?.resume([{ topic: lane.topic, partitions: [lane.partition] }]);
          this.consumer?.seek({ topic: lane.topic, partition: lane.partition, offset });
        }, HEARTBEAT_EVERY_MS);
        timer.unref();
      })
      .finally(() => {
        lane.worker = undefined;
        if (lane.backlog > 0) this.options.metrics?.inFlight(-lane.backlog);
        this.host.outages.leave(lane.key);
      });
  }

  /**
   * Commits each lane's durable position (the offset before its oldest parked message, else
   * after the last one handled). Runs every second, when a rebalance starts, and on close.
   */
  private async commitDurable(): Promise<void> {
    if (this.committing) return this.committing;
    const consumer = this.consumer;
    const due = [...this.lanes.values()]
      .map((lane) => ({ lane, offset: lane.committable() }))
      .filter((d): d is { lane: PartitionLane; offset: string } => d.offset !== undefined && d.offset !== this.committed.get(d.lane.key));
    if (!consumer || due.length === 0) return;
    this.committing = consumer
      .commitOffsets(due.map(({ lane, offset }) => ({ topic: lane.topic, partition: lane.partition, offset })))
      .then(
        () => {
          for (const { lane, offset } of due) this.committed.set(lane.key, offset);
        },
        (error) => this.log.debug('offset commit deferred', { error }),
      )
      .finally(() => {
        this.committing = undefined;
      });
    return this.committing;
  }

  /**
   * Partitions this member no longer owns stop after their in-flight unit; nothing more is
   * committed for them. A partition paused here and assigned again is resumed: its new lane
   * decides afresh.
   */
  private revokeLanes(assignment: Record<string, number[]>): void {
    for (const lane of [...this.lanes.values()]) {
      if (!(assignment[lane.topic] ?? []).includes(lane.partition)) {
        lane.stop();
        this.lanes.delete(lane.key);
        this.committed.delete(lane.key);
      }
    }
    const stale = (this.consumer?.paused() ?? [])
      .map(({ topic, partitions }) => ({ topic, partitions: partitions.filter((p) => !this.lanes.get(`${topic}\0${p}`)?.paused) }))
      .filter((t) => t.partitions.length > 0);
    if (stale.length > 0) this.consumer?.resume(stale);
  }

  /** Lanes paused for an outage: `/ready` is red while any is; logged once when it starts and once when it ends. */
  private outageTracker(): OutageTracker {
    const { outages, log } = this;
    const metrics = this.options.metrics;
    return {
      enter: (laneKey, cause) => {
        if (outages.has(laneKey)) return;
        const first = outages.size === 0;
        outages.set(laneKey, { since: Date.now(), cause: cause instanceof Error ? cause.message : String(cause) });
        metrics?.paused(outages.size);
        if (first) log.error('outage: partitions paused until what their handlers need is back; nothing is dead-lettered for it', { partition: laneKey.replace('\0', '/'), error: cause });
      },
      leave: (laneKey) => {
        const entry = outages.get(laneKey);
        if (!entry) return;
        outages.delete(laneKey);
        metrics?.paused(outages.size);
        if (outages.size === 0) log.info('outage over: partitions resumed', { partition: laneKey.replace('\0', '/'), pausedMs: Date.now() - entry.since });
      },
      get size() {
        return outages.size;
      },
    };
  }
}
