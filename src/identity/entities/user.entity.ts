import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A person who signs in. Global (no agency): one person may be staff of several agencies and a
 * member of several applicant organizations. The email is stored normalized (trimmed,
 * lower-case), so the plain unique constraint makes it unique case-insensitively.
 */
@Entity({ name: 'users' })
@Unique('UQ_users_email', ['email'])
@Check('CHK_users_email_normalized', `"email" = lower(btrim("email"))`)
@Check('CHK_users_locale', `"locale" IN ('en', 'es')`)
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_users' })
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  name: string;

  /** argon2id PHC string; null until an invited user sets a password. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  /** The deployment operator: manages agencies, reads no agency's grant data. Not a membership. */
  @Column({ name: 'platform_admin', type: 'boolean', default: false })
  platformAdmin: boolean;

  /** Null from sign-up until the emailed link is followed; admin-created accounts default to now. */
  @Column({
    name: 'email_verified_at',
    type: 'timestamptz',
    nullable: true,
    default: () => 'now()',
  })
  emailVerifiedAt: Date | null;

  /** The saved language of pages and emails ('en' | 'es'); null lets the browser decide. */
  @Column({ type: 'text', nullable: true })
  locale: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
