import { sleep, type ChaosContext, type ChaosScenario } from './context';
import type { EngineProcess } from './engine';

export const killInstance: ChaosScenario = {
  name: 'sigkill-instance',
  description: 'SIGKILL of one of the two order-release instances under load; the other takes over its partitions (a replacement starts 10 s later)',
  async fault(ctx) {
    const victim = ctx.instances[0];
    const startedAt = Date.now();
    victim.child.kill('SIGKILL');
    await new Promise<void>((done) => (victim.exited ? done() : victim.child.once('exit', () => done())));
    ctx.progress(`${victim.name} killed`);
    const endedAt = Date.now();
    await sleep(10_000);
    const replacement = await ctx.replaceInstance(victim);
    return { startedAt, endedAt, notes: { killed: victim.name, replacement: replacement.name } };
  },
};

/** Whether the instance leads the outbox relay, read from its /metrics (undefined: it does not answer). */
async function leadsRelay(instance: EngineProcess): Promise<boolean | undefined> {
  const metrics = await instance.get('/metrics');
  if (!metrics) return undefined;
  return /^lading_outbox_relay_leader\{[^}]*\} 1$/m.test(metrics.body);
}

async function relayLeader(ctx: ChaosContext): Promise<EngineProcess | undefined> {
  for (const instance of ctx.instances) if (await leadsRelay(instance)) return instance;
  return undefined;
}

/**
 * The relay leader freezes (SIGSTOP) with its database session open — it keeps the advisory
 * lock but makes no progress — and is resumed later. The lease must hand the relay over.
 */
export const freezeRelayLeader: ChaosScenario = {
  name: 'relay-leader-frozen',
  description: 'the instance leading the outbox relay is frozen (SIGSTOP) with its database session open, then resumed (SIGCONT)',
  async fault(ctx) {
    let leader: EngineProcess | undefined;
    for (let i = 0; i < 40 && !leader; i++) {
      leader = await relayLeader(ctx);
      if (!leader) await sleep(500);
    }
    if (!leader) return { startedAt: Date.now(), endedAt: Date.now(), failures: ['no instance reports leading the outbox relay'] };
    const follower = ctx.instances.find((i) => i !== leader)!;
    // frozen for longer than the relay lease, or there is nothing to take over
    const frozenMs = Math.max(ctx.profile.faultSeconds * 1_000, ctx.relayLeaseMs + 10_000);
    const startedAt = Date.now();
    process.kill(leader.child.pid!, 'SIGSTOP');
    ctx.progress(`${leader.name} (relay leader) frozen for ${frozenMs / 1000} s (relay lease ${ctx.relayLeaseMs / 1000} s)`);
    let tookOverAfterMs: number | undefined;
    while (Date.now() - startedAt < frozenMs) {
      if (tookOverAfterMs === undefined && (await leadsRelay(follower))) tookOverAfterMs = Date.now() - startedAt;
      await sleep(500);
    }
    process.kill(leader.child.pid!, 'SIGCONT');
    const endedAt = Date.now();
    const failures = tookOverAfterMs === undefined ? [`${follower.name} did not take the relay over while ${leader.name} was frozen`] : [];
    return { startedAt, endedAt, notes: { frozen: leader.name, tookOver: follower.name, tookOverAfterMs }, failures };
  },
};
