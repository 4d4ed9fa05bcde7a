#!/usr/bin/env node
// Entry point for `npm run codegen|codegen:check|schemas:register|schemas:check|topics:create`.
require('@swc-node/register');
require('../src/cli').main(process.argv.slice(2));
