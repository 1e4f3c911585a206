// Lets a spawned `node` child run the TypeScript sources directly (as Jest does with @swc/jest),
// so the worker child-process tests need no build step.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const options = JSON.parse(readFileSync(join(__dirname, '..', '..', '.swcrc'), 'utf8'));
delete options.$schema;

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    ...options,
    filename,
    sourceMaps: 'inline',
    swcrc: false,
  });
  module._compile(code, filename);
};
