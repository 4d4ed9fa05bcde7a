import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { NonRetriableError, RetriableError } from '@lading/errors';
import type { Type } from 'avsc';
import type { AvroSerde, DecodedRecord } from '../ports';

/*
 * A registry-backed Avro serde for this library's integration tests and benchmark — real
 * registry, real Avro, no mocks — kept apart from the production code so the contracts
 * library's serde replaces it without touching the transport. Subjects follow the
 * TopicRecordNameStrategy (`<topic>-<record full name>`), which lets one topic carry several
 * record types.
 */

export class WrongMagicByteError extends NonRetriableError {
  constructor(topic: string, first: number | undefined) {
    super(`not Confluent-framed Avro on ${topic} (first byte ${first})`, 'WRONG_MAGIC_BYTE');
  }
}
export class UnknownSchemaIdError extends NonRetriableError {
  constructor(id: number) {
    super(`schema id ${id} is unknown to the registry`, 'UNKNOWN_SCHEMA_ID');
  }
}
export class RecordTypeNotAllowedError extends NonRetriableError {
  constructor(topic: string, recordType: string) {
    super(`record type ${recordType} is not allowed on ${topic}`, 'RECORD_TYPE_NOT_ALLOWED');
  }
}
export class SchemaViolationError extends NonRetriableError {
  constructor(message: string) {
    super(message, 'SCHEMA_VIOLATION');
  }
}
export class RegistryUnavailableError extends RetriableError {
  constructor(cause: unknown) {
    super(`schema registry unreachable: ${(cause as Error)?.message ?? cause}`, 'REGISTRY_UNAVAILABLE', { cause });
  }
}

export interface RegistrySerde extends AvroSerde {
  /** Registers (idempotently) a record schema for a topic and allows it there. */
  register(topic: string, schema: { name: string; namespace?: string }): Promise<number>;
}

export function createRegistrySerde(options: { host: string; allowed?: Record<string, string[]> }): RegistrySerde {
  const registry = new SchemaRegistry({ host: options.host, retry: { retries: 2 } });
  const idsForEncode = new Map<string, number>();
  const typesById = new Map<number, Type>();
  const allowed = new Map<string, Set<string>>(Object.entries(options.allowed ?? {}).map(([t, types]) => [t, new Set(types)]));

  async function typeOf(id: number): Promise<Type> {
    const cached = typesById.get(id);
    if (cached) return cached;
    try {
      const type = (await registry.getSchema(id)) as unknown as Type;
      typesById.set(id, type);
      return type;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404 || /not found/i.test((error as Error).message ?? '')) throw new UnknownSchemaIdError(id);
      throw new RegistryUnavailableError(error);
    }
  }

  return {
    async register(topic, schema) {
      const fullName = schema.namespace ? `${schema.namespace}.${schema.name}` : schema.name;
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: `${topic}-${fullName}` });
      idsForEncode.set(`${topic}\0${fullName}`, id);
      const set = allowed.get(topic) ?? new Set<string>();
      set.add(fullName);
      allowed.set(topic, set);
      return id;
    },
    async encode(topic, recordType, value) {
      const key = `${topic}\0${recordType}`;
      let id = idsForEncode.get(key);
      if (id === undefined) {
        try {
          id = await registry.getLatestSchemaId(`${topic}-${recordType}`);
        } catch (error) {
          throw new RegistryUnavailableError(error);
        }
        idsForEncode.set(key, id);
      }
      const type = await typeOf(id);
      const body = type.toBuffer(value);
      const framed = Buffer.allocUnsafe(5 + body.length);
      framed[0] = 0;
      framed.writeInt32BE(id, 1);
      body.copy(framed, 5);
      return framed;
    },
    async decode(topic, bytes): Promise<DecodedRecord> {
      if (bytes.length < 5 || bytes[0] !== 0) throw new WrongMagicByteError(topic, bytes[0]);
      const schemaId = bytes.readInt32BE(1);
      const type = await typeOf(schemaId);
      const recordType = type.name ?? 'unnamed';
      const types = allowed.get(topic);
      if (types && !types.has(recordType)) throw new RecordTypeNotAllowedError(topic, recordType);
      let value: unknown;
      try {
        value = type.fromBuffer(bytes.subarray(5));
      } catch (error) {
        throw new SchemaViolationError(`${recordType} on ${topic}: ${(error as Error).message}`);
      }
      return { recordType, schemaId, value };
    },
  };
}
