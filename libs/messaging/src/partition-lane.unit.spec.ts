import { RetriableError } from '@lading/errors';
import type { KafkaMessage } from 'kafkajs';
import { silentLogger } from './logger';
import type { LaneHost, Prepared } from './message-runner';
import { MessageContext } from './context';
import { PartitionLane } from './partition-lane';
import { defaultRetryPolicy } from './failure';

// The lane's bookkeeping with a scripted host (no broker): what it may commit while a key is
// parked, when it pauses fetching, and that an outage is waited out, never dead-lettered.

const message = (offset: number, key: string): KafkaMessage =>
  ({ offset: String(offset), key: Buffer.from(key), value: Buffer.from(`${key}${offset}`), headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

function scriptedHost(behaviour: (m: KafkaMessage, attempt: number) => unknown, policy: Partial<typeof defaultRetryPolicy> = {}) {
  const calls = { handled: [] as string[], deadLettered: [] as string[], paused: 0, resumed: 0, outagesEntered: 0, outagesLeft: 0 };
  const attempts = new Map<string, number>();
  let closing = false;
  const host: LaneHost = {
    policy: { ...defaultRetryPolicy, initialDelayMs: 1, maxDelayMs: 2, maxParkedDelayMs: 5, outageBackoffMs: 5, maxOutageBackoffMs: 10, ...policy },
    log: silentLogger,
    maxQueued: 100,
    outages: {
      enter: () => void calls.outagesEntered++,
      leave: () => void calls.outagesLeft++,
      size: 0,
    },
    isClosing: () => closing,
    onWake: () => () => undefined,
    pause: () => void calls.paused++,
    resume: () => void calls.resumed++,
    decode: async (topic, partition, m) =>
      ({ message: m, context: new MessageContext(topic, partition, m, 'test.Scan', 1, undefined, 'g', 1, undefined), value: m.value!.toString(), handler: undefined, attempts: 0 }) as Prepared,
    runTogether: async () => 'failed',
    runAlone: async (p) => {
      const id = p.message.value!.toString();
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const error = behaviour(p.message, attempt);
      if (error === undefined) calls.handled.push(id);
      return error;
    },
    deadLetter: async (m) => void calls.deadLettered.push(m.value!.toString()),
  };
  return { host, calls, close: () => (closing = true) };
}

const until = async (what: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('PartitionLane', () => {
  it('given K@10 keeps failing, when L and later K messages arrive, then L flows, K@12 waits behind K@10, and the commit position stays at 10', async () => {
    const { host, calls, close } = scriptedHost((m, attempt) => (m.value!.toString() === 'K10' && attempt <= 6 ? new RetriableError('down', 'X') : undefined), { parkForMs: 60_000 });
    const lane = new PartitionLane('t', 0, 10, host);
    lane.enqueue([message(10, 'K'), message(11, 'L'), message(12, 'K'), message(13, 'L')], '14');
    const running = lane.run();
    await until(() => calls.handled.includes('L13'));
    expect(calls.handled).toEqual(['L11', 'L13']);
    expect(lane.committable()).toBe('10');
    await until(() => calls.handled.length === 4);
    expect(calls.handled).toEqual(['L11', 'L13', 'K10', 'K12']);
    expect(lane.committable()).toBe('14');
    expect(calls.deadLettered).toEqual([]);
    close();
    lane.stop();
    await running;
  });

  it('given parking time is up, then the head and the messages parked behind it are dead-lettered in order, and later messages of the key flow', async () => {
    const { host, calls, close } = scriptedHost((m) => (m.value!.toString() === 'K0' ? new RetriableError('always', 'X') : undefined), { parkForMs: 30 });
    const lane = new PartitionLane('t', 0, 0, host);
    lane.enqueue([message(0, 'K'), message(1, 'K'), message(2, 'K')], '3');
    const running = lane.run();
    await until(() => calls.deadLettered.length === 3);
    expect(calls.deadLettered).toEqual(['K0', 'K1', 'K2']);
    lane.enqueue([message(3, 'K')], '4');
    await until(() => calls.handled.includes('K3'));
    expect(lane.committable()).toBe('4');
    close();
    lane.stop();
    await running;
  });

  it('given more messages parked than a partition may hold, then fetching pauses, and resumes once they are through', async () => {
    const { host, calls, close } = scriptedHost((m, attempt) => (m.value!.toString() === 'K0' && attempt <= 5 ? new RetriableError('down', 'X') : undefined), {
      parkForMs: 60_000,
      maxParkedPerPartition: 4,
    });
    const lane = new PartitionLane('t', 0, 0, host);
    lane.enqueue([0, 1, 2, 3, 4, 5].map((o) => message(o, 'K')), '6');
    const running = lane.run();
    await until(() => calls.paused === 1);
    await until(() => calls.handled.length === 6);
    expect(calls.resumed).toBe(1);
    expect(lane.paused).toBe(false);
    close();
    lane.stop();
    await running;
  });

  it('given an outage (connection refused) for a while, then the partition pauses, the same message is retried until it is over, and nothing is dead-lettered', async () => {
    const outageUntil = Date.now() + 100;
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { host, calls, close } = scriptedHost(() => (Date.now() < outageUntil ? refused : undefined), { attempts: 1, parkForMs: 0 });
    const lane = new PartitionLane('t', 0, 0, host);
    lane.enqueue([message(0, 'K'), message(1, 'L')], '2');
    const running = lane.run();
    await until(() => calls.handled.length === 2);
    expect(calls.handled).toEqual(['K0', 'L1']);
    expect(calls.deadLettered).toEqual([]);
    expect({ entered: calls.outagesEntered, left: calls.outagesLeft, paused: calls.paused, resumed: calls.resumed }).toEqual({ entered: 1, left: 1, paused: 1, resumed: 1 });
    expect(lane.committable()).toBe('2');
    close();
    lane.stop();
    await running;
  });
});
