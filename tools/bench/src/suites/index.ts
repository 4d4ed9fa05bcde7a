import type { BenchSuite } from '../main';

/** Every benchmark suite, by the name given to `npm run bench -- <name>`. */
export const suites: BenchSuite[] = [];
