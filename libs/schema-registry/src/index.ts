export * from './errors';
export * from './serde';
export * from './logical-types';
export * from './compatibility';
export * from './registration';
export * from './registry-admin';
export * from './topics';
export * from './schema-set';
export { codegenDrift, runCodegen, generatedFiles, codegenPaths } from './codegen/codegen';
