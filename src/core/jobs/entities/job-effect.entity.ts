import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Processed-effect keys (JobContext.claimEffect): a handler records the key of an effect in the
 * same transaction that marks its job done, so a redelivered or duplicate job skips it.
 */
@Entity({ name: 'job_effects' })
// The daily prune deletes by age within one agency.
@Index('IDX_job_effects_created', ['agencyId', 'createdAt'])
export class JobEffect {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_job_effects' })
  agencyId: string;

  @PrimaryColumn({ name: 'effect_key', type: 'text', primaryKeyConstraintName: 'PK_job_effects' })
  effectKey: string;

  // No foreign key to agencies (migration 1764405000000): RLS WITH CHECK pins agency_id to the
  // transaction's agency, taken from the agency directory, and agencies are never deleted. The
  // key's FOR KEY SHARE on the one agency row was paid by every write.

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
