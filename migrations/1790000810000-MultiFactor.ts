import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TOTP second factors (issue 16). Global like users and sessions (a person has one factor for
 * every agency they work in), so no tenant policy: only the app's identity services read them.
 *
 * mfa_factors: at most one confirmed factor per person (a partial unique index); an enrolment in
 * progress is an unconfirmed row, replaced by the next attempt and promoted on confirmation. The
 * secret is sealed (AES-256-GCM, MFA_ENCRYPTION_KEY, bound to the row's id). last_used_step is
 * the TOTP time step of the last accepted code: a code is refused at or below it (RFC 6238 5.2).
 *
 * mfa_recovery_codes: ten per confirmed enrolment, stored as keyed hashes, each used once.
 */
export class MultiFactor1790000810000 implements MigrationInterface {
  name = 'MultiFactor1790000810000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "mfa_factors" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "kind" text NOT NULL DEFAULT 'totp',
        "secret_sealed" text NOT NULL,
        "confirmed_at" TIMESTAMP WITH TIME ZONE,
        "last_used_step" bigint,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_mfa_factors_kind" CHECK ("kind" IN ('totp')),
        CONSTRAINT "PK_mfa_factors" PRIMARY KEY ("id"),
        CONSTRAINT "FK_mfa_factors_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_mfa_factors_confirmed_user" ON "mfa_factors" ("user_id") WHERE "confirmed_at" IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_mfa_factors_user_id" ON "mfa_factors" ("user_id")`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "mfa_factors" TO gc_app`);

    await q.query(`
      CREATE TABLE "mfa_recovery_codes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "code_hash" text NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_mfa_recovery_codes" PRIMARY KEY ("id"),
        CONSTRAINT "FK_mfa_recovery_codes_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_mfa_recovery_codes_user_hash" ON "mfa_recovery_codes" ("user_id", "code_hash")`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "mfa_recovery_codes" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "mfa_recovery_codes"`);
    await q.query(`DROP TABLE "mfa_factors"`);
  }
}
