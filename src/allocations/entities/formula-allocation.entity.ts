import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Organization } from '../../organizations/entities/organization.entity';
import type { AllocationConstraint } from '../formula-allocation';
import { AllocationRun } from './allocation-run.entity';

/** One organization's allocation in a run (tenant-owned, written once with its run). */
@Entity({ name: 'formula_allocations' })
@Unique('UQ_formula_allocations_organization', ['agencyId', 'runId', 'organizationId'])
@Index('IDX_formula_allocations_organization', ['agencyId', 'organizationId', 'programId'])
export class FormulaAllocation {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_allocations',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_formula_allocations' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_formula_allocations_agency' })
  agency?: Agency;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @ManyToOne(() => AllocationRun)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_formula_allocations_run',
    },
    {
      name: 'run_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_formula_allocations_run',
    },
  ])
  run?: AllocationRun;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_formula_allocations_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_formula_allocations_organization',
    },
  ])
  organization?: Organization;

  @Column({ type: 'text' })
  identifier: string;

  @Column({ name: 'weighted_count', type: 'text' })
  weightedCount: string;

  @Column({ name: 'proportional_share', type: 'numeric', precision: 14, scale: 2 })
  proportionalShare: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ name: 'applied_constraint', type: 'text', nullable: true })
  appliedConstraint: AllocationConstraint | null;
}
