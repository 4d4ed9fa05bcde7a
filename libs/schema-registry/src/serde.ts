import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { ConfluentSchemaRegistryError } from '@kafkajs/confluent-schema-registry/dist/errors';
import type avro from 'avsc';
import { recordSchemas, topicCatalog, type TopicSpec } from '@lading/contracts';
import {
  RecordTypeNotAllowedError,
  RegistryUnavailableError,
  SchemaNotRegisteredError,
  SchemaValidationError,
  UndecodableMessageError,
  UnknownSchemaIdError,
  WrongMagicByteError,
} from './errors';
import { avroType, avroTypeOptions } from './logical-types';

/** A decoded message value, with the record type it was written as. */
export interface DecodedRecord {
  /** Avro full name, e.g. `lading.erp.OrderPlaced`. */
  recordType: string;
  /** Registry id of the writer schema. */
  schemaId: number;
  /** The value in this build's reader schema (fields added since the writer's version carry their defaults). */
  value: unknown;
}

export interface AvroSerde {
  /** Validates `value` against the record's schema and frames it in the Confluent wire format. */
  encode(topic: string, recordType: string, value: unknown): Promise<Buffer>;
  /** Checks the frame, resolves the writer schema by id (cached) and reads it as this build's schema. */
  decode(topic: string, bytes: Buffer): Promise<DecodedRecord>;
}

export const MAGIC_BYTE = 0;

/** TopicRecordNameStrategy: one subject per (topic, record type), so several record types share a topic. */
export function subjectFor(topic: string, recordType: string): string {
  return `${topic}-${recordType}`;
}

/** A registry client with Lading's logical types (decimal strings, checked uuids). */
export function createRegistryClient(registryUrl: string): SchemaRegistry {
  return new SchemaRegistry(
    { host: registryUrl, clientId: 'lading', retry: { retries: 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 2 } },
    // the client spreads these options into every parse, so the shared object stays clean
    { [SchemaType.AVRO]: avroTypeOptions() },
  );
}

const TRANSIENT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|socket hang up|timeout/i;

/**
 * The registry client reports a refused connection as status 400 with the socket error in the
 * message, so transport failures are recognised by message as well as by 5xx status.
 */
export function isRegistryUnavailable(error: unknown): boolean {
  const status = (error as { status?: number } | undefined)?.status;
  return (typeof status === 'number' && status >= 500) || TRANSIENT.test(String((error as Error | undefined)?.message ?? error));
}

function isNotFound(error: unknown): boolean {
  const status = (error as { status?: number } | undefined)?.status;
  // getRegistryIdBySchema turns a 404 into a bare ConfluentSchemaRegistryError without status
  return status === 404 || (error instanceof ConfluentSchemaRegistryError && error.constructor === ConfluentSchemaRegistryError);
}

/** Names every field of `value` that does not match `type`. */
export function invalidFields(type: avro.Type, value: unknown): { field: string; value: unknown; expected: string }[] {
  const found: { field: string; value: unknown; expected: string }[] = [];
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path: string[], any: unknown, t: avro.Type) => {
      const expected = t.typeName.startsWith('logical:') ? `a valid ${t.typeName.slice(8)}` : t.name ? `a ${t.name}` : `a ${t.typeName}`;
      found.push({ field: path.join('.') || '(value)', value: any, expected });
    },
  });
  return found;
}

/**
 * The Avro serde of the Lading bus. Schema ids (by subject) and writer schemas (by id) are
 * cached, so after the first message of a kind there is no registry round trip.
 */
export function createAvroSerde(options: {
  registryUrl: string;
  registry?: SchemaRegistry;
  /** Topics and allowed record types; the Lading catalog unless a test brings its own. */
  catalog?: readonly TopicSpec[];
  /** Reader schemas by record type; this build's generated schemas unless overridden. */
  schemas?: Readonly<Record<string, object>>;
}): AvroSerde {
  const registry = options.registry ?? createRegistryClient(options.registryUrl);
  const topics = new Map((options.catalog ?? topicCatalog).map((t) => [t.name, t]));
  const schemas: Readonly<Record<string, object>> = options.schemas ?? recordSchemas;
  const allowedOn = (topic: string): readonly string[] => topics.get(topic)?.recordTypes ?? [];
  const readerTypes = new Map<string, avro.Type>();
  const subjectIds = new Map<string, Promise<number>>();
  const resolvers = new Map<number, { recordType: string; reader: avro.Type; resolver: avro.Resolver }>();

  function readerType(recordType: string): avro.Type | undefined {
    let type = readerTypes.get(recordType);
    const schema = schemas[recordType];
    if (!type && schema) {
      type = avroType(schema);
      readerTypes.set(recordType, type);
    }
    return type;
  }

  function assertAllowed(topic: string, recordType: string): void {
    if (!allowedOn(topic).includes(recordType)) throw new RecordTypeNotAllowedError(topic, recordType, allowedOn(topic));
  }

  async function schemaIdOf(subject: string, recordType: string): Promise<number> {
    let id = subjectIds.get(subject);
    if (!id) {
      id = registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schemas[recordType]) }).catch((error: unknown): never => {
        subjectIds.delete(subject);
        if (isRegistryUnavailable(error)) throw new RegistryUnavailableError(`schema registry unavailable looking up ${subject}: ${String(error)}`, { cause: error });
        if (isNotFound(error)) throw new SchemaNotRegisteredError(subject, { cause: error });
        throw error;
      });
      subjectIds.set(subject, id);
    }
    return id;
  }

  async function writerResolution(topic: string, schemaId: number) {
    const cached = resolvers.get(schemaId);
    if (cached) return cached;
    let writer: avro.Type;
    try {
      writer = (await registry.getSchema(schemaId)) as unknown as avro.Type;
    } catch (error) {
      if (isRegistryUnavailable(error)) throw new RegistryUnavailableError(`schema registry unavailable fetching schema id ${schemaId}: ${String(error)}`, { cause: error });
      if (isNotFound(error)) throw new UnknownSchemaIdError(topic, schemaId, { cause: error });
      throw error;
    }
    const recordType = writer.name;
    if (!recordType) throw new UndecodableMessageError(`schema id ${schemaId} on ${topic} is not a named record`);
    assertAllowed(topic, recordType);
    const reader = readerType(recordType);
    if (!reader) throw new RecordTypeNotAllowedError(topic, recordType, allowedOn(topic));
    let resolver: avro.Resolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (error) {
      throw new UndecodableMessageError(`schema id ${schemaId} (${recordType}) cannot be read with this build's ${recordType}: ${(error as Error).message}`, { cause: error });
    }
    const resolution = { recordType, reader, resolver };
    resolvers.set(schemaId, resolution);
    return resolution;
  }

  return {
    async encode(topic, recordType, value) {
      assertAllowed(topic, recordType);
      const type = readerType(recordType);
      if (!type) throw new RecordTypeNotAllowedError(topic, recordType, allowedOn(topic));
      const invalid = invalidFields(type, value);
      if (invalid.length > 0) throw new SchemaValidationError(recordType, invalid);
      const schemaId = await schemaIdOf(subjectFor(topic, recordType), recordType);
      const header = Buffer.alloc(5);
      header.writeUInt8(MAGIC_BYTE, 0);
      header.writeInt32BE(schemaId, 1);
      return Buffer.concat([header, type.toBuffer(value)]);
    },

    async decode(topic, bytes) {
      if (bytes.length < 5 || bytes[0] !== MAGIC_BYTE) throw new WrongMagicByteError(topic, bytes[0], bytes.length);
      const schemaId = bytes.readInt32BE(1);
      const { recordType, reader, resolver } = await writerResolution(topic, schemaId);
      // the resolution is cached per schema id, the topic check is not: one id can arrive on any topic
      assertAllowed(topic, recordType);
      try {
        return { recordType, schemaId, value: reader.fromBuffer(bytes.subarray(5), resolver) };
      } catch (error) {
        throw new UndecodableMessageError(`message on ${topic} does not decode as ${recordType} (schema id ${schemaId}): ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
