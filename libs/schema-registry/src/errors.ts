import { NonRetriableError, RetriableError } from '@lading/errors';

/** The first byte is not the Confluent magic byte 0: not a registry-framed Avro message. */
export class WrongMagicByteError extends NonRetriableError {
  constructor(topic: string, magicByte: number | undefined, length: number) {
    super(
      magicByte === undefined || length < 5
        ? `message on ${topic} is ${length} bytes long: too short for the Confluent wire format (magic byte + 4-byte schema id)`
        : `message on ${topic} starts with magic byte ${magicByte}, expected 0 (Confluent wire format)`,
      'WRONG_MAGIC_BYTE',
    );
  }
}

/** The schema id in the message is not in the registry. */
export class UnknownSchemaIdError extends NonRetriableError {
  constructor(
    readonly topic: string,
    readonly schemaId: number,
    options?: { cause?: unknown },
  ) {
    super(`message on ${topic} names schema id ${schemaId}, which the schema registry does not know`, 'UNKNOWN_SCHEMA_ID', options);
  }
}

/** The topic catalog does not allow this record type on this topic. */
export class RecordTypeNotAllowedError extends NonRetriableError {
  constructor(
    readonly topic: string,
    readonly recordType: string,
    allowed: readonly string[],
  ) {
    super(`record type ${recordType} is not allowed on ${topic} (allowed: ${allowed.join(', ') || 'none: unknown topic'})`, 'RECORD_TYPE_NOT_ALLOWED');
  }
}

/** A value does not match its record's schema; names every offending field. */
export class SchemaValidationError extends NonRetriableError {
  constructor(
    readonly recordType: string,
    readonly invalidFields: { field: string; value: unknown; expected: string }[],
  ) {
    super(
      `value is not a valid ${recordType}: ${invalidFields.map((f) => `field '${f.field}' = ${preview(f.value)} is not ${f.expected}`).join('; ')}`,
      'SCHEMA_VALIDATION_FAILED',
    );
  }
}

/**
 * The producer's schema for a subject is not registered (run `npm run schemas:register`). Not
 * the record's fault: every record of the type fails alike until the schemas of the deployed
 * build are registered — an outage of the deployment (`isOutage`), waited out by consumers and
 * the outbox relay, never a reason to dead-letter or park.
 */
export class SchemaNotRegisteredError extends NonRetriableError {
  readonly outage = true;
  constructor(readonly subject: string, options?: { cause?: unknown }) {
    super(`schema of subject ${subject} is not registered in the schema registry; run \`npm run schemas:register\``, 'SCHEMA_NOT_REGISTERED', options);
  }
}

/** A writer schema cannot be read with this build's reader schema, or bytes do not decode with it. */
export class UndecodableMessageError extends NonRetriableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'UNDECODABLE_MESSAGE', options);
  }
}

/** A schema the registry refused, or the compatibility check failed. */
export class IncompatibleSchemaError extends NonRetriableError {
  constructor(message: string) {
    super(message, 'INCOMPATIBLE_SCHEMA');
  }
}

/** The schema registry did not answer (or answered 5xx): try again later. */
export class RegistryUnavailableError extends RetriableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'REGISTRY_UNAVAILABLE', options);
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
