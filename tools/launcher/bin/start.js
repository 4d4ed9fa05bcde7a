#!/usr/bin/env node
// `npm start`: the whole engine with a simulated ERP/WMS on local infrastructure.
require('@swc-node/register');
require('../src/start').main(process.argv.slice(2));
