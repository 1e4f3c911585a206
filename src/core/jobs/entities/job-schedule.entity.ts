import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * When each named schedule next fires, for the in-process scheduler (without Redis). Kept in
 * the database so a restart neither skips a daily run nor fires it twice; with several
 * processes the UPDATE that moves next_run_at elects exactly one to run it. Global (no agency):
 * a schedule handler itself visits the agencies.
 */
@Entity({ name: 'job_schedules' })
export class JobSchedule {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_job_schedules' })
  name: string;

  @Column({ name: 'every_ms', type: 'integer' })
  everyMs: number;

  @Column({ name: 'next_run_at', type: 'timestamptz' })
  nextRunAt: Date;

  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt: Date | null;
}
