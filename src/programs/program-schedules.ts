import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobScheduler } from '../core/jobs';
import { ProgramLifecycle } from './program-lifecycle.service';

export const CLOSE_WINDOWS_SCHEDULE = 'programs.close-windows';

/** Periodic work of the programs module: closing windows whose deadline (plus grace) passed. */
@Injectable()
export class ProgramSchedules implements OnModuleInit {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly lifecycle: ProgramLifecycle,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerSchedule(CLOSE_WINDOWS_SCHEDULE, 60_000, (run) =>
      run.forEachAgency(async () => {
        await this.lifecycle.closeDue();
      }),
    );
  }
}
