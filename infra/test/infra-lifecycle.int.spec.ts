import { portOpen } from '../src/processes';
import { isolatedHome, pidRunning } from './infra-cli';

/**
 * Starts a whole second set of infrastructure on its own ports — including a private
 * PostgreSQL cluster, since nothing answers on its port — then stops it and checks that no
 * process and no port of it is left.
 */
describe('lading-infra up / down', () => {
  const ports = { kafka: 39092, registry: 38081, postgres: 55432 };
  const sandbox = isolatedHome(ports);

  afterAll(async () => {
    await sandbox.infra('down').catch(() => undefined);
    sandbox.remove();
  });

  it('starts everything, is a no-op the second time, and down leaves nothing running', async () => {
    const first = await sandbox.infra('up');
    expect(first.stdout).toMatch(/initialising a private PostgreSQL cluster/);
    expect(first.stdout).toMatch(/Kafka\s+127\.0\.0\.1:39092\s+\(started\)/);
    expect(first.stdout).toMatch(/schema registry\s+http:\/\/127\.0\.0\.1:38081\/apis\/ccompat\/v7\s+\(started\)/);

    const second = await sandbox.infra('up');
    expect(second.stdout).toMatch(/everything is already running: nothing to do/);
    expect(second.stdout).not.toMatch(/starting /);

    const status = await sandbox.infra('status');
    expect(status.stdout).toMatch(/Kafka\s+127\.0\.0\.1:39092: up \(started by lading-infra/);

    const pids = [sandbox.record('kafka')?.pid, sandbox.record('schema-registry')?.pid];
    expect(pids.every((pid) => typeof pid === 'number' && pidRunning(pid))).toBe(true);

    const down = await sandbox.infra('down');
    expect(down.stdout).toMatch(/nothing of ours is running/);
    for (const pid of pids) expect(pidRunning(pid as number)).toBe(false);
    for (const port of [ports.kafka, ports.kafka + 1, ports.registry, ports.postgres]) {
      expect({ port, open: await portOpen(port) }).toEqual({ port, open: false });
    }
  }, 300_000);
});
