import type { BenchSuite } from '../main';
import { serdeSuite } from './serde';

/** Every benchmark suite, by the name given to `npm run bench -- <name>`. */
export const suites: BenchSuite[] = [serdeSuite];
