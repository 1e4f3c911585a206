import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed logins for emails no account has, counted per hour and client address: a flood of
 * random emails adds to one row (and one audit event) per address and hour, not a row each.
 */
@Entity({ name: 'login_failure_tallies' })
export class LoginFailureTally {
  @PrimaryColumn({
    name: 'bucket_start',
    type: 'timestamptz',
    primaryKeyConstraintName: 'PK_login_failure_tallies',
  })
  bucketStart: Date;

  @PrimaryColumn({
    name: 'client_ip',
    type: 'text',
    primaryKeyConstraintName: 'PK_login_failure_tallies',
  })
  clientIp: string;

  @Column({ type: 'integer' })
  failures: number;
}
