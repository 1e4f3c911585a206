import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops jobs_outbox's UNIQUE (agency_id, id): no foreign key references it and the primary key
 * (id) already identifies a row. A job row is inserted once and updated twice (published, done),
 * each update touching every index, so the spare index cost three index writes per job.
 */
export class OutboxUnusedUnique1764405200000 implements MigrationInterface {
  name = 'OutboxUnusedUnique1764405200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "jobs_outbox" DROP CONSTRAINT "UQ_jobs_outbox_agency_id_id"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "jobs_outbox" ADD CONSTRAINT "UQ_jobs_outbox_agency_id_id" UNIQUE ("agency_id", "id")`,
    );
  }
}
