import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Self-service accounts (issue 15, item 6): a person signs up, proves their email, resets a
 * forgotten password, and keeps a preferred language.
 *
 * - `users.email_verified_at`: accounts that exist now, and accounts created by an admin (the
 *   column's default), count as verified; a sign-up inserts NULL and cannot sign in until its
 *   emailed link is followed.
 * - `users.locale`: the saved language of pages and emails (NULL: the browser decides).
 * - `user_account_tokens`: the single-use secrets of emailed links (verify an email, reset a
 *   password), global like `user_invitations`, stored as sha256 only; minted by the job that
 *   emails them, so no queued payload ever holds one.
 *
 * The app role gets exactly the new columns it writes (see UsersColumnGrants1764560000000).
 */
export class SelfServiceAccounts1790000300000 implements MigrationInterface {
  name = 'SelfServiceAccounts1790000300000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "users" ADD COLUMN "email_verified_at" TIMESTAMP WITH TIME ZONE DEFAULT now()`,
    );
    await q.query(`ALTER TABLE "users" ADD COLUMN "locale" text`);
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "CHK_users_locale" CHECK ("locale" IN ('en', 'es'))`,
    );
    await q.query(`GRANT INSERT ("email_verified_at", "locale") ON "users" TO gc_app`);
    await q.query(`GRANT UPDATE ("email_verified_at", "locale") ON "users" TO gc_app`);

    await q.query(`
      CREATE TABLE "user_account_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" text NOT NULL,
        "token_hash" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_user_account_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_user_account_tokens_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "CHK_user_account_tokens_purpose"
          CHECK ("purpose" IN ('verify_email', 'reset_password')),
        CONSTRAINT "FK_user_account_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_user_account_tokens_user_id" ON "user_account_tokens" ("user_id")`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "user_account_tokens" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "user_account_tokens"`);
    await q.query(`REVOKE INSERT ("email_verified_at", "locale") ON "users" FROM gc_app`);
    await q.query(`REVOKE UPDATE ("email_verified_at", "locale") ON "users" FROM gc_app`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "locale"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
