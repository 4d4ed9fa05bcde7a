#!/usr/bin/env node
// `npm run chaos [-- --profile short] [--scenario a,b]`: fault injection against the real engine, never part of npm test.
require('@swc-node/register');
require('../src/chaos/main')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`chaos: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
