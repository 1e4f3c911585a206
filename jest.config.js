/** Two projects: `unit` (fast, beside the code) and `integration` (real PostgreSQL, in test/). */
const transform = { '^.+\\.ts$': ['@swc/jest'] };

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
