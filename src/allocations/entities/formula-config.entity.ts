import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Program } from '../../programs/entities/program.entity';

/**
 * How a formula program shares its funds (tenant-owned): factors with weights, a minimum and a
 * maximum per organization, and a hold-harmless percent of the prior allocation.
 */
@Entity({ name: 'formula_configs' })
export class FormulaConfigRecord {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_configs',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'program_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_configs',
  })
  programId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_formula_configs_agency' })
  agency?: Agency;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_formula_configs_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_formula_configs_program',
    },
  ])
  program?: Program;

  /** Factor name -> weight (decimal string), in CSV column order. */
  @Column({ type: 'jsonb' })
  factors: Record<string, string>;

  @Column({
    name: 'minimum_allocation',
    type: 'numeric',
    precision: 14,
    scale: 2,
    nullable: true,
  })
  minimumAllocation: string | null;

  @Column({
    name: 'maximum_allocation',
    type: 'numeric',
    precision: 14,
    scale: 2,
    nullable: true,
  })
  maximumAllocation: string | null;

  @Column({
    name: 'hold_harmless_percent',
    type: 'numeric',
    precision: 5,
    scale: 2,
    nullable: true,
  })
  holdHarmlessPercent: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
