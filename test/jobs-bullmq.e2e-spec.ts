import { describeJobsSuite } from './jobs/driver-suite';

jest.setTimeout(120_000);

describeJobsSuite('bullmq');
