#!/usr/bin/env node
// `npm run bench -- <suite> [--flags]`: benchmarks, never tests. Results go to bench/results/.
require('@swc-node/register');
// Exit as soon as the suite is done, whatever it left open (see main()).
require('../src/main')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
