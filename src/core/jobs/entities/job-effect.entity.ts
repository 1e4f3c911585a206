import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Agency } from '../../../agencies/entities/agency.entity';

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

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_job_effects_agency' })
  agency?: Agency;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
