/**
 * The typed job catalog. Each module declares its jobs by merging into JobPayloads:
 *
 *   declare module '../core/jobs/job-types' {
 *     interface JobPayloads { 'notification.email': EmailJob }
 *   }
 *   export const EMAIL_JOB = defineJob('notification.email', { maxAttempts: 6 });
 *
 * and registers exactly one handler with @HandlesJob('notification.email'). Boot fails when a
 * defined job has no handler or two, or a handler names a job nobody defined.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type JobName = Extract<keyof JobPayloads, string>;

/** Every job runs inside one agency: its payload says which (the tenant is never guessed). */
export interface TenantJobPayload {
  agencyId: string;
}

/** Compile-time wall: a JobPayloads entry without `agencyId: string` fails `tsc` here. */
type EveryPayloadCarriesAgency<T extends { [K in keyof T]: TenantJobPayload }> = T;
export type CheckedJobPayloads = EveryPayloadCarriesAgency<JobPayloads>;

export type JobPayload<N extends JobName> = CheckedJobPayloads[N] & TenantJobPayload;

export interface JobOptions {
  /** Attempts before the job is dead-lettered (default JOB_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /**
   * The handler only writes to the database, in the job's transaction (no email, file or HTTP
   * call). Several such jobs of one agency may then run in one transaction, committed together;
   * if one fails, none commits and each runs again alone. Cuts the per-job transaction cost
   * (begin, tenant, lock, commit) for high-volume jobs.
   */
  batchable?: boolean;
}

export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  options: JobOptions;
}

const catalog = new Map<string, JobDefinition>();

/** Declares a job name (once, at module load). Boot checks every defined name has one handler. */
export function defineJob<N extends JobName>(name: N, options: JobOptions = {}): JobDefinition<N> {
  const existing = catalog.get(name);
  if (existing) return existing as JobDefinition<N>;
  const definition: JobDefinition<N> = { name, options };
  catalog.set(name, definition);
  return definition;
}

export function definedJobs(): JobDefinition[] {
  return [...catalog.values()];
}

export function jobDefinition(name: string): JobDefinition | undefined {
  return catalog.get(name);
}

/** What a handler knows about the run it is in. */
export interface JobContext {
  /** The outbox id (= BullMQ jobId): stable across retries and redeliveries. */
  jobId: string;
  name: string;
  /** 1 on the first run. */
  attempt: number;
  agencyId: string;
  agencyCode: string;
  /**
   * Records a processed-effect key in this job's transaction; false when the key was already
   * recorded (by an earlier delivery of this job, or by another job doing the same thing).
   * Guard effects outside the database (email) with it: at-least-once delivery becomes
   * effectively-once for everything that commits with the key.
   */
  claimEffect(key: string): Promise<boolean>;
  /** claimEffect for many keys in one statement: returns the keys claimed now. */
  claimEffects(keys: string[]): Promise<Set<string>>;
  /** Gives back keys this job claimed, in its transaction (their effect did not happen). */
  releaseEffects(keys: string[]): Promise<void>;
}

export interface JobHandler<N extends JobName = JobName> {
  handle(payload: JobPayload<N>, context: JobContext): Promise<void>;
}
