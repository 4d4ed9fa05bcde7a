#!/usr/bin/env node
// `npm run lading -- <group> <command> ...`: the operator CLI (DLQ re-drive, projections, ...).
require('@swc-node/register');
require('../src/main').main(process.argv.slice(2));
