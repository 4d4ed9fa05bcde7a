import type { BenchSuite } from '../main';
import { eventStoreSuite } from './event-store';
import { messagingSuite } from './messaging';
import { orderReleaseSuite } from './order-release';
import { serdeSuite } from './serde';

/** Every benchmark suite, by the name given to `npm run bench -- <name>`. */
export const suites: BenchSuite[] = [eventStoreSuite, messagingSuite, orderReleaseSuite, serdeSuite];
