/**
 * Every failure Lading handles on a message path is one of two kinds, and the kind decides
 * what happens to the message: a retriable failure (broker or database briefly unavailable,
 * an optimistic-concurrency conflict) is retried with backoff; a non-retriable one (bytes
 * that do not decode, a schema or validation violation, a tenant mismatch) can never succeed
 * and goes straight to the dead-letter topic with its reason.
 */
export abstract class LadingError extends Error {
  abstract readonly retriable: boolean;
  /** A stable machine-readable code, e.g. `WRONG_MAGIC_BYTE`; goes into DLQ headers. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class RetriableError extends LadingError {
  readonly retriable = true;
  constructor(
    message: string,
    readonly code = 'RETRIABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NonRetriableError extends LadingError {
  readonly retriable = false;
  constructor(
    message: string,
    readonly code = 'NON_RETRIABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Unknown errors are treated as retriable: a bug that throws will be retried a bounded number
 * of times and then dead-lettered, which loses nothing; treating it as poison right away would
 * dead-letter messages on a transient outage we failed to classify.
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof LadingError ? error.retriable : true;
}
