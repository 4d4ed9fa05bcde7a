export * from './code-sets/milestones';
export * from './code-sets/code-set';
export * from './code-sets/scan-time';
export * from './code-sets/x12-214';
export * from './code-sets/parcel-json';
export * from './code-sets/registry';
