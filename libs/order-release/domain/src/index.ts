export * from './order-release/order-release';
export * from './order-release/order-release.decide';
export * from './order-release/order-lines';
export * from './order-release/allocation';
export * from './order-release/release-decision';
export * from './order-release/reevaluation';
export * from './site-calendar/site-calendar';
