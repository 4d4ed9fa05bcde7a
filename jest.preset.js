/**
 * Shared by every project's jest.config.ts. Tests are tiered by suffix:
 *   *.unit.spec.ts  pure, no I/O        *.int.spec.ts  real Kafka / registry / PostgreSQL
 *   *.e2e.spec.ts   whole services
 * Types are checked by `npm run typecheck`, not here: swc only strips them (4x faster cold).
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
};
