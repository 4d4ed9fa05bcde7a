import type { BenchSuite } from '../main';
import { eventStoreSuite } from './event-store';

/** Every benchmark suite, by the name given to `npm run bench -- <name>`. */
export const suites: BenchSuite[] = [eventStoreSuite];
