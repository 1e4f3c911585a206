/** The jobs kernel's public surface for domain modules. */
export { HandlesJob } from './handles-job.decorator';
export { JobQueue } from './job-queue';
export type { EnqueueOptions } from './job-queue';
export { JobScheduler } from './job-scheduler';
export type { ScheduleContext, ScheduleHandler } from './job-scheduler';
export { PermanentJobError } from './job-executor';
export { defineJob } from './job-types';
export type {
  JobContext,
  JobHandler,
  JobPayload,
  JobPayloads,
  TenantJobPayload,
} from './job-types';
