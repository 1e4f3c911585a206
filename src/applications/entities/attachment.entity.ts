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
import { Application } from './application.entity';

/**
 * A file uploaded to an application. The bytes live in ObjectStorage under a generated key;
 * the client's filename is kept only for display and download. Rows are never deleted (a
 * submitted version may refer to them): removing one from a draft sets `removed_at`.
 */
@Entity({ name: 'application_attachments' })
@Index('IDX_application_attachments_application', ['agencyId', 'applicationId', 'createdAt'])
export class Attachment {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_application_attachments',
  })
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_application_attachments_agency' })
  agency?: Agency;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_application_attachments' })
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => Application)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_application_attachments_application',
    },
    {
      name: 'application_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_application_attachments_application',
    },
  ])
  application?: Application;

  /** Which required attachment of the program this satisfies, if any. */
  @Column({ name: 'requirement_key', type: 'text', nullable: true })
  requirementKey: string | null;

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

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
