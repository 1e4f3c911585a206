import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import type { FormDefinition } from '../forms/form-definition';
import type { BudgetRules, Eligibility, RequiredAttachment, Rubric } from '../program-settings';

/** The non-confidential definition of a shared program: what another agency may clone. */
export interface TemplateDefinition {
  description: string;
  eligibility: Eligibility;
  form: FormDefinition | null;
  requiredAttachments: RequiredAttachment[];
  budgetRules: BudgetRules;
  rubric: Rubric | null;
  allowMultipleApplications: boolean;
}

/**
 * A snapshot of a program its agency chose to share. The one deliberate crossing of the tenant
 * wall: NOT a tenant table (no agency_id; `source_agency_id` says who shared it), readable by
 * every agency, writable by row-level security only in the sharing agency's own context. It holds
 * the definition (form, rules, rubric), never applications, money figures, dates or people.
 */
@Entity({ name: 'program_templates' })
@Unique('UQ_program_templates_source', ['sourceAgencyId', 'sourceProgramId'])
@Index('IDX_program_templates_shared_at', ['sharedAt', 'id'])
export class ProgramTemplate {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_program_templates' })
  id: string;

  @Column({ name: 'source_agency_id', type: 'uuid' })
  sourceAgencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'source_agency_id', foreignKeyConstraintName: 'FK_program_templates_agency' })
  sourceAgency?: Agency;

  @Column({ name: 'source_agency_code', type: 'text' })
  sourceAgencyCode: string;

  @Column({ name: 'source_program_id', type: 'uuid' })
  sourceProgramId: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'funding_source', type: 'text', nullable: true })
  fundingSource: string | null;

  @Column({ name: 'assistance_listing_number', type: 'text', nullable: true })
  assistanceListingNumber: string | null;

  @Column({ name: 'assistance_listing_title', type: 'text', nullable: true })
  assistanceListingTitle: string | null;

  @Column({ type: 'jsonb' })
  definition: TemplateDefinition;

  @CreateDateColumn({ name: 'shared_at', type: 'timestamptz' })
  sharedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
