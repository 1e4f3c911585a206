import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { FormulaInputSet } from './formula-input-set.entity';

/** One organization's counts in an input set, with the CSV line it came from. */
@Entity({ name: 'formula_input_rows' })
export class FormulaInputRow {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_input_rows',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'input_set_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_input_rows',
  })
  inputSetId: string;

  @PrimaryColumn({
    name: 'organization_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_input_rows',
  })
  organizationId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_formula_input_rows_agency' })
  agency?: Agency;

  @ManyToOne(() => FormulaInputSet)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_formula_input_rows_set',
    },
    {
      name: 'input_set_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_formula_input_rows_set',
    },
  ])
  inputSet?: FormulaInputSet;

  @Column({ type: 'integer' })
  line: number;

  @Column({ type: 'text' })
  identifier: string;

  /** Factor name -> whole count as a decimal string (counts can exceed 2^53 in principle). */
  @Column({ type: 'jsonb' })
  factors: Record<string, string>;

  @Column({
    name: 'prior_allocation',
    type: 'numeric',
    precision: 14,
    scale: 2,
    nullable: true,
  })
  priorAllocation: string | null;
}
