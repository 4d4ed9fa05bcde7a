import type { BenchSuite } from '../main';
import { messagingSuite } from './messaging';
import { serdeSuite } from './serde';

/** Every benchmark suite, by the name given to `npm run bench -- <name>`. */
export const suites: BenchSuite[] = [messagingSuite, serdeSuite];
