import { isOutage, isRetriable, NonRetriableError } from '@lading/errors';
import type { KafkaMessage } from 'kafkajs';
import { backoffDelay } from './failure';
import { Headers, headerText } from './headers';
import type { LaneHost, Outcome, Prepared } from './message-runner';

/**
 * The messages of one key held behind one that keeps failing: `entries[0]` is retried with
 * backoff; the others wait in order. Other keys of the partition flow meanwhile.
 */
interface ParkedLot {
  key: string;
  entries: KafkaMessage[];
  firstFailedAt: number;
  attempts: number;
  lastError: unknown;
  nextAttemptAt: number;
  retries: number;
}

/**
 * One assigned partition: the fetched messages waiting, the keys parked behind a failing
 * message, and how far effects are durable. One worker per lane handles the queue in offset
 * order, a unit of work at a time; a message that keeps failing is parked with the later
 * messages of its key, the other keys flow; an outage pauses the partition and retries the same
 * work until it is over (never dead-lettering for it). What may be committed is the offset
 * before the oldest parked message, or after the last handled one.
 */
export class PartitionLane {
  readonly key: string;
  queue: KafkaMessage[] = [];
  head = 0;
  /** The next offset to queue: re-fetched messages below it (after a rebalance) are dropped. */
  nextOffset = -1;
  active = true;
  highWatermark = '0';
  worker?: Promise<void>;
  /** Resolves the fetch loop's back-pressure wait. */
  drained?: () => void;
  private readonly parked = new Map<string, ParkedLot>();
  private parkedCount = 0;
  /** Last offset of the messages taken in order and resolved (or parked: those count via `parked`). */
  private resolvedThrough: number;
  private wake?: () => void;
  private outageSince?: number;
  private pausedFor = new Set<'outage' | 'parked'>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    firstOffset: number,
    private readonly host: LaneHost,
  ) {
    this.key = `${topic}\0${partition}`;
    this.resolvedThrough = firstOffset - 1;
  }

  enqueue(messages: readonly KafkaMessage[], highWatermark: string): number {
    let added = 0;
    for (const message of messages) {
      if (Number(message.offset) < this.nextOffset) continue; // re-fetched after a rebalance: queued already
      this.queue.push(message);
      added++;
    }
    if (messages.length > 0) this.nextOffset = Number(messages[messages.length - 1].offset) + 1;
    this.highWatermark = highWatermark;
    this.wake?.();
    return added;
  }

  /** Fetching for the partition is paused (an outage, or too many messages parked). */
  get paused(): boolean {
    return this.pausedFor.size > 0;
  }

  get backlog(): number {
    return this.queue.length - this.head;
  }

  /** The offset to commit: before the oldest parked message, else after the last one handled. */
  committable(): string | undefined {
    let next = this.resolvedThrough + 1;
    for (const lot of this.parked.values()) next = Math.min(next, Number(lot.entries[0].offset));
    return next > 0 ? String(next) : undefined;
  }

  stop(): void {
    this.active = false;
    this.wake?.();
    this.drained?.();
  }

  private canContinue = () => this.active && !this.host.isClosing();

  /** Handles the queue until the lane is revoked or the transport closes. */
  async run(): Promise<void> {
    const maxUnit = this.host.unitOfWork?.maxMessages ?? 1;
    while (this.canContinue()) {
      const due = this.nextDueLot();
      if (due && due.nextAttemptAt <= Date.now()) {
        if ((await this.retryParked(due)) === 'abandoned') return;
        continue;
      }
      if (this.head >= this.queue.length) {
        this.settle();
        this.queue = [];
        this.head = 0;
        this.drained?.();
        await this.idle(due ? due.nextAttemptAt - Date.now() : undefined);
        continue;
      }
      // The next unit: consecutive messages of keys not parked (a parked key's message joins its lot).
      const unit: KafkaMessage[] = [];
      while (this.head < this.queue.length && unit.length < maxUnit) {
        const message = this.queue[this.head];
        const lot = this.parked.get(keyOf(message));
        if (lot) {
          if (unit.length > 0) break; // keep arrival order: the unit before it first
          this.head++;
          this.host.metrics?.inFlight(-1);
          this.parkBehind(lot, message);
          continue;
        }
        this.head++;
        unit.push(message);
      }
      if (this.backlog < this.host.maxQueued / 2) this.drained?.();
      if (unit.length === 0) continue;
      let outcome: Outcome = 'abandoned';
      try {
        outcome = await this.runUnit(unit);
      } finally {
        // resolved, dead-lettered or parked (counted in lading_messages_parked) — or abandoned
        this.host.metrics?.inFlight(-unit.length);
      }
      if (outcome === 'abandoned') return;
    }
  }

  /** A unit of consecutive messages: together in one unit of work, else one by one. */
  private async runUnit(unit: KafkaMessage[]): Promise<Outcome> {
    const prepared: (Prepared | { poison: unknown; message: KafkaMessage })[] = [];
    for (const message of unit) {
      const decoded = await this.retryOutages(() => this.host.decode(this.topic, this.partition, message));
      if (decoded === 'abandoned') return 'abandoned';
      prepared.push(decoded);
    }
    const handled = prepared.filter((p): p is Prepared => !('poison' in p));
    if (handled.length === prepared.length && handled.length > 1 && this.host.unitOfWork) {
      const together = await this.retryOutages(() => this.host.runTogether(handled));
      if (together === 'abandoned') return 'abandoned';
      if (together === 'ok') {
        this.resolvedThrough = Number(unit[unit.length - 1].offset);
        return 'ok';
      }
      // a handler or the commit failed: run them one by one, so the failing one is isolated
    }
    for (const p of prepared) {
      const lot = this.parked.get(keyOf(p.message));
      if (lot) {
        this.parkBehind(lot, p.message);
        continue;
      }
      const outcome = 'poison' in p ? await this.deadLetter(p.message, p.poison, 1, Date.now()) : await this.attempt(p, this.host.policy.attempts);
      if (outcome === 'abandoned') return 'abandoned';
      if (outcome === 'failing') this.park(p as Prepared);
      else this.resolvedThrough = Number(p.message.offset);
    }
    return 'ok';
  }

  /**
   * Up to `attempts` in-process attempts with backoff. An outage does not count: the partition
   * pauses and the same attempt is made again until it is over. Non-retriable → dead letter.
   */
  private async attempt(p: Prepared, attempts: number): Promise<Outcome | 'failing'> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const error = await this.host.runAlone(p);
      if (error === undefined) {
        this.recovered();
        return 'ok';
      }
      p.attempts++;
      p.firstFailedAt ??= Date.now();
      p.lastError = error;
      if (isOutage(error)) {
        attempt--;
        if (!(await this.waitOutOutage(error))) return 'abandoned';
        continue;
      }
      this.recovered();
      if (!isRetriable(error)) return this.deadLetter(p.message, error, p.attempts, p.firstFailedAt, p.context.recordType);
      if (attempt < attempts) {
        this.host.metrics?.retried(this.topic, p.context.recordType, 'in_process');
        if (!(await this.sleep(backoffDelay(attempt, this.host.policy)))) return 'abandoned';
      }
    }
    return 'failing';
  }

  /** A message that kept failing: parked as the head of its key's lot. */
  private park(p: Prepared): void {
    const { policy } = this.host;
    const lot: ParkedLot = {
      key: keyOf(p.message),
      entries: [p.message],
      firstFailedAt: p.firstFailedAt ?? Date.now(),
      attempts: p.attempts,
      lastError: p.lastError,
      retries: 0,
      nextAttemptAt: Date.now() + Math.min(policy.maxParkedDelayMs, policy.initialDelayMs * 2),
    };
    this.parked.set(lot.key, lot);
    this.parkedCount++;
    this.host.log.warn('message parked: later messages of its key wait behind it, other keys flow', {
      topic: this.topic,
      partition: this.partition,
      offset: p.message.offset,
      key: lot.key,
      recordType: p.context.recordType,
      eventId: p.context.meta?.eventId,
      parkForMs: policy.parkForMs,
      error: p.lastError,
    });
    this.settle();
  }

  private parkBehind(lot: ParkedLot, message: KafkaMessage): void {
    lot.entries.push(message);
    this.parkedCount++;
    if (this.parkedCount > this.host.policy.maxParkedPerPartition) this.pause('parked');
  }

  private nextDueLot(): ParkedLot | undefined {
    let due: ParkedLot | undefined;
    for (const lot of this.parked.values()) if (!due || lot.nextAttemptAt < due.nextAttemptAt) due = lot;
    return due;
  }

  /** The head of a lot again; on success its followers run in order; past `parkForMs`, the lot is dead-lettered. */
  private async retryParked(lot: ParkedLot): Promise<Outcome> {
    const { policy } = this.host;
    if (Date.now() - lot.firstFailedAt >= policy.parkForMs) return this.deadLetterLot(lot);
    const headMessage = lot.entries[0];
    const head = await this.retryOutages(() => this.host.decode(this.topic, this.partition, headMessage));
    if (head === 'abandoned') return 'abandoned';
    let outcome: Outcome | 'failing';
    if ('poison' in head) outcome = await this.deadLetter(headMessage, head.poison, lot.attempts + 1, lot.firstFailedAt);
    else {
      Object.assign(head, { attempts: lot.attempts, firstFailedAt: lot.firstFailedAt });
      this.host.metrics?.retried(this.topic, head.context.recordType, 'parked');
      outcome = await this.attempt(head, 1);
      lot.attempts = head.attempts;
      lot.lastError = head.lastError;
    }
    if (outcome === 'abandoned') return 'abandoned';
    if (outcome === 'failing') {
      lot.retries++;
      lot.nextAttemptAt = Date.now() + Math.min(policy.maxParkedDelayMs, policy.initialDelayMs * 2 ** (lot.retries + 1));
      return 'ok';
    }
    // The head is through: its followers go in order; one that fails heads the lot again.
    this.unpark(lot, 1);
    while (lot.entries.length > 0) {
      const next = lot.entries[0];
      const decoded = await this.retryOutages(() => this.host.decode(this.topic, this.partition, next));
      if (decoded === 'abandoned') return 'abandoned';
      const result = 'poison' in decoded ? await this.deadLetter(next, decoded.poison, 1, Date.now()) : await this.attempt(decoded, policy.attempts);
      if (result === 'abandoned') return 'abandoned';
      if (result === 'failing') {
        const p = decoded as Prepared;
        Object.assign(lot, { firstFailedAt: p.firstFailedAt ?? Date.now(), attempts: p.attempts, lastError: p.lastError, retries: 0 });
        lot.nextAttemptAt = Date.now() + Math.min(policy.maxParkedDelayMs, policy.initialDelayMs * 2);
        this.settle();
        return 'ok';
      }
      this.unpark(lot, 1);
    }
    return 'ok';
  }

  /**
   * Parked too long: the head goes to the dead-letter topic with its cause, the messages of its
   * key parked behind it follow it there, in order (re-driving the key restores that order).
   * Messages of the key that arrive afterwards are handled as usual.
   */
  private async deadLetterLot(lot: ParkedLot): Promise<Outcome> {
    const [head] = lot.entries;
    const headId = headerText(head.headers, Headers.eventId) ?? `${this.topic}/${this.partition}@${head.offset}`;
    if ((await this.deadLetter(head, lot.lastError, lot.attempts, lot.firstFailedAt)) === 'abandoned') return 'abandoned';
    this.unpark(lot, 1);
    while (lot.entries.length > 0) {
      const follower = lot.entries[0];
      const reason = new NonRetriableError(`parked behind ${headId}, dead-lettered with it to keep their order`, 'PARKED_BEHIND_DEAD_LETTER');
      if ((await this.deadLetter(follower, reason, 0, lot.firstFailedAt, undefined, { [Headers.parkedBehind]: headId })) === 'abandoned') return 'abandoned';
      this.unpark(lot, 1);
    }
    return 'ok';
  }

  private unpark(lot: ParkedLot, count: number): void {
    lot.entries.splice(0, count);
    this.parkedCount -= count;
    if (lot.entries.length === 0) this.parked.delete(lot.key);
    if (this.parkedCount <= this.host.policy.maxParkedPerPartition / 2) this.resume('parked');
    // a lot that emptied ahead of the handled region moves the commit position forward
    this.settle();
  }

  /** Dead-letters a message; the write is retried through an outage of the dead-letter topic itself. */
  private async deadLetter(message: KafkaMessage, error: unknown, attempts: number, firstFailedAt: number, recordType?: string, extra?: Record<string, string>): Promise<Outcome> {
    const written = await this.retryOutages(() => this.host.deadLetter(message, this.topic, this.partition, error, attempts, firstFailedAt, recordType, extra));
    return written === 'abandoned' ? 'abandoned' : 'ok';
  }

  /** Runs `work` until it does not fail with an outage: meanwhile the partition is paused. */
  private async retryOutages<T>(work: () => Promise<T>): Promise<T | 'abandoned'> {
    for (;;) {
      try {
        const result = await work();
        this.recovered();
        return result;
      } catch (error) {
        if (!isOutage(error)) throw error;
        if (!(await this.waitOutOutage(error))) return 'abandoned';
      }
    }
  }

  private async waitOutOutage(error: unknown): Promise<boolean> {
    const { policy } = this.host;
    if (this.outageSince === undefined) {
      this.outageSince = Date.now();
      this.host.outages.enter(this.key, error);
      this.pause('outage');
    }
    const waited = Date.now() - this.outageSince;
    const delay = Math.min(policy.maxOutageBackoffMs, policy.outageBackoffMs * 2 ** Math.floor(Math.log2(1 + waited / Math.max(1, policy.outageBackoffMs))));
    return this.sleep(delay);
  }

  private recovered(): void {
    if (this.outageSince === undefined) return;
    this.outageSince = undefined;
    this.host.outages.leave(this.key);
    this.resume('outage');
  }

  private pause(why: 'outage' | 'parked'): void {
    if (this.pausedFor.size === 0) this.host.pause(this);
    this.pausedFor.add(why);
  }

  private resume(why: 'outage' | 'parked'): void {
    if (!this.pausedFor.delete(why)) return;
    if (this.pausedFor.size === 0 && this.active) this.host.resume(this);
  }

  /** Publishes the lane's gauges. */
  private settle(): void {
    this.host.metrics?.parked(this.topic, this.partition, this.parkedCount);
    const committable = this.committable();
    if (committable !== undefined) this.host.metrics?.lag(this.topic, this.partition, Math.max(0, Number(this.highWatermark) - Number(committable)));
  }

  /** Waits for the next batch, the next parked retry due, or the lane to stop. */
  private idle(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, Math.max(0, ms));
      const unregister = this.host.onWake(done);
      this.wake = done;
      function done() {
        if (timer) clearTimeout(timer);
        unregister();
        resolve();
      }
    });
  }

  /** Waits `ms` (in slices, so a revoke or close is noticed); false when the lane should stop. */
  private async sleep(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (this.canContinue()) {
      const left = until - Date.now();
      if (left <= 0) return true;
      await this.idle(Math.min(left, 1_000));
    }
    return false;
  }
}

/** The key messages are ordered by (the partition key); a message without one orders with the other key-less ones. */
function keyOf(message: KafkaMessage): string {
  return message.key ? message.key.toString('latin1') : '';
}
