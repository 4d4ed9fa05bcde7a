export * from './api-keys';
export * from './tenant.guard';
export * from './site-directory';
