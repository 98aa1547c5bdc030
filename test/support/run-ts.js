// Runs a TypeScript program under plain Node with the tests' SWC transform (jest-transform.js), so a
// test can start a CLI program (e.g. apps/projections/main.ts) as a child process without a build.
//   node test/support/run-ts.js apps/projections/main.ts --verify
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const transformer = require('./jest-transform.js');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformer.process(readFileSync(filename, 'utf8'), filename);
  module._compile(code, filename);
};

const entry = resolve(process.argv[2]);
process.argv.splice(1, 2, entry);
require(entry);
