import { createHash } from 'node:crypto';
import { keyOf, schemaVersions, topicForRecordType, type EventMeta, type RecordTypeName, type RecordTypes, type SourceSystem } from '@lading/contracts';
import type { StoredEvent } from '@lading/event-store';

/** One record to produce: topic and key from the topic catalog, value typed by its record type. */
export type OutgoingRecord<R extends RecordTypeName = RecordTypeName> = {
  [T in R]: { topic: string; recordType: T; key: string; value: RecordTypes[T]; traceparent?: string };
}[R];

const namespaceBytes = new Map<string, Buffer>();

/** RFC 4122 version-5 UUID (SHA-1, name-based): the same name always gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  // every record a relay publishes needs one: the namespace's bytes are parsed once
  let space = namespaceBytes.get(namespace);
  if (!space) namespaceBytes.set(namespace, (space = Buffer.from(namespace.replace(/-/g, ''), 'hex')));
  const bytes = createHash('sha1').update(space).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The stored event as a service's outbound mapper sees it (bodies are the decider's own). */
export type PublishedStoredEvent<E = unknown> = Pick<StoredEvent, 'eventId' | 'eventType' | 'streamId' | 'tenantId' | 'metadata' | 'recordedAt'> & { payload: E };

/**
 * How a service names its published records: a v5 UUID of (tenant, stored event id, record
 * type) in the service's namespace. A relay that publishes the same stored event again (crash
 * before its checkpoint) sends the same id, and downstream inboxes drop the duplicate; the
 * tenant is part of the name (DESIGN §9), like every other key.
 */
export function createRecordNaming(options: { namespace: string; sourceSystem: SourceSystem }) {
  const { namespace, sourceSystem } = options;
  const eventIdOf = (tenantId: string, storedEventId: string, recordType: RecordTypeName) => uuidV5(`${tenantId}/${storedEventId}/${recordType}`, namespace);

  /** The meta of a record published for `stored`: correlation and causation from its cause, `occurredAt` the decision's instant. */
  const metaFor = (stored: PublishedStoredEvent, recordType: RecordTypeName, occurredAt: string | number): EventMeta => {
    const at = typeof occurredAt === 'number' ? occurredAt : Date.parse(occurredAt);
    const correlationId = typeof stored.metadata.correlationId === 'string' ? stored.metadata.correlationId : stored.streamId;
    const causationId = typeof stored.metadata.causationId === 'string' ? stored.metadata.causationId : null;
    return {
      eventId: eventIdOf(stored.tenantId, stored.eventId, recordType),
      tenantId: stored.tenantId,
      correlationId,
      causationId,
      occurredAt: Number.isNaN(at) ? stored.recordedAt.getTime() : at,
      recordedAt: stored.recordedAt.getTime(),
      sourceSystem,
      schemaVersion: schemaVersions[recordType],
    };
  };

  return {
    eventIdOf,
    metaFor,
    /** The record to produce: catalog topic and key, the stored event's trace context. */
    record<R extends RecordTypeName>(stored: PublishedStoredEvent, recordType: R, value: RecordTypes[R]): OutgoingRecord<R> {
      const topic = topicForRecordType(recordType).name;
      const traceparent = typeof stored.metadata.traceparent === 'string' ? stored.metadata.traceparent : undefined;
      return { topic, recordType, key: keyOf(topic, value), value, ...(traceparent ? { traceparent } : {}) } as OutgoingRecord<R>;
    },
  };
}

export type RecordNaming = ReturnType<typeof createRecordNaming>;
