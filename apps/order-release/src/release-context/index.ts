export * from './schema';
export * from './snapshot.sql';
export * from './facts.sql';
export * from './decisions.sql';
export * from './warehouse.sql';
export * from './held-orders.sql';
export * from './sweep.sql';
