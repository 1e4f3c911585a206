import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * pending: waiting to be published (or to be retried after run_after).
 * published: handed to a driver (BullMQ or the in-process runner) until leased_until.
 * done: the handler committed. dead: out of attempts, waiting for an operator.
 */
export type OutboxJobState = 'pending' | 'published' | 'done' | 'dead';

/**
 * One job, written in the business transaction that caused it (the transactional outbox). The
 * row, not Redis, is the source of truth: it is marked done in the handler's own transaction.
 * Tenant-owned; the relay reaches every agency's rows only through the SECURITY DEFINER
 * functions of migration 1764330000000-Jobs.
 */
@Entity({ name: 'jobs_outbox' })
@Check('CHK_jobs_outbox_state', `"state" IN ('pending', 'published', 'done', 'dead')`)
// Partial indexes written by hand in the migration (TypeORM cannot express them for drift).
@Index('IDX_jobs_outbox_pending', { synchronize: false })
@Index('IDX_jobs_outbox_leased', { synchronize: false })
@Index('IDX_jobs_outbox_dead', { synchronize: false })
export class OutboxJob {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_jobs_outbox' })
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  // No foreign key to agencies (migration 1764405000000): RLS WITH CHECK pins agency_id to the
  // transaction's agency, taken from the agency directory, and agencies are never deleted. The
  // key's FOR KEY SHARE on the one agency row was paid by every write.

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'text', default: 'pending' })
  state: OutboxJobState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts: number;

  @Column({ name: 'run_after', type: 'timestamptz', default: () => 'now()' })
  runAfter: Date;

  @Column({ name: 'leased_until', type: 'timestamptz', nullable: true })
  leasedUntil: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** The request (or job) that enqueued it: one id ties the HTTP log to the job's log lines. */
  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
