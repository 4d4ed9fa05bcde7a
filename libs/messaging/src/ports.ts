/**
 * What the messaging layer needs from the contracts and schema-registry libraries. Declared
 * here as ports, structurally identical to `@lading/schema-registry` and `@lading/contracts`,
 * so the real implementations plug in without this library depending on them.
 */

/** One decoded Avro record: its full record name, the registry id it was written with, the value. */
export interface DecodedRecord {
  recordType: string;
  schemaId: number;
  value: unknown;
}

/**
 * Confluent-framed Avro (magic byte, 4-byte schema id, body). Decode failures that can never
 * succeed (wrong magic byte, unknown schema id, record type not allowed on the topic) throw a
 * `NonRetriableError`; an unreachable registry throws a `RetriableError`.
 */
export interface AvroSerde {
  encode(topic: string, recordType: string, value: unknown): Promise<Buffer>;
  decode(topic: string, bytes: Buffer): Promise<DecodedRecord>;
}

/** The business key of a record on a topic (order id, shipment id, sku@site...): the partition key. */
export type KeyOf = (topic: string, value: unknown) => string;

/** Metadata every Lading record carries as its first field, `meta`. */
export interface EventMeta {
  eventId: string;
  tenantId: string;
  correlationId: string;
  causationId: string | null;
  /** epoch milliseconds, source clock */
  occurredAt: number;
  sourceSystem: string;
  schemaVersion: number | string;
}
