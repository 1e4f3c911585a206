import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Applicant organizations (tenant-owned), and the foreign key the identity module's
 * organization_memberships has been waiting for: a membership names an organization of the
 * same agency.
 */
export class Organizations1764341000000 implements MigrationInterface {
  name = 'Organizations1764341000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "organizations" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "legal_name" text NOT NULL,
        "type" text NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "state_district_code" text,
        "nces_lea_id" text,
        "uei" text,
        "address" jsonb NOT NULL,
        "contacts" jsonb NOT NULL DEFAULT '[]',
        "registered_by" uuid,
        "decided_by" uuid,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "decision_reason" text,
        "version" integer NOT NULL DEFAULT '1',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_organizations_status" CHECK ("status" IN ('pending', 'active', 'rejected', 'inactive')),
        CONSTRAINT "PK_organizations" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_organizations_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_organizations_state_district_code" ON "organizations" ("agency_id", "state_district_code") WHERE "status" <> 'rejected'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_organizations_nces_lea_id" ON "organizations" ("agency_id", "nces_lea_id") WHERE "status" <> 'rejected'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_organizations_uei" ON "organizations" ("agency_id", "uei") WHERE "status" <> 'rejected'`,
    );
    await q.query(
      `CREATE INDEX "IDX_organizations_name" ON "organizations" ("agency_id", "legal_name", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_organizations_status_name" ON "organizations" ("agency_id", "status", "legal_name", "id")`,
    );
    await makeTenantTable(q, 'organizations', 'SELECT, INSERT, UPDATE');

    // organization_memberships (identity) -> organizations: same agency, by construction.
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('public.organization_memberships') IS NOT NULL THEN
          ALTER TABLE "organization_memberships" ADD CONSTRAINT "FK_organization_memberships_organization"
            FOREIGN KEY ("agency_id", "organization_id") REFERENCES "organizations"("agency_id", "id")
            ON DELETE NO ACTION ON UPDATE NO ACTION;
        END IF;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE IF EXISTS "organization_memberships" DROP CONSTRAINT IF EXISTS "FK_organization_memberships_organization"`,
    );
    await q.query(`DROP TABLE "organizations"`);
  }
}
