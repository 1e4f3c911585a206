/** Two projects: `unit` (fast, beside the code) and `integration` (real PostgreSQL, in test/). */
const { readFileSync } = require('node:fs');
const swcrc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));

/** The build's own SWC settings (.swcrc: one entry for .ts, one for .tsx pages), per pattern. */
const settingsFor = (test) => {
  // eslint-disable-next-line no-unused-vars
  const { test: _, $schema, ...options } = swcrc.find((entry) => entry.test === test);
  return ['@swc/jest', { ...options, swcrc: false }];
};
const transform = {
  '^.+\\.ts$': settingsFor('\\.ts$'),
  '^.+\\.tsx$': settingsFor('\\.tsx$'),
};

module.exports = {
  // A root option: Jest ignores testTimeout inside a project. Integration tests boot the whole app.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
