import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from './user.entity';

/**
 * A one-time token that lets an invited user set their first password. Global, like users: the
 * person accepting it is not signed in and is in no agency's context yet. Stored as sha256.
 */
@Entity({ name: 'user_invitations' })
@Unique('UQ_user_invitations_token_hash', ['tokenHash'])
@Index('IDX_user_invitations_user_id', ['userId'])
export class UserInvitation {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_user_invitations' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_invitations_user' })
  user?: User;

  /** Null until the invitation's email job mints the secret (InvitationEmailHandler). */
  @Column({ name: 'token_hash', type: 'text', nullable: true })
  tokenHash: string | null;

  @Column({ name: 'invited_by_user_id', type: 'uuid', nullable: true })
  invitedByUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when accepted, or when a newer invitation for the same user supersedes it. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
