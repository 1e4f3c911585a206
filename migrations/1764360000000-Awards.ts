import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Awards (tenant-owned): subawards with their 2 CFR 200.332 data, immutable versions (one per
 * award action), amendments, the budget by function x object code and its revisions, award
 * notices, and programs' carryover terms. Versions are append-only: the app role may only
 * INSERT and SELECT them and a trigger refuses UPDATE, DELETE and TRUNCATE to everyone.
 */
export class Awards1764360000000 implements MigrationInterface {
  name = 'Awards1764360000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "awards" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "source" text NOT NULL, "source_id" uuid NOT NULL, "program_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "application_id" uuid, "carryover_from_award_id" uuid, "status" text NOT NULL DEFAULT 'offered', "subrecipient_name" text NOT NULL, "subrecipient_uei" text, "fain" text, "federal_award_date" date, "assistance_listing_number" text, "assistance_listing_title" text, "program_title" text NOT NULL, "fiscal_year" integer, "performance_start" date NOT NULL, "performance_end" date NOT NULL, "amount" numeric(14,2) NOT NULL, "amount_this_action" numeric(14,2) NOT NULL, "version" integer NOT NULL DEFAULT '1', "budget_version" integer NOT NULL DEFAULT '1', "offered_by" uuid, "offered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "accepted_by" uuid, "accepted_at" TIMESTAMP WITH TIME ZONE, "acceptance" jsonb, "declined_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_awards_reference" UNIQUE ("agency_id", "reference"), CONSTRAINT "UQ_awards_source" UNIQUE ("agency_id", "source", "source_id"), CONSTRAINT "CHK_awards_period" CHECK ("performance_end" >= "performance_start"), CONSTRAINT "CHK_awards_source" CHECK ("source" IN ('decision', 'allocation', 'carryover')), CONSTRAINT "CHK_awards_status" CHECK ("status" IN ('offered', 'active', 'declined', 'closed')), CONSTRAINT "PK_awards" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_awards_program_status" ON "awards"  ("agency_id", "program_id", "status") `,
    );
    await q.query(
      `CREATE INDEX "IDX_awards_organization" ON "awards"  ("agency_id", "organization_id", "offered_at", "id") `,
    );
    await q.query(
      `CREATE TABLE "award_versions" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "version" integer NOT NULL, "action" text NOT NULL, "amount" numeric(14,2) NOT NULL, "amount_this_action" numeric(14,2) NOT NULL, "performance_start" date NOT NULL, "performance_end" date NOT NULL, "budget" jsonb NOT NULL, "reason" text, "source_id" uuid, "approved_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_award_versions_number" UNIQUE ("agency_id", "award_id", "version"), CONSTRAINT "CHK_award_versions_action" CHECK ("action" IN ('award', 'amendment', 'budget_revision')), CONSTRAINT "PK_award_versions" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "award_amendments" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'proposed', "base_version" integer NOT NULL, "amount" numeric(14,2), "performance_start" date, "performance_end" date, "budget" jsonb, "reason" text NOT NULL, "proposed_by" uuid NOT NULL, "proposed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_reason" text, "result_version" integer, CONSTRAINT "CHK_award_amendments_status" CHECK ("status" IN ('proposed', 'approved', 'rejected')), CONSTRAINT "PK_award_amendments" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_award_amendments_award" ON "award_amendments"  ("agency_id", "award_id", "proposed_at") `,
    );
    await q.query(
      `CREATE TABLE "award_budget_lines" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "function_code" text NOT NULL, "object_code" text NOT NULL, "description" text NOT NULL DEFAULT '', "amount" numeric(14,2) NOT NULL, "approved_amount" numeric(14,2) NOT NULL, CONSTRAINT "UQ_award_budget_lines_code" UNIQUE ("agency_id", "award_id", "function_code", "object_code"), CONSTRAINT "PK_award_budget_lines" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "award_budget_revisions" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "status" text NOT NULL, "base_budget_version" integer NOT NULL, "lines" jsonb NOT NULL, "changes" jsonb NOT NULL, "tolerance_percent" numeric(5,2) NOT NULL, "reason" text NOT NULL, "proposed_by" uuid NOT NULL, "proposed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_reason" text, CONSTRAINT "CHK_award_budget_revisions_status" CHECK ("status" IN ('applied', 'pending', 'approved', 'rejected')), CONSTRAINT "PK_award_budget_revisions" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_award_budget_revisions_award" ON "award_budget_revisions"  ("agency_id", "award_id", "proposed_at") `,
    );
    await q.query(
      `CREATE TABLE "award_notices" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "version" integer NOT NULL, "status" text NOT NULL DEFAULT 'pending', "storage_key" text, "sha256" text, "bytes" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "generated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_award_notices_version" UNIQUE ("agency_id", "award_id", "version"), CONSTRAINT "CHK_award_notices_status" CHECK ("status" IN ('pending', 'ready')), CONSTRAINT "PK_award_notices" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "program_award_terms" ("agency_id" uuid NOT NULL, "program_id" uuid NOT NULL, "carryover_allowed" boolean NOT NULL DEFAULT false, "carryover_cap_percent" numeric(5,2), "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_program_award_terms" PRIMARY KEY ("agency_id", "program_id"))`,
    );
    await q.query(
      `ALTER TABLE "awards" ADD CONSTRAINT "FK_awards_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "awards" ADD CONSTRAINT "FK_awards_program" FOREIGN KEY ("agency_id", "program_id") REFERENCES "programs"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "awards" ADD CONSTRAINT "FK_awards_organization" FOREIGN KEY ("agency_id", "organization_id") REFERENCES "organizations"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "awards" ADD CONSTRAINT "FK_awards_application" FOREIGN KEY ("agency_id", "application_id") REFERENCES "applications"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_versions" ADD CONSTRAINT "FK_award_versions_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_versions" ADD CONSTRAINT "FK_award_versions_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_amendments" ADD CONSTRAINT "FK_award_amendments_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_amendments" ADD CONSTRAINT "FK_award_amendments_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_budget_lines" ADD CONSTRAINT "FK_award_budget_lines_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_budget_lines" ADD CONSTRAINT "FK_award_budget_lines_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_budget_revisions" ADD CONSTRAINT "FK_award_budget_revisions_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_budget_revisions" ADD CONSTRAINT "FK_award_budget_revisions_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_notices" ADD CONSTRAINT "FK_award_notices_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "award_notices" ADD CONSTRAINT "FK_award_notices_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "program_award_terms" ADD CONSTRAINT "FK_program_award_terms_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "program_award_terms" ADD CONSTRAINT "FK_program_award_terms_program" FOREIGN KEY ("agency_id", "program_id") REFERENCES "programs"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await makeTenantTable(q, 'awards', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'award_versions', 'SELECT, INSERT');
    await makeTenantTable(q, 'award_amendments', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'award_budget_lines', 'SELECT, INSERT, UPDATE, DELETE');
    await makeTenantTable(q, 'award_budget_revisions', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'award_notices', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'program_award_terms', 'SELECT, INSERT, UPDATE');
    await q.query(`
      CREATE FUNCTION awards_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['award_versions']) {
      await q.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION awards_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION awards_refuse_change()`,
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "program_award_terms"`);
    await q.query(`DROP TABLE "award_notices"`);
    await q.query(`DROP TABLE "award_budget_revisions"`);
    await q.query(`DROP TABLE "award_budget_lines"`);
    await q.query(`DROP TABLE "award_amendments"`);
    await q.query(`DROP TABLE "award_versions"`);
    await q.query(`DROP TABLE "awards"`);
    await q.query(`DROP FUNCTION awards_refuse_change()`);
  }
}
