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
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Organization } from './organization.entity';
import type { DocumentKind } from '../documents/document-kinds';

/**
 * A file in an organization's document library. The bytes live in ObjectStorage under a
 * generated key; the client's filename is kept for display only. Replacing the file keeps the
 * row (and its id) and bumps `version`; removing sets `removed_at`.
 */
@Entity({ name: 'organization_documents' })
@Index('IDX_organization_documents_organization', ['agencyId', 'organizationId', 'createdAt'])
@Index('IDX_organization_documents_expiry', ['agencyId', 'expiresOn'])
@Check(
  'CHK_organization_documents_kind',
  `"kind" IN ('single_audit_report', 'assurances', 'indirect_cost_rate_agreement', 'board_approval', 'other')`,
)
export class OrganizationDocument {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_organization_documents',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_organization_documents' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_organization_documents_agency' })
  agency?: Agency;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_organization_documents_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_organization_documents_organization',
    },
  ])
  organization?: Organization;

  @Column({ type: 'text' })
  kind: DocumentKind;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  filename: string;

  /** The type found in the content (magic bytes), not what the client claimed. */
  @Column({ name: 'content_type', type: 'text' })
  contentType: string;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes: string;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  /** A calendar date (YYYY-MM-DD) in the agency's time zone; null when it never expires. */
  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn: string | null;

  /** The nearest expiry reminder already sent for this expiry date (days before). */
  @Column({ name: 'reminded_days', type: 'integer', nullable: true })
  remindedDays: number | null;

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
