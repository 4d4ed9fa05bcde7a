import { NonRetriableError } from '@lading/errors';
import { createFailureRouter, createTopicsServed, deadLetterTopicOf, Headers, headerText, messagingTesting } from '@lading/messaging';
import { collectMessages, testKafka, waitForMessages } from '@lading/testing';
import { dlqCommands, parseDlqArgs } from '../src/commands/dlq';

jest.setTimeout(60_000);

describe('lading dlq', () => {
  it('parses filters', () => {
    expect(parseDlqArgs(['list', 'tms.scans.v1', '--type', 'a.B', '--tenant', 'acme', '--since', '2026-01-01T00:00:00Z', '--until', '1767225600000'])).toMatchObject({
      command: 'list',
      topic: 'tms.scans.v1',
      filter: { recordType: 'a.B', tenantId: 'acme', since: Date.parse('2026-01-01T00:00:00Z'), until: 1767225600000 },
    });
    expect(() => parseDlqArgs(['purge', 't'])).toThrow('unknown command');
    expect(() => parseDlqArgs(['list', 't', '--since', 'yesterday'])).toThrow('not a time');
  });

  it('lists, shows and re-drives dead letters of a topic on the real broker', async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const topic = await messagingTesting.createTestTopic(admin, { prefix: 'cli-scans' });
    await createTopicsServed(admin, [{ topic: deadLetterTopicOf(topic), numPartitions: 1 }]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const router = createFailureRouter(producer);
    const letter = (eventId: string, tenantId: string) => ({
      key: Buffer.from(`SHP-${eventId}`),
      value: Buffer.from([0, 0, 0, 0, 1, 42]),
      headers: { [Headers.eventId]: eventId, [Headers.tenantId]: tenantId, [Headers.recordType]: 'com.lading.test.v1.ShipmentScanned' },
      offset: '0',
      timestamp: String(Date.now()),
      attributes: 0,
    });
    const origin = { topic, partition: 0, offset: '7', groupId: 'visibility' };
    const cause = { error: new NonRetriableError('tenant mismatch', 'TENANT_MISMATCH'), attempts: 1, firstFailedAt: Date.now() };
    await router.deadLetter(letter('evt-acme', 'acme'), origin, cause);
    await router.deadLetter(letter('evt-globex', 'globex'), origin, cause);
    await producer.disconnect();

    const lines: string[] = [];
    const out = (line: string) => void lines.push(line);
    expect(await dlqCommands.run(['list', topic, '--tenant', 'acme'], out)).toBe(0);
    expect(lines[0]).toBe(`1 dead letter(s) in ${topic}.dlq`);
    expect(lines[1]).toContain('event=evt-acme');
    expect(lines[1]).toContain('NonRetriableError/TENANT_MISMATCH');

    lines.length = 0;
    expect(await dlqCommands.run(['show', `${topic}.dlq`, '--event', 'evt-globex'], out)).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ eventId: 'evt-globex', consumerGroup: 'visibility', originalOffset: '7', valueBytes: 6 });

    const original = await collectMessages(kafka, topic);
    lines.length = 0;
    expect(await dlqCommands.run(['redrive', topic, '--tenant', 'acme'], out)).toBe(0);
    expect(lines.at(-1)).toBe(`re-drove 1 message(s) to ${topic}`);
    await waitForMessages(original.messages, 1);
    const [redriven] = original.messages;
    expect(headerText(redriven.headers, Headers.eventId)).toBe('evt-acme');
    expect(headerText(redriven.headers, Headers.errorCode)).toBeUndefined();
    expect(headerText(redriven.headers, Headers.redrivenAt)).toBeDefined();
    expect(redriven.value?.equals(Buffer.from([0, 0, 0, 0, 1, 42]))).toBe(true);
    await original.stop();
    await admin.deleteTopics({ topics: [topic, deadLetterTopicOf(topic)] });
    await admin.disconnect();
  });
});
