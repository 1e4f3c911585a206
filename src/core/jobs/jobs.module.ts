import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetters } from './dead-letters.service';
import { JobExecutor } from './job-executor';
import { JobHousekeeping } from './job-housekeeping';
import { JobQueue } from './job-queue';
import { JobHandlerRegistry } from './job-registry';
import { JobScheduler } from './job-scheduler';
import { JobsAdminController } from './jobs-admin.controller';
import { JobsRuntime } from './jobs-runtime';
import { QueueDashboard } from './queue-dashboard';
import { TimePartitions } from './time-partitions';

/**
 * Background work (kernel): the outbox (JobQueue), handlers (@HandlesJob), schedules
 * (JobScheduler), the relay and its two drivers, dead letters and the queue dashboard.
 * Global so every domain module can enqueue and register without importing it.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [JobsAdminController],
  providers: [
    JobQueue,
    JobHandlerRegistry,
    JobExecutor,
    JobScheduler,
    JobsRuntime,
    DeadLetters,
    QueueDashboard,
    JobHousekeeping,
    TimePartitions,
  ],
  exports: [JobQueue, JobScheduler],
})
export class JobsModule {}
