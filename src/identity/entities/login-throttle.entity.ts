import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Consecutive failed logins per normalized email, known or not (so a delay never reveals whether
 * an account exists), and until when the next attempt must wait. No hard lock: after the delay
 * the right password signs in (see LoginThrottle).
 */
@Entity({ name: 'login_throttles' })
export class LoginThrottle {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_login_throttles' })
  email: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'last_failed_at', type: 'timestamptz' })
  lastFailedAt: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}
