/** Two projects: `unit` (fast, beside the code) and `integration` (real PostgreSQL, in test/). */
const transform = {
  '^.+\\.ts$': ['@swc/jest'],
  'content-disposition/dist/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!.*content-disposition/dist/)'];

module.exports = {
  // A root option: Jest ignores testTimeout inside a project. Integration tests boot the whole app.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
