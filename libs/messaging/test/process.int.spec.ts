import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitUntil } from '@lading/testing';
import { topicFixture, type TopicFixture } from './harness';

jest.setTimeout(90_000);

const repoRoot = resolve(__dirname, '..', '..', '..');
const fixtureScript = resolve(__dirname, 'fixtures', 'scan-consumer.ts');

interface ConsumerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnConsumer(env: Record<string, string>): ConsumerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', fixtureScript], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

function effectLines(file: string): string[][] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' '))
    : [];
}

describe('consumer processes against the real broker', () => {
  let fixture: TopicFixture;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fixture?.close();
  });

  it('redelivers what a SIGKILLed consumer had in flight and loses nothing', async () => {
    fixture = await topicFixture(3);
    const dir = mkdtempSync(join(tmpdir(), 'lading-sigkill-'));
    const effects = join(dir, 'effects.log');
    const scans = await fixture.publishScans(240, 30);
    const env = { TOPIC: fixture.topic, GROUP: fixture.groupId, EFFECTS_FILE: effects, WORK_MS: '5' };

    const victim = spawnConsumer(env);
    children.push(victim.child);
    await waitUntil('first consumer handling', () => effectLines(effects).length >= 40, { timeoutMs: 60_000 }).catch((e) => {
      throw new Error(`${e.message}\n${victim.output()}`);
    });
    victim.child.kill('SIGKILL');
    await victim.exited;
    const beforeKill = effectLines(effects).length;
    expect(beforeKill).toBeLessThan(scans.length);

    const successor = spawnConsumer(env);
    children.push(successor.child);
    const produced = new Set(scans.map((s) => s.meta.eventId));
    await waitUntil('every scan handled by someone', () => {
      const seen = new Set(effectLines(effects).map(([id]) => id));
      return [...produced].every((id) => seen.has(id));
    }, { timeoutMs: 60_000 });
    // At-least-once: the killed batch's uncommitted tail is handled again (the inbox dedups it).
    const handled = effectLines(effects).map(([id]) => id);
    expect(new Set(handled)).toEqual(produced);
    successor.child.kill('SIGTERM');
    expect(await successor.exited).toBe(0);
  });

  it('commits what was processed and leaves the group on SIGTERM', async () => {
    fixture = await topicFixture(1);
    const dir = mkdtempSync(join(tmpdir(), 'lading-sigterm-'));
    const effects = join(dir, 'effects.log');
    await fixture.publishScans(400, 20);
    const consumer = spawnConsumer({ TOPIC: fixture.topic, GROUP: fixture.groupId, EFFECTS_FILE: effects, WORK_MS: '10' });
    children.push(consumer.child);
    await waitUntil('handling', () => effectLines(effects).length >= 30, { timeoutMs: 60_000 }).catch((e) => {
      throw new Error(`${e.message}\n${consumer.output()}`);
    });
    consumer.child.kill('SIGTERM');
    expect(await consumer.exited).toBe(0);
    expect(consumer.output()).toContain('drained');

    const handled = effectLines(effects);
    // Drained mid-batch: the rest of the 400 is left for the next owner.
    expect(handled.length).toBeLessThan(400);
    const offsets = handled.map(([, , offset]) => Number(offset));
    expect(offsets).toEqual(offsets.map((_, i) => i));
    const [committed] = await fixture.admin.fetchOffsets({ groupId: fixture.groupId, topics: [fixture.topic] });
    expect(Number(committed.partitions[0].offset)).toBe(handled.length);
    const [group] = (await fixture.admin.describeGroups([fixture.groupId])).groups;
    expect(group.members).toHaveLength(0);
  });
});
