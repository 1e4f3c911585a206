import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/** The user id a signed-in request outside any agency sets (see MembershipAccessPolicy). */
const CURRENT_USER = `NULLIF(current_setting('app.user_id', true), '')::uuid`;

/**
 * Identity: global users, sessions, refresh tokens, invitations and login throttling; and the
 * tenant-owned memberships that give users roles in an agency or an applicant organization.
 */
export class Identity1764320000000 implements MigrationInterface {
  name = 'Identity1764320000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" text NOT NULL,
        "name" text NOT NULL,
        "password_hash" text,
        "platform_admin" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_users_email" UNIQUE ("email"),
        CONSTRAINT "CHK_users_email_normalized" CHECK ("email" = lower(btrim("email"))),
        CONSTRAINT "PK_users" PRIMARY KEY ("id")
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "users" TO gc_app`);

    await q.query(`
      CREATE TABLE "sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "revoked_reason" text,
        "ip" text,
        "user_agent" text,
        CONSTRAINT "PK_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "FK_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id")`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "sessions" TO gc_app`);

    await q.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_refresh_tokens_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "PK_refresh_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "FK_refresh_tokens_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_refresh_tokens_session_id" ON "refresh_tokens" ("session_id")`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "refresh_tokens" TO gc_app`);

    await q.query(`
      CREATE TABLE "user_invitations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "invited_by_user_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_user_invitations_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "PK_user_invitations" PRIMARY KEY ("id"),
        CONSTRAINT "FK_user_invitations_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "IDX_user_invitations_user_id" ON "user_invitations" ("user_id")`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "user_invitations" TO gc_app`);

    await q.query(`
      CREATE TABLE "login_throttles" (
        "email" text NOT NULL,
        "attempts" integer NOT NULL,
        "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_login_throttles" PRIMARY KEY ("email")
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "login_throttles" TO gc_app`);

    await q.query(`
      CREATE TABLE "agency_memberships" (
        "agency_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "roles" text array NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_agency_memberships_roles" CHECK (cardinality("roles") > 0 AND "roles" <@ ARRAY['agency_admin', 'program_officer', 'reviewer', 'finance_officer']::text[]),
        CONSTRAINT "CHK_agency_memberships_status" CHECK ("status" IN ('active', 'deactivated')),
        CONSTRAINT "PK_agency_memberships" PRIMARY KEY ("agency_id", "user_id"),
        CONSTRAINT "FK_agency_memberships_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_agency_memberships_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_agency_memberships_user_id" ON "agency_memberships" ("user_id")`,
    );
    await makeTenantTable(q, 'agency_memberships', 'SELECT, INSERT, UPDATE');
    await this.ownRowsReadable(q, 'agency_memberships');

    await q.query(`
      CREATE TABLE "organization_memberships" (
        "agency_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "roles" text array NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_organization_memberships_roles" CHECK (cardinality("roles") > 0 AND "roles" <@ ARRAY['org_admin', 'grant_writer', 'authorized_representative']::text[]),
        CONSTRAINT "CHK_organization_memberships_status" CHECK ("status" IN ('active', 'deactivated')),
        CONSTRAINT "PK_organization_memberships" PRIMARY KEY ("agency_id", "organization_id", "user_id"),
        CONSTRAINT "FK_organization_memberships_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_organization_memberships_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_organization_memberships_user_id" ON "organization_memberships" ("user_id")`,
    );
    await makeTenantTable(q, 'organization_memberships', 'SELECT, INSERT, UPDATE');
    await this.ownRowsReadable(q, 'organization_memberships');
  }

  /**
   * GET /me lists a user's memberships in every agency, outside any agency context. A second,
   * SELECT-only policy shows a user their own rows when the transaction set app.user_id (only
   * signed-in requests outside an agency do). Writes stay confined to the current agency, and
   * with no setting at all a tenant table still shows nothing.
   */
  private async ownRowsReadable(q: QueryRunner, table: string): Promise<void> {
    await q.query(
      `CREATE POLICY "${table}_own_rows" ON "${table}" FOR SELECT USING ("user_id" = ${CURRENT_USER})`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "organization_memberships"`);
    await q.query(`DROP TABLE "agency_memberships"`);
    await q.query(`DROP TABLE "login_throttles"`);
    await q.query(`DROP TABLE "user_invitations"`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP TABLE "sessions"`);
    await q.query(`DROP TABLE "users"`);
  }
}
