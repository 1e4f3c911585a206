import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from './user.entity';

/**
 * A person's TOTP second factor (RFC 6238). Unconfirmed while enrolment waits for its first code;
 * at most one confirmed per person. The secret is sealed at rest (MfaSecrets).
 */
@Entity({ name: 'mfa_factors' })
@Check('CHK_mfa_factors_kind', `"kind" IN ('totp')`)
@Index('IDX_mfa_factors_user_id', ['userId'])
@Index('UQ_mfa_factors_confirmed_user', ['userId'], {
  unique: true,
  where: '"confirmed_at" IS NOT NULL',
})
export class MfaFactor {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_mfa_factors' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mfa_factors_user' })
  user?: User;

  @Column({ type: 'text', default: 'totp' })
  kind: 'totp';

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  /** The TOTP time step of the last accepted code; a code at or below it is a replay. */
  @Column({ name: 'last_used_step', type: 'bigint', nullable: true })
  lastUsedStep: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
