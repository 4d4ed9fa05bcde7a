import { BaseRpcContext } from '@nestjs/microservices';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { Headers, headerText } from './headers';
import type { EventMeta } from './ports';

/**
 * A unit of work the consumer runtime opens around one or several messages of one partition
 * batch. Everything a handler changes goes through it; `commit` makes the effects durable
 * (e.g. one PostgreSQL transaction holding the inbox rows and the appended events), and only
 * after it resolves does the runtime resolve the offsets of those messages.
 */
export interface UnitOfWork {
  commit(): Promise<void>;
  rollback(error: unknown): Promise<void>;
}

export interface UnitOfWorkScope {
  groupId: string;
  topic: string;
  partition: number;
  /** how many messages the runtime intends to run in this unit */
  size: number;
}

/**
 * The extension point for batching effects: the runtime runs up to `maxMessages` consecutive
 * messages of a partition batch in one unit. If any handler in it fails, the unit is rolled
 * back and its messages are run again one unit each, so the failing one is isolated (retried,
 * then retry topic or dead letters) and the others still commit — per-key order and
 * all-or-nothing hold either way.
 */
export interface UnitOfWorkFactory<U extends UnitOfWork = UnitOfWork> {
  maxMessages: number;
  begin(scope: UnitOfWorkScope): Promise<U>;
}

/**
 * What a handler gets besides the decoded value: `@Ctx() ctx: MessageContext`. Key, headers
 * and trace context are read from the Kafka message on first use (the hot path never needs them).
 */
export class MessageContext extends BaseRpcContext<[]> {
  constructor(
    /** the topic the record was published to (for a retried message: its original topic) */
    readonly topic: string,
    readonly partition: number,
    private readonly message: KafkaMessage,
    readonly recordType: string,
    readonly schemaId: number,
    readonly meta: EventMeta | undefined,
    readonly groupId: string,
    /** 1 for the first attempt; counts in-process attempts and retry-topic rounds */
    readonly attempt: number,
    /** the open unit of work when the app configured a factory, else undefined */
    readonly unitOfWork: UnitOfWork | undefined,
  ) {
    super([]);
  }

  /** offset in the topic-partition the message was read from (the retry topic for a retry) */
  get offset(): string {
    return this.message.offset;
  }

  get key(): string | null {
    return this.message.key ? this.message.key.toString() : null;
  }

  get headers(): IHeaders {
    return this.message.headers ?? {};
  }

  /** W3C traceparent of the message; pass it to the producer to continue the trace */
  get traceparent(): string | undefined {
    return headerText(this.message.headers, Headers.traceparent);
  }

  /** The unit of work as the app's own type (the event store's transaction handle). */
  unitOfWorkAs<U extends UnitOfWork>(): U {
    if (!this.unitOfWork) throw new Error('no unit of work: the transport was started without a UnitOfWorkFactory');
    return this.unitOfWork as U;
  }
}
