import { describeJobsSuite } from './jobs/driver-suite';

// Waits are for events and fail only on a hang (test/jobs/waiting.ts); this is the last resort.
jest.setTimeout(30 * 60_000);

describeJobsSuite('bullmq');
