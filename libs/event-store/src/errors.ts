import { NonRetriableError, RetriableError } from '@lading/errors';

/**
 * An append's expected version did not hold, or (reason `commit_order`) another transaction
 * that started later already wrote the stream. Retriable: re-read, re-decide, append again.
 * `retryInTransaction` says whether the same transaction may simply retry (nothing was written)
 * or the whole transaction must be rolled back and run again.
 */
export class StreamConflictError extends RetriableError {
  /** True when the same transaction may re-read and append again. */
  readonly retryInTransaction: boolean;

  constructor(
    readonly streamIds: string[],
    readonly reason: 'version' | 'commit_order',
    /** Other streams of the same multi-stream append were written: the transaction must roll back. */
    readonly partial: boolean,
    detail = '',
  ) {
    super(`append conflict on ${streamIds.join(', ')} (${reason})${detail ? `: ${detail}` : ''}`, 'STREAM_CONFLICT');
    this.retryInTransaction = !partial && reason === 'version';
  }
}

/** Some but not all event ids of an append were already stored: a caller bug, never retried. */
export class DuplicateEventError extends NonRetriableError {
  constructor(readonly eventIds: string[]) {
    super(`events already stored with different content: ${eventIds.join(', ')}`, 'DUPLICATE_EVENT_ID');
  }
}

/** A transaction that hit a multi-stream conflict has half-written state and may not commit. */
export class TransactionAbortedError extends NonRetriableError {
  constructor(cause: unknown) {
    super(`transaction must be rolled back after: ${(cause as Error)?.message ?? cause}`, 'TRANSACTION_ABORTED', { cause });
  }
}

/**
 * An append named a stream that belongs to another tenant (DESIGN §9): refused, never applied,
 * and never retried — the message that caused it goes to the dead-letter topic with this reason.
 */
export class TenantMismatchError extends NonRetriableError {
  constructor(readonly streams: { streamId: string; tenantId: string; streamTenantId: string }[]) {
    super(
      `tenant mismatch: ${streams.map((s) => `${s.streamId} belongs to tenant ${s.streamTenantId}, not ${s.tenantId}`).join('; ')}`,
      'TENANT_MISMATCH',
    );
  }
}
