import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Program } from '../../programs/entities/program.entity';

/** One accepted upload of formula inputs (tenant-owned, never edited: a revision is a new upload). */
@Entity({ name: 'formula_input_sets' })
@Index('IDX_formula_input_sets_program', ['agencyId', 'programId', 'uploadedAt'])
export class FormulaInputSet {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_formula_input_sets',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_formula_input_sets' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_formula_input_sets_agency' })
  agency?: Agency;

  @Column({ name: 'program_id', type: 'uuid' })
  programId: string;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_formula_input_sets_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_formula_input_sets_program',
    },
  ])
  program?: Program;

  @Column({ type: 'text', nullable: true })
  filename: string | null;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'row_count', type: 'integer' })
  rowCount: number;

  @Column({ name: 'factor_names', type: 'text', array: true })
  factorNames: string[];

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @CreateDateColumn({ name: 'uploaded_at', type: 'timestamptz', precision: 3 })
  uploadedAt: Date;
}
