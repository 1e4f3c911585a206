import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Application } from './application.entity';

export interface SubmittedBudgetLine {
  functionCode: string;
  objectCode: string;
  description: string;
  amount: string;
  indirect: boolean;
}

export interface SubmittedAttachment {
  id: string;
  requirementKey: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * One submitted version of an application: immutable (the app role may only INSERT and SELECT,
 * and a trigger refuses UPDATE and DELETE for everyone). It carries the certification: who
 * certified, when, from which address, and the statement they certified.
 */
@Entity({ name: 'application_submissions' })
@Unique('UQ_application_submissions_number', ['agencyId', 'applicationId', 'number'])
export class Submission {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_application_submissions',
  })
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_application_submissions_agency' })
  agency?: Agency;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_application_submissions' })
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => Application)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_application_submissions_application',
    },
    {
      name: 'application_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_application_submissions_application',
    },
  ])
  application?: Application;

  @Column({ type: 'integer' })
  number: number;

  @Column({ name: 'form_version', type: 'integer' })
  formVersion: number;

  @Column({ name: 'project_title', type: 'text', nullable: true })
  projectTitle: string | null;

  @Column({ name: 'amount_requested', type: 'numeric', precision: 14, scale: 2 })
  amountRequested: string;

  @Column({ type: 'jsonb' })
  answers: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  budget: SubmittedBudgetLine[];

  @Column({ type: 'jsonb' })
  attachments: SubmittedAttachment[];

  @Column({ name: 'certified_by', type: 'uuid' })
  certifiedBy: string;

  @Column({ name: 'certifier_name', type: 'text' })
  certifierName: string;

  @Column({ name: 'certifier_title', type: 'text' })
  certifierTitle: string;

  @Column({ name: 'certification_statement', type: 'text' })
  certificationStatement: string;

  @Column({ name: 'certified_at', type: 'timestamptz' })
  certifiedAt: Date;

  @Column({ name: 'certified_ip', type: 'text', nullable: true })
  certifiedIp: string | null;

  /** sha256 of the canonical JSON of what was submitted, for later proof it is unchanged. */
  @Column({ name: 'content_sha256', type: 'text' })
  contentSha256: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
