import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Program } from '../../programs/entities/program.entity';
import { AGGREGATION_METHODS, type AggregationMethod } from '../scoring/panel-scoring';

/**
 * A program's review and decision settings (tenant-owned). Absent or null fields fall back to
 * the agency's review defaults. `decisionsReleasedAt` marks the one moment all decisions of the
 * program became visible to applicants.
 */
@Entity({ name: 'program_review_settings' })
@Check(
  'CHK_program_review_settings_aggregation',
  `"aggregation" IS NULL OR "aggregation" IN (${AGGREGATION_METHODS.map((m) => `'${m}'`).join(', ')})`,
)
export class ProgramReviewSettings {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_program_review_settings',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'program_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_program_review_settings',
  })
  programId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_program_review_settings_agency' })
  agency?: Agency;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_program_review_settings_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_program_review_settings_program',
    },
  ])
  program?: Program;

  @Column({ type: 'text', nullable: true })
  aggregation: AggregationMethod | null;

  @Column({
    name: 'outlier_threshold_points',
    type: 'numeric',
    precision: 6,
    scale: 2,
    nullable: true,
  })
  outlierThresholdPoints: string | null;

  /** Offer the first application that no longer fits what is left of the funds. */
  @Column({ name: 'allow_partial_award', type: 'boolean', default: false })
  allowPartialAward: boolean;

  @Column({ name: 'decisions_released_at', type: 'timestamptz', nullable: true })
  decisionsReleasedAt: Date | null;

  @Column({ name: 'decisions_released_by', type: 'uuid', nullable: true })
  decisionsReleasedBy: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
