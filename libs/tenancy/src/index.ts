export * from './api-keys';
export * from './tenant.guard';
