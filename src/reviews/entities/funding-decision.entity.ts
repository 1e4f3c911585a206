import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { ReviewCase } from './review-case.entity';

export type DecisionOutcome = 'approved' | 'denied' | 'waitlisted';

/**
 * The funding decision on one application (tenant-owned): the recommendation the ranked list
 * produced (rank, score, explanation, recommended outcome and amount) beside the decision that
 * counts, with the program officer's justification when they differ. Once released it is frozen
 * (a trigger refuses changes to a released row).
 */
@Entity({ name: 'funding_decisions' })
@Unique('UQ_funding_decisions_application', ['agencyId', 'applicationId'])
@Index('IDX_funding_decisions_program_rank', ['agencyId', 'programId', 'rank'])
@Check('CHK_funding_decisions_outcome', `"outcome" IN ('approved', 'denied', 'waitlisted')`)
@Check(
  'CHK_funding_decisions_recommended_outcome',
  `"recommended_outcome" IS NULL OR "recommended_outcome" IN ('approved', 'denied', 'waitlisted')`,
)
@Check(
  'CHK_funding_decisions_amount',
  `("outcome" = 'approved' AND "amount" > 0) OR ("outcome" <> 'approved' AND "amount" = 0)`,
)
export class FundingDecision {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_funding_decisions',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_funding_decisions' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_funding_decisions_agency' })
  agency?: Agency;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ReviewCase)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_funding_decisions_case',
    },
    {
      name: 'application_id',
      referencedColumnName: 'applicationId',
      foreignKeyConstraintName: 'FK_funding_decisions_case',
    },
  ])
  reviewCase?: ReviewCase;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'integer', nullable: true })
  rank: number | null;

  @Column({ name: 'final_score', type: 'numeric', precision: 9, scale: 4, nullable: true })
  finalScore: string | null;

  @Column({ type: 'text', nullable: true })
  method: string | null;

  @Column({ type: 'text', default: '' })
  explanation: string;

  @Column({ name: 'amount_requested', type: 'numeric', precision: 14, scale: 2 })
  amountRequested: string;

  @Column({ name: 'recommended_outcome', type: 'text', nullable: true })
  recommendedOutcome: DecisionOutcome | null;

  @Column({
    name: 'recommended_amount',
    type: 'numeric',
    precision: 14,
    scale: 2,
    nullable: true,
  })
  recommendedAmount: string | null;

  /** The recommendation offered less than requested (the last funded, where allowed). */
  @Column({ type: 'boolean', default: false })
  partial: boolean;

  @Column({ type: 'text' })
  outcome: DecisionOutcome;

  @Column({ type: 'numeric', precision: 14, scale: 2, default: 0 })
  amount: string;

  /** Why the decision differs from the recommendation (required when it does). */
  @Column({ type: 'text', nullable: true })
  justification: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
