/** Two projects: `unit` (fast, beside the code) and `integration` (real PostgreSQL, in test/). */
const transform = {
  '^.+\\.ts$': ['@swc/jest'],
  // @fastify/static 10 depends on content-disposition 3, ESM only: Jest on Node < 24.9 cannot
  // require it, so swc compiles it to CommonJS like our own files.
  '/node_modules/content-disposition/.+\\.js$': ['@swc/jest'],
};
const transformIgnorePatterns = ['^(?!.*/node_modules/content-disposition/).*/node_modules/'];

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
