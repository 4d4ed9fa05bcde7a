export * from './facts';
export * from './random';
export * from './world';
export * from './erp';
export * from './wms';
