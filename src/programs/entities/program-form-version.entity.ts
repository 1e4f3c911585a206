import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import type { FormDefinition } from '../forms/form-definition';
import type { JsonSchema } from '../forms/form-compiler';
import { Program } from './program.entity';

/**
 * A published application form: immutable (the app role may only INSERT and SELECT). Editing a
 * published program's form makes the next version; applications keep the version they began on.
 */
@Entity({ name: 'program_form_versions' })
export class ProgramFormVersion {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_program_form_versions',
  })
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_program_form_versions_agency' })
  agency?: Agency;

  @PrimaryColumn({
    name: 'program_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_program_form_versions',
  })
  programId: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_program_form_versions' })
  version: number;

  @ManyToOne(() => Program)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_program_form_versions_program',
    },
    {
      name: 'program_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_program_form_versions_program',
    },
  ])
  program?: Program;

  @Column({ type: 'jsonb' })
  definition: FormDefinition;

  /** The compiled JSON Schema answers are validated against. */
  @Column({ name: 'json_schema', type: 'jsonb' })
  jsonSchema: JsonSchema;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
