import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_AGENCY, makeTenantTable } from './support/tenant-table';

/**
 * Programs and their published form versions (tenant-owned; versions are append-only), and
 * program_templates: the one deliberate crossing between agencies. Templates are global,
 * readable by every agency, and writable by row-level security only by the agency that shared
 * them (source_agency_id = the transaction's agency).
 */
export class Programs1764342000000 implements MigrationInterface {
  name = 'Programs1764342000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "programs" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "code" text NOT NULL,
        "title" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        "kind" text NOT NULL,
        "status" text NOT NULL DEFAULT 'draft',
        "funding_source" text,
        "assistance_listing_number" text,
        "assistance_listing_title" text,
        "fain" text,
        "fiscal_year" integer,
        "funds_available" numeric(14,2),
        "award_floor" numeric(14,2),
        "award_ceiling" numeric(14,2),
        "performance_start" date,
        "performance_end" date,
        "opens_at" TIMESTAMP WITH TIME ZONE,
        "closes_at" TIMESTAMP WITH TIME ZONE,
        "grace_minutes" integer,
        "eligibility" jsonb NOT NULL DEFAULT '{}',
        "form" jsonb,
        "required_attachments" jsonb NOT NULL DEFAULT '[]',
        "budget_rules" jsonb NOT NULL DEFAULT '{}',
        "rubric" jsonb,
        "allow_multiple_applications" boolean NOT NULL DEFAULT false,
        "shareable" boolean NOT NULL DEFAULT false,
        "cloned_from_template_id" uuid,
        "current_form_version" integer,
        "version" integer NOT NULL DEFAULT '1',
        "created_by" uuid,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "archived_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_programs_code" UNIQUE ("agency_id", "code"),
        CONSTRAINT "CHK_programs_window" CHECK ("opens_at" IS NULL OR "closes_at" IS NULL OR "opens_at" < "closes_at"),
        CONSTRAINT "CHK_programs_status" CHECK ("status" IN ('draft', 'published', 'closed', 'archived')),
        CONSTRAINT "CHK_programs_kind" CHECK ("kind" IN ('competitive', 'formula')),
        CONSTRAINT "PK_programs" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_programs_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_programs_status_closes_at" ON "programs" ("agency_id", "status", "closes_at", "id")`,
    );
    await makeTenantTable(q, 'programs', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "program_form_versions" (
        "agency_id" uuid NOT NULL,
        "program_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "definition" jsonb NOT NULL,
        "json_schema" jsonb NOT NULL,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_program_form_versions" PRIMARY KEY ("agency_id", "program_id", "version"),
        CONSTRAINT "FK_program_form_versions_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_program_form_versions_program" FOREIGN KEY ("agency_id", "program_id")
          REFERENCES "programs"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    // Published forms are never edited in place: insert and read only.
    await makeTenantTable(q, 'program_form_versions', 'SELECT, INSERT');

    await q.query(`
      CREATE TABLE "program_templates" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "source_agency_id" uuid NOT NULL,
        "source_agency_code" text NOT NULL,
        "source_program_id" uuid NOT NULL,
        "code" text NOT NULL,
        "title" text NOT NULL,
        "kind" text NOT NULL,
        "funding_source" text,
        "assistance_listing_number" text,
        "assistance_listing_title" text,
        "definition" jsonb NOT NULL,
        "shared_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_program_templates_source" UNIQUE ("source_agency_id", "source_program_id"),
        CONSTRAINT "PK_program_templates" PRIMARY KEY ("id"),
        CONSTRAINT "FK_program_templates_agency" FOREIGN KEY ("source_agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_program_templates_shared_at" ON "program_templates" ("shared_at", "id")`,
    );
    await q.query(`ALTER TABLE "program_templates" ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "program_templates" FORCE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY "program_templates_read_all" ON "program_templates" FOR SELECT USING (true)`,
    );
    await q.query(
      `CREATE POLICY "program_templates_insert_own" ON "program_templates" FOR INSERT
         WITH CHECK (source_agency_id = ${CURRENT_AGENCY})`,
    );
    await q.query(
      `CREATE POLICY "program_templates_update_own" ON "program_templates" FOR UPDATE
         USING (source_agency_id = ${CURRENT_AGENCY}) WITH CHECK (source_agency_id = ${CURRENT_AGENCY})`,
    );
    await q.query(
      `CREATE POLICY "program_templates_delete_own" ON "program_templates" FOR DELETE
         USING (source_agency_id = ${CURRENT_AGENCY})`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "program_templates" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "program_templates"`);
    await q.query(`DROP TABLE "program_form_versions"`);
    await q.query(`DROP TABLE "programs"`);
  }
}
