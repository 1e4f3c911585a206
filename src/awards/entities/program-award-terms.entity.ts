import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Program } from '../../programs/entities/program.entity';

/**
 * A program's award terms that only the finance side needs: whether unspent funds carry over
 * into the next year's award and the cap (Title I-A: 15% of the award).
 */
@Entity({ name: 'program_award_terms' })
export class ProgramAwardTerms {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_program_award_terms',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'program_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_program_award_terms',
  })
  programId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_program_award_terms_agency' })
  agency?: Agency;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_program_award_terms_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_program_award_terms_program',
    },
  ])
  program?: Program;

  @Column({ name: 'carryover_allowed', type: 'boolean', default: false })
  carryoverAllowed: boolean;

  /** Percent of the award that may carry over ("15.00"); null = no cap beyond the unspent balance. */
  @Column({
    name: 'carryover_cap_percent',
    type: 'numeric',
    precision: 5,
    scale: 2,
    nullable: true,
  })
  carryoverCapPercent: string | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
