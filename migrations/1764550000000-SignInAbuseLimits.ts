import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in without a hard lock: login_throttles now keeps consecutive failures and, past a
 * threshold, the instant until which the next attempt for that email waits (a delay that grows
 * with each failure, capped). Failed logins for unknown emails are tallied per hour and client
 * address in login_failure_tallies instead of one audit row each. Both tables are global (no
 * agency), like users.
 */
export class SignInAbuseLimits1764550000000 implements MigrationInterface {
  name = 'SignInAbuseLimits1764550000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "login_throttles" RENAME COLUMN "attempts" TO "failures"`);
    await q.query(
      `ALTER TABLE "login_throttles" RENAME COLUMN "window_started_at" TO "last_failed_at"`,
    );
    await q.query(`ALTER TABLE "login_throttles" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`
      CREATE TABLE "login_failure_tallies" (
        "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "client_ip" text NOT NULL,
        "failures" integer NOT NULL,
        CONSTRAINT "PK_login_failure_tallies" PRIMARY KEY ("bucket_start", "client_ip")
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "login_failure_tallies" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "login_failure_tallies"`);
    await q.query(`ALTER TABLE "login_throttles" DROP COLUMN "locked_until"`);
    await q.query(
      `ALTER TABLE "login_throttles" RENAME COLUMN "last_failed_at" TO "window_started_at"`,
    );
    await q.query(`ALTER TABLE "login_throttles" RENAME COLUMN "failures" TO "attempts"`);
  }
}
