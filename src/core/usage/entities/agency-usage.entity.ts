import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One agency's usage in one calendar month (UTC), added to as the work happens
 * (migration 1790001050000). Counters are bigint, read as strings by pg.
 */
@Entity({ name: 'agency_usage' })
@Check('CHK_agency_usage_shard', `"shard" BETWEEN 0 AND 15`)
@Check('CHK_agency_usage_month', `date_trunc('month', "month") = "month"`)
export class AgencyUsage {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_agency_usage' })
  agencyId: string;

  /** The month's first day. */
  @PrimaryColumn({ name: 'month', type: 'date', primaryKeyConstraintName: 'PK_agency_usage' })
  month: string;

  /** Which of the agency's 16 rows this connection adds to (pg_backend_pid() % 16): see the migration. */
  @PrimaryColumn({
    name: 'shard',
    type: 'smallint',
    default: 0,
    primaryKeyConstraintName: 'PK_agency_usage',
  })
  shard: number;

  @Column({ name: 'api_requests', type: 'bigint', default: '0' })
  apiRequests: string;

  @Column({ name: 'applications_submitted', type: 'bigint', default: '0' })
  applicationsSubmitted: string;

  /** Bytes stored this month; bytes held at a month's end sum every month up to it. */
  @Column({ name: 'storage_bytes_added', type: 'bigint', default: '0' })
  storageBytesAdded: string;

  @Column({ name: 'emails_sent', type: 'bigint', default: '0' })
  emailsSent: string;

  @Column({ name: 'jobs_run', type: 'bigint', default: '0' })
  jobsRun: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
