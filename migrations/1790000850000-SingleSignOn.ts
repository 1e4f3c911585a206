import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/** The user id a signed-in request outside any agency sets (see MembershipAccessPolicy). */
const CURRENT_USER = `NULLIF(current_setting('app.user_id', true), '')::uuid`;

/**
 * Single sign-on through an agency's OpenID Connect providers (issue 16). Both tables are
 * tenant-owned: a provider belongs to one agency's YAML. `user_identities` links a provider's
 * subject to a user; like memberships, a person reads their own rows from outside any agency
 * (the account page lists them), and writes stay in the agency's context. `sso_sign_in_flows`
 * holds a sign-in between leaving for the provider and coming back (state hashed, nonce, PKCE
 * verifier); the callback deletes its row.
 */
export class SingleSignOn1790000850000 implements MigrationInterface {
  name = 'SingleSignOn1790000850000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "user_identities" (
        "agency_id" uuid NOT NULL,
        "provider_id" text NOT NULL,
        "subject" text NOT NULL,
        "user_id" uuid NOT NULL,
        "email" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "UQ_user_identities_provider_user" UNIQUE ("agency_id", "provider_id", "user_id"),
        CONSTRAINT "PK_user_identities" PRIMARY KEY ("agency_id", "provider_id", "subject"),
        CONSTRAINT "FK_user_identities_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_user_identities_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "IDX_user_identities_user_id" ON "user_identities" ("user_id")`);
    await makeTenantTable(q, 'user_identities', 'SELECT, INSERT, UPDATE, DELETE');
    await q.query(
      `CREATE POLICY "user_identities_own_rows" ON "user_identities" FOR SELECT USING ("user_id" = ${CURRENT_USER})`,
    );

    await q.query(`
      CREATE TABLE "sso_sign_in_flows" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "provider_id" text NOT NULL,
        "state_hash" text NOT NULL,
        "nonce" text NOT NULL,
        "code_verifier" text NOT NULL,
        "browser_hash" text NOT NULL,
        "return_to" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "UQ_sso_sign_in_flows_state" UNIQUE ("agency_id", "state_hash"),
        CONSTRAINT "PK_sso_sign_in_flows" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_sso_sign_in_flows_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await makeTenantTable(q, 'sso_sign_in_flows', 'SELECT, INSERT, DELETE');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sso_sign_in_flows"`);
    await q.query(`DROP TABLE "user_identities"`);
  }
}
