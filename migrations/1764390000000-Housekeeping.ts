import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Housekeeping: the daily prune schedules delete old idempotency keys and processed-effect keys
 * agency by agency (RLS applies), so the app role needs DELETE on both, and an index on
 * (agency_id, created_at) each so a prune reads only what it deletes. (login_throttles, a
 * global table, already grants DELETE.)
 */
export class Housekeeping1764390000000 implements MigrationInterface {
  name = 'Housekeeping1764390000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_idempotency_keys_created" ON "idempotency_keys" ("agency_id", "created_at") `,
    );
    await q.query(
      `CREATE INDEX "IDX_job_effects_created" ON "job_effects" ("agency_id", "created_at") `,
    );
    await q.query(`GRANT DELETE ON "idempotency_keys" TO gc_app`);
    await q.query(`GRANT DELETE ON "job_effects" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON "job_effects" FROM gc_app`);
    await q.query(`REVOKE DELETE ON "idempotency_keys" FROM gc_app`);
    await q.query(`DROP INDEX "IDX_job_effects_created"`);
    await q.query(`DROP INDEX "IDX_idempotency_keys_created"`);
  }
}
