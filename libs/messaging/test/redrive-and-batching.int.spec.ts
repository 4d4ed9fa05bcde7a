import { NonRetriableError } from '@lading/errors';
import { deadLetterTopicOf, readDeadLetters, redriveDeadLetters, type UnitOfWork, type UnitOfWorkFactory } from '../src';
import { waitUntil } from '@lading/testing';
import { startScanService, type ScanService } from './scan-service';
import { topicFixture, type TopicFixture } from './harness';

jest.setTimeout(60_000);

const fastRetries = { attempts: 2, initialDelayMs: 5, maxDelayMs: 20, parkForMs: 0 };

describe('re-drive and units of work against the real broker', () => {
  let fixture: TopicFixture;
  const services: ScanService[] = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
    await fixture?.close();
  });

  it('re-drives a dead letter with its event id, and the inbox keeps the effect single', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const scans = await fixture.publishScans(3);
    const broken = scans[1].meta.eventId;
    let fixed = false;
    // Stands in for the event store's inbox: (group, eventId) applied at most once.
    const inbox = new Set<string>();
    const effects: string[] = [];
    services.push(
      await startScanService({
        kafka,
        serde: fixture.serde,
        groupId,
        topics: [topic],
        retry: fastRetries,
        handle: (scan) => {
          if (scan.meta.eventId === broken && !fixed) throw new NonRetriableError('rate card missing for lane', 'NO_RATE_CARD');
          if (inbox.has(scan.meta.eventId)) return;
          inbox.add(scan.meta.eventId);
          effects.push(scan.meta.eventId);
        },
      }),
    );
    await waitUntil('two handled, one dead-lettered', async () => effects.length === 2 && (await readDeadLetters(kafka, deadLetterTopicOf(topic))).length === 1);
    const letters = await readDeadLetters(kafka, deadLetterTopicOf(topic), { recordType: 'com.lading.test.v1.ShipmentScanned', tenantId: 'tenant-acme' });
    expect(letters.map((l) => l.eventId)).toEqual([broken]);
    expect(letters[0].errorCode).toBe('NO_RATE_CARD');

    fixed = true;
    // Re-driving twice (an operator's double click) still applies the event once.
    await redriveDeadLetters(kafka, letters);
    await redriveDeadLetters(kafka, letters);
    await waitUntil('re-driven event applied', () => effects.length === 3);
    await waitUntil('both copies consumed', async () => {
      const [o] = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
      return Number(o.partitions[0].offset) === 5;
    });
    expect(effects).toEqual([scans[0].meta.eventId, scans[2].meta.eventId, broken]);
  });

  it('commits several messages of a partition batch in one unit, and isolates a failing one', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const scans = await fixture.publishScans(50, 5);
    const poison = scans[20].meta.eventId;
    const committed: string[][] = [];
    const units: Array<{ size: number; outcome: string }> = [];
    const factory: UnitOfWorkFactory<UnitOfWork & { staged: string[] }> = {
      maxMessages: 25,
      async begin(scope) {
        const unit = {
          staged: [] as string[],
          async commit() {
            committed.push(unit.staged);
            units.push({ size: scope.size, outcome: 'commit' });
          },
          async rollback() {
            units.push({ size: scope.size, outcome: 'rollback' });
          },
        };
        return unit;
      },
    };
    services.push(
      await startScanService({
        kafka,
        serde: fixture.serde,
        groupId,
        topics: [topic],
        retry: fastRetries,
        unitOfWork: factory,
        handle: (scan, ctx) => {
          if (scan.meta.eventId === poison) throw new NonRetriableError('validation failed', 'VALIDATION');
          ctx.unitOfWorkAs<UnitOfWork & { staged: string[] }>().staged.push(scan.meta.eventId);
        },
      }),
    );
    await waitUntil('all committed', () => committed.flat().length === 49);
    await waitUntil('offsets committed', async () => {
      const [o] = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
      return Number(o.partitions[0].offset) === 50;
    });
    // Every good scan committed exactly once, in partition order.
    expect(committed.flat()).toEqual(scans.map((s) => s.meta.eventId).filter((id) => id !== poison));
    // Multi-message units did commit (the throughput lever), and the failing unit was rolled back and isolated.
    expect(units.some((u) => u.outcome === 'commit' && u.size > 1)).toBe(true);
    expect(units.some((u) => u.outcome === 'rollback' && u.size > 1)).toBe(true);
    const dlq = await readDeadLetters(kafka, deadLetterTopicOf(topic));
    expect(dlq.map((l) => l.eventId)).toEqual([poison]);
  });

  it('given a unit still committing when the lane runs dry, when the next batch arrives meanwhile, then it is handled, not dropped', async () => {
    fixture = await topicFixture(1);
    const { kafka, topic, groupId } = fixture;
    const handled: string[] = [];
    let releaseCommit!: () => void;
    let commitsStarted = 0;
    const factory: UnitOfWorkFactory<UnitOfWork & { staged: string[] }> = {
      maxMessages: 100,
      async begin() {
        const unit = {
          staged: [] as string[],
          async commit() {
            // The first unit commits only after the second batch was fetched and queued.
            if (commitsStarted++ === 0) await new Promise<void>((resolve) => (releaseCommit = resolve));
            handled.push(...unit.staged);
          },
          async rollback() {},
        };
        return unit;
      },
    };
    services.push(
      await startScanService({
        kafka,
        serde: fixture.serde,
        groupId,
        topics: [topic],
        retry: fastRetries,
        unitOfWork: factory,
        handle: (scan, ctx) => {
          ctx.unitOfWorkAs<UnitOfWork & { staged: string[] }>().staged.push(scan.meta.eventId);
        },
      }),
    );
    const first = await fixture.publishScans(5);
    await waitUntil('the first unit is committing', () => commitsStarted === 1);
    const second = await fixture.publishScans(5);
    await waitUntil('the second batch is fetched while the first unit commits', async () => {
      const [service] = services;
      return service.transport.status$().joined && (await fixture.admin.fetchTopicOffsets(topic))[0].high === '10';
    });
    // give the fetch loop time to hand the second batch to the lane
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    releaseCommit();
    await waitUntil('every scan handled', () => handled.length === 10, { timeoutMs: 20_000 });
    expect(handled).toEqual([...first, ...second].map((s) => s.meta.eventId));
    await waitUntil('offsets committed', async () => {
      const [o] = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
      return Number(o.partitions[0].offset) === 10;
    });
  });
});
