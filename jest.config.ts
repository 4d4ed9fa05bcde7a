/** @jest-config-loader-options {"transpileOnly": true} */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

/** Every project (infra, libs, apps, tools) brings its own jest.config.ts on jest.preset.js. */
// libs/<name> or libs/<service>/<layer> (e.g. libs/order-release/domain).
function projectsIn(folder: string, depth = 2): string[] {
  const root = join(__dirname, folder);
  if (!existsSync(root) || depth === 0) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
    .flatMap((entry) => {
      const dir = join(root, entry.name);
      return existsSync(join(dir, 'jest.config.ts')) ? [dir] : projectsIn(join(folder, entry.name), depth - 1);
    });
}

const config: Config = {
  projects: [join(__dirname, 'infra'), ...['libs', 'apps', 'tools'].flatMap((folder) => projectsIn(folder))],
  // Two cores: more workers only fight over them with Kafka and the JVMs.
  maxWorkers: 2,
  // A global option (ignored in project configs): integration tests wait on real brokers,
  // and their own helpers bound every wait.
  testTimeout: 60_000,
};

export default config;
