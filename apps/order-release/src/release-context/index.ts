export * from './schema';
export * from './migrate';
export * from './migrations/1764400000000-order-release-read-models';
export * from './release-read-models';
export * from './release-ledger';
