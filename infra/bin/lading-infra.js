#!/usr/bin/env node
// Entry point for `npm run infra:up|infra:down|infra:status`; the TypeScript runs through swc.
require('@swc-node/register');
require('../src/cli').main(process.argv.slice(2));
