/**
 * The bench's own checks (`npm run bench:check`, run first by `npm run bench`): the scale seed and
 * every scenario against the real app at a tiny size, on the integration tests' database setup.
 * Not in `npm test`: they test the benchmark's code, which the suite does not need to wait for.
 */
const { projects } = require('./jest.config');

module.exports = {
  testTimeout: 10 * 60_000,
  testEnvironment: 'node',
  // The suite's own SWC settings (one per extension, from .swcrc).
  transform: projects[0].transform,
  testMatch: ['<rootDir>/bench/checks/**/*.check.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
