import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Program } from '../../programs/entities/program.entity';
import type { FormulaConfig } from '../formula-allocation';
import { FormulaInputSet } from './formula-input-set.entity';

export type AllocationRunStatus = 'computed' | 'preliminary' | 'final' | 'superseded';

/**
 * One computation of a formula program's allocations from an input set and the configuration
 * as it was (snapshotted). Published preliminary, revised by a later run, published final once.
 */
@Entity({ name: 'allocation_runs' })
@Unique('UQ_allocation_runs_number', ['agencyId', 'programId', 'number'])
@Index('UQ_allocation_runs_final', ['agencyId', 'programId'], {
  unique: true,
  where: `"status" = 'final'`,
})
@Check(
  'CHK_allocation_runs_status',
  `"status" IN ('computed', 'preliminary', 'final', 'superseded')`,
)
export class AllocationRun {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_allocation_runs',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_allocation_runs' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_allocation_runs_agency' })
  agency?: Agency;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_allocation_runs_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_allocation_runs_program',
    },
  ])
  program?: Program;

  @Column({ type: 'integer' })
  number: number;

  @Column({ name: 'input_set_id', type: 'uuid' })
  inputSetId: string;

  @ManyToOne(() => FormulaInputSet)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_allocation_runs_input_set',
    },
    {
      name: 'input_set_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_allocation_runs_input_set',
    },
  ])
  inputSet?: FormulaInputSet;

  @Column({ type: 'text', default: 'computed' })
  status: AllocationRunStatus;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  funds: string;

  @Column({ type: 'jsonb' })
  config: FormulaConfig;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  allocated: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  unallocated: string;

  @Column({ name: 'computed_by', type: 'uuid', nullable: true })
  computedBy: string | null;

  @CreateDateColumn({ name: 'computed_at', type: 'timestamptz', precision: 3 })
  computedAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy: string | null;
}
