export * from './ports';
export * from './headers';
export * from './logger';
export * from './metrics';
export * from './kafka';
export * from './producer';
export * from './failure';
export * from './context';
export * from './error-filter';
export * from './transport';
export * from './failure-topics';
export * from './topic-admin';
export * from './health';
export * from './dead-letters';
/** Registry-backed serde and a sample record for tests and benchmarks; production uses @lading/schema-registry. */
export * as messagingTesting from './testing';
export * from './acknowledgement';
export * from './producer-recovery';
