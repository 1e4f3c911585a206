import { DomainError, NotFoundError } from '../errors/domain-error';

/** Boot-time: the job catalog and the handlers disagree (a programming error, stops boot). */
export class JobRegistryError extends Error {
  override name = 'JobRegistryError';
}

export class UndefinedJobError extends DomainError {
  constructor(name: string) {
    super('job.undefined', 500, `No job named "${name}" is defined.`, { job: name });
  }
}

export class JobAgencyMismatchError extends DomainError {
  constructor() {
    super(
      'job.agency_mismatch',
      500,
      'A job payload names a different agency than the transaction it is enqueued in.',
    );
  }
}

export class JobNotFoundError extends NotFoundError {
  constructor() {
    super('job', 'job.not_found');
  }
}

export class JobNotDeadError extends DomainError {
  constructor(state: string) {
    super(
      'job.not_dead_lettered',
      409,
      `Only dead-lettered jobs can be retried (this one is ${state}).`,
      {
        state,
      },
    );
  }
}

export class ScheduleRegistryError extends Error {
  override name = 'ScheduleRegistryError';
}
