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
  // Root options: Jest ignores these inside a project.
  // A safety net against a hang, not a deadline: on a busy machine a test is slow, not wrong.
  // Tests wait for events (test/jobs/waiting.ts), never for a time.
  testTimeout: 10 * 60_000,
  // Integration files spend much of their time waiting on PostgreSQL, Redis and child
  // processes: three workers keep two cores busy (Jest's default on 2 cores is one, in band).
  // Each worker is replaced once it holds over 1 GB after a file (every file loads the whole
  // app into a fresh module registry, and a long-lived heap makes each GC slower).
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 3,
  workerIdleMemoryLimit: '1GB',
  testSequencer: '<rootDir>/jest.sequencer.js',
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
