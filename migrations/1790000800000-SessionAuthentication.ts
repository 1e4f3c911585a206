import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How and when a session's person authenticated (issue 16): the methods (RFC 8176 `amr` values
 * as this app names them: pwd, otp, recovery, oidc), when a second factor was last checked
 * (step-up for money reads it), when the session was last used, and its absolute end however
 * often it is refreshed (API sessions; web sessions already ended at expires_at). Existing
 * sessions were password sign-ins and end when they would have.
 */
export class SessionAuthentication1790000800000 implements MigrationInterface {
  name = 'SessionAuthentication1790000800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "sessions"
        ADD "auth_methods" text[] NOT NULL DEFAULT '{pwd}',
        ADD "second_factor_at" TIMESTAMP WITH TIME ZONE,
        ADD "last_used_at" TIMESTAMP WITH TIME ZONE,
        ADD "ends_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`UPDATE "sessions" SET "ends_at" = "expires_at", "last_used_at" = "created_at"`);
    await q.query(`ALTER TABLE "sessions" ALTER COLUMN "ends_at" SET NOT NULL`);
    await q.query(`ALTER TABLE "sessions" ALTER COLUMN "auth_methods" DROP DEFAULT`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "sessions"
        DROP COLUMN "ends_at",
        DROP COLUMN "last_used_at",
        DROP COLUMN "second_factor_at",
        DROP COLUMN "auth_methods"`);
  }
}
