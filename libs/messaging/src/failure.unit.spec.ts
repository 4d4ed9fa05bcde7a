import { NonRetriableError } from '@lading/errors';
import { matchesFilter, redriveHeaders, type DeadLetter } from './dead-letters';
import { backoffDelay, causeHeaders, deadLetterTopicOf } from './failure';
import { childTraceparent, Headers, headerText, metaHeaders, parseTraceparent } from './headers';

describe('failure path', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it('names the dead-letter topic by source topic', () => {
    expect(deadLetterTopicOf('tms.shipment-events.v1')).toBe('tms.shipment-events.v1.dlq');
  });

  it('keeps the original headers and adds the cause', () => {
    const original = { [Headers.eventId]: 'evt-1', [Headers.tenantId]: 'acme' };
    const headers = causeHeaders(original, { topic: 't', partition: 2, offset: '41', groupId: 'g' }, {
      error: new NonRetriableError('bad tenant', 'TENANT_MISMATCH'),
      attempts: 1,
      firstFailedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    expect(headers).toMatchObject({
      ...original,
      [Headers.originalTopic]: 't',
      [Headers.originalPartition]: '2',
      [Headers.originalOffset]: '41',
      [Headers.consumerGroup]: 'g',
      [Headers.errorClass]: 'NonRetriableError',
      [Headers.errorCode]: 'TENANT_MISMATCH',
      [Headers.errorMessage]: 'bad tenant',
      [Headers.attempts]: '1',
      [Headers.firstFailedAt]: '2026-01-02T03:04:05.000Z',
    });
  });

  it('restores the original headers on re-drive, keeping the event id', () => {
    const letter = {
      headers: { [Headers.eventId]: 'evt-9', [Headers.errorCode]: 'X', [Headers.originalTopic]: 't', [Headers.attempts]: '3' },
    } as unknown as DeadLetter;
    const headers = redriveHeaders(letter, new Date(0));
    expect(headers).toEqual({ [Headers.eventId]: 'evt-9', [Headers.redrivenAt]: '1970-01-01T00:00:00.000Z' });
  });

  it('filters dead letters by type, tenant and time', () => {
    const letter = { recordType: 'a.B', tenantId: 'acme', deadLetteredAt: '2026-01-01T10:00:00.000Z', partition: 0, offset: '1' } as DeadLetter;
    expect(matchesFilter(letter, { recordType: 'a.B', tenantId: 'acme' })).toBe(true);
    expect(matchesFilter(letter, { tenantId: 'other' })).toBe(false);
    expect(matchesFilter(letter, { since: Date.parse('2026-01-01T09:00:00Z'), until: Date.parse('2026-01-01T11:00:00Z') })).toBe(true);
    expect(matchesFilter(letter, { since: Date.parse('2026-01-01T10:00:01Z') })).toBe(false);
  });
});

describe('headers', () => {
  it('continues the caller trace in a new span, or starts a sampled trace', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const child = parseTraceparent(childTraceparent(parent));
    expect(child?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child?.spanId).not.toBe('00f067aa0ba902b7');
    expect(parseTraceparent(childTraceparent())?.flags).toBe('01');
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
  });

  it('gives every record its own valid ids, across refills of the random pool', () => {
    // 3,000 traces of 24 random bytes each: the 4 KiB pool is refilled many times over
    const made = Array.from({ length: 3000 }, () => childTraceparent());
    const parsed = made.map((t) => parseTraceparent(t));
    expect(parsed.every((t) => t !== undefined)).toBe(true);
    expect(new Set(parsed.map((t) => t!.traceId)).size).toBe(3000);
    expect(new Set(parsed.map((t) => t!.spanId)).size).toBe(3000);
  });

  it('puts meta into headers, omitting a null causation id', () => {
    const headers = metaHeaders('com.lading.X', { eventId: 'e', tenantId: 't', correlationId: 'c', causationId: null, occurredAt: 5, sourceSystem: 'erp', schemaVersion: 1 }, 'tp');
    expect(headerText(headers, Headers.occurredAt)).toBe('5');
    expect(headers[Headers.causationId]).toBeUndefined();
    expect(headerText(headers, Headers.recordType)).toBe('com.lading.X');
  });
});
