/** @jest-config-loader-options {"transpileOnly": true} */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

/** Every project (infra, libs, apps, tools) brings its own jest.config.ts on jest.preset.js. */
function projectsIn(folder: string): string[] {
  const root = join(__dirname, folder);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'jest.config.ts')));
}

const config: Config = {
  projects: [join(__dirname, 'infra'), ...['libs', 'apps', 'tools'].flatMap(projectsIn)],
  // Two cores: more workers only fight over them with Kafka and the JVMs.
  maxWorkers: 2,
};

export default config;
