const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest starts the files it knows to be slow first (from its timing cache), so no worker is left
 * with a long one at the end. A clean clone (CI) has no cache, and Jest then orders by file size,
 * which puts the two jobs suites (tiny files, minutes each) last. These estimates, in seconds
 * measured on the CI machine kind, stand in until the cache has real times; every other file
 * counts its size as a guess.
 */
const KNOWN_SECONDS = {
  'jobs-bullmq.e2e-spec.ts': 270,
  'jobs-in-process.e2e-spec.ts': 150,
  // Three APIs and two workers; waits for two ticks of a one-minute schedule.
  'many-processes.e2e-spec.ts': 200,
  'web-usage-three-agencies.e2e-spec.ts': 45,
  'tenancy.e2e-spec.ts': 50,
  'startup.e2e-spec.ts': 30,
  'payments-concurrency.e2e-spec.ts': 20,
};

class SlowFirstSequencer extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const name = test.path.split('/').pop();
    if (name in KNOWN_SECONDS) return KNOWN_SECONDS[name] * 1000;
    // About a second of run time per 2 kB of test file, the rough ratio of the files above.
    return (test.context.hasteFS.getSize(test.path) ?? 0) / 2;
  }
}

module.exports = SlowFirstSequencer;
