#!/usr/bin/env node
// `npm run bench -- <suite> [--flags]`: benchmarks, never tests. Results go to bench/results/.
require('@swc-node/register');
require('../src/main').main(process.argv.slice(2));
