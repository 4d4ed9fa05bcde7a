const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

/**
 * Module boundaries on two tag axes (see ../shared/STYLE.md):
 *   scope:<service>|shared — a scope sees itself and shared; services meet only through contracts.
 *   type:app|domain|infra|contracts|util|testing — domain code stays pure.
 */
const domainBans = ['@nestjs/*', 'kafkajs', 'pg', 'typeorm', 'avsc', 'prom-client', '@kafkajs/*', 'node:fs', 'node:net', 'node:http'];

module.exports = [
  { ignores: ['**/node_modules/**', '**/dist/**', '.lading/**', '.nx/**', 'coverage/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:order-release', onlyDependOnLibsWithTags: ['scope:order-release', 'scope:shared'] },
            { sourceTag: 'scope:shipment-planning', onlyDependOnLibsWithTags: ['scope:shipment-planning', 'scope:shared'] },
            { sourceTag: 'scope:visibility', onlyDependOnLibsWithTags: ['scope:visibility', 'scope:shared'] },
            { sourceTag: 'scope:returns', onlyDependOnLibsWithTags: ['scope:returns', 'scope:shared'] },
            { sourceTag: 'scope:analytics', onlyDependOnLibsWithTags: ['scope:analytics', 'scope:shared'] },
            { sourceTag: 'scope:simulator', onlyDependOnLibsWithTags: ['scope:simulator', 'scope:shared'] },
            // end-to-end tests start whole services side by side, and nothing depends on them
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['*'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:contracts', 'type:testing'],
              bannedExternalImports: domainBans,
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // adapters may use pure domain code (the shared calendar, units): the dependency points inwards
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:contracts', 'type:util', 'type:infra'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:contracts', 'type:util', 'type:testing'] },
          ],
        },
      ],
    },
  },
];
