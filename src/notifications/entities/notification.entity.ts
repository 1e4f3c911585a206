import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from '../../identity/entities/user.entity';

/**
 * One in-app notification for one user in one agency. Tenant-owned; a second policy lets a user
 * read and mark their own rows from GET /me/notifications, across agencies (app.user_id).
 */
@Entity({ name: 'notifications' })
@Unique('UQ_notifications_agency_id_id', ['agencyId', 'id'])
@Unique('UQ_notifications_dedupe', ['agencyId', 'userId', 'dedupeKey'])
@Index('IDX_notifications_user_created', ['userId', 'createdAt'])
export class Notification {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_notifications' })
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  // No foreign key to agencies (migration 1764405000000): RLS WITH CHECK pins agency_id to the
  // transaction's agency, taken from the agency directory, and agencies are never deleted. The
  // key's FOR KEY SHARE on the one agency row was paid by every write.

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_notifications_user' })
  user?: User;

  @Column({ type: 'text' })
  template: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  /**
   * The template's data, so a page can render the notice in its reader's language (null on
   * rows older than it: those were written in English).
   */
  @Column({ type: 'jsonb', nullable: true })
  data: Record<string, unknown> | null;

  /** A path in the web app the notification points to (e.g. the application). */
  @Column({ type: 'text', nullable: true })
  link: string | null;

  /** Set when the same notice must not be shown twice (a reminder fired by a retried schedule). */
  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey: string | null;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
