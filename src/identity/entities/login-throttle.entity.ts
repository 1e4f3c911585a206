import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed-login counting per normalized email, known or not (so a lock never reveals whether an
 * account exists). A fixed window: the count restarts when the window is older than 15 minutes.
 */
@Entity({ name: 'login_throttles' })
export class LoginThrottle {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_login_throttles' })
  email: string;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;
}
