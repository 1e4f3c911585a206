import {
  Check,
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
 * The single-use secret of an emailed account link: verify an email (24 h) or reset a password
 * (1 h). Global, like invitations: whoever follows it is not signed in. Stored as sha256, and
 * null until the job that emails the link mints it (AccountEmailHandler).
 */
@Entity({ name: 'user_account_tokens' })
@Unique('UQ_user_account_tokens_token_hash', ['tokenHash'])
@Index('IDX_user_account_tokens_user_id', ['userId'])
@Check('CHK_user_account_tokens_purpose', `"purpose" IN ('verify_email', 'reset_password')`)
export class UserAccountToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_user_account_tokens' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_account_tokens_user' })
  user?: User;

  @Column({ type: 'text' })
  purpose: 'verify_email' | 'reset_password';

  @Column({ name: 'token_hash', type: 'text', nullable: true })
  tokenHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when used, or when a newer link of the same purpose replaces it. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
