import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Consent before membership and two-person role grants (issue 13, items 3 and 8):
 * - memberships may be 'pending' (added by someone else, not yet accepted by the person); the
 *   access functions read status = 'active' only, so a pending membership grants nothing;
 * - an agency membership may hold no role yet while its only role waits for confirmation;
 * - agency_role_grants holds requests for privileged roles until a second admin confirms them.
 */
export class StaffConsentAndRoleGrants1764530000000 implements MigrationInterface {
  name = 'StaffConsentAndRoleGrants1764530000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const table of ['agency_memberships', 'organization_memberships']) {
      await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "CHK_${table}_status"`);
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "CHK_${table}_status"
           CHECK ("status" IN ('pending', 'active', 'deactivated'))`,
      );
    }
    // Who added the person (null: they registered the organization themselves, or data from
    // before this migration): the separation-of-duties rule may read it ("not who invited the
    // requester"), also for accounts that existed already and so got no user_invitations row.
    await q.query(`ALTER TABLE "organization_memberships" ADD "invited_by_user_id" uuid`);
    await q.query(
      `ALTER TABLE "agency_memberships" DROP CONSTRAINT "CHK_agency_memberships_roles"`,
    );
    await q.query(
      `ALTER TABLE "agency_memberships" ADD CONSTRAINT "CHK_agency_memberships_roles"
         CHECK ("roles" <@ ARRAY['agency_admin', 'program_officer', 'reviewer', 'finance_officer']::text[])`,
    );
    await q.query(`
      CREATE TABLE "agency_role_grants" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "agency_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "role" text NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "requested_by_user_id" uuid,
        "requested_at" timestamptz NOT NULL DEFAULT now(),
        "decided_by_user_id" uuid,
        "decided_at" timestamptz,
        "decided_as_platform_admin" boolean NOT NULL DEFAULT false,
        CONSTRAINT "PK_agency_role_grants" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_agency_role_grants_role" CHECK ("role" IN ('agency_admin', 'finance_officer')),
        CONSTRAINT "CHK_agency_role_grants_status"
          CHECK ("status" IN ('pending', 'confirmed', 'declined', 'cancelled')),
        CONSTRAINT "FK_agency_role_grants_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    // One open request per person and role: a second request for the same role is the same one.
    await q.query(
      `CREATE UNIQUE INDEX "IDX_agency_role_grants_pending"
         ON "agency_role_grants" ("agency_id", "user_id", "role") WHERE "status" = 'pending'`,
    );
    await makeTenantTable(q, 'agency_role_grants', 'SELECT, INSERT, UPDATE');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "agency_role_grants"`);
    await q.query(`ALTER TABLE "organization_memberships" DROP COLUMN "invited_by_user_id"`);
    await q.query(`DELETE FROM "agency_memberships" WHERE cardinality("roles") = 0`);
    await q.query(
      `ALTER TABLE "agency_memberships" DROP CONSTRAINT "CHK_agency_memberships_roles"`,
    );
    await q.query(
      `ALTER TABLE "agency_memberships" ADD CONSTRAINT "CHK_agency_memberships_roles"
         CHECK (cardinality("roles") > 0 AND "roles" <@ ARRAY['agency_admin', 'program_officer', 'reviewer', 'finance_officer']::text[])`,
    );
    for (const table of ['agency_memberships', 'organization_memberships']) {
      await q.query(`UPDATE "${table}" SET "status" = 'deactivated' WHERE "status" = 'pending'`);
      await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "CHK_${table}_status"`);
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "CHK_${table}_status"
           CHECK ("status" IN ('active', 'deactivated'))`,
      );
    }
  }
}
