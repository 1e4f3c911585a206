import { SetMetadata } from '@nestjs/common';
import { JobName } from './job-types';

export const HANDLES_JOB = 'gc:handles-job';

/**
 * Marks a provider as the handler of one job name. The class implements JobHandler<N>; the
 * registry finds it at boot (it must be a provider of some imported module).
 */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(HANDLES_JOB, name);
