import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

const agencyFk = (table: string) =>
  `CONSTRAINT "FK_${table}_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`;
const applicationFk = (table: string) =>
  `CONSTRAINT "FK_${table}_application" FOREIGN KEY ("agency_id", "application_id") REFERENCES "applications"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION`;

/**
 * Applications (tenant-owned): working copies, budget lines, attachments, the immutable
 * submitted versions and the status history. Submissions and status events are append-only:
 * the app role may only INSERT and SELECT them, and a trigger refuses UPDATE and DELETE to
 * everyone (the owner included) so a certified submission cannot be altered after the fact.
 */
export class Applications1764343000000 implements MigrationInterface {
  name = 'Applications1764343000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "applications" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "program_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "status" text NOT NULL DEFAULT 'draft',
        "form_version" integer NOT NULL,
        "project_title" text,
        "amount_requested" numeric(14,2),
        "answers" jsonb NOT NULL DEFAULT '{}',
        "version" integer NOT NULL DEFAULT '1',
        "submission_count" integer NOT NULL DEFAULT '0',
        "created_by" uuid,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "submitted_at" TIMESTAMP(3) WITH TIME ZONE,
        "returned_at" TIMESTAMP WITH TIME ZONE,
        "return_comment" text,
        "revision_due_at" TIMESTAMP WITH TIME ZONE,
        "withdrawn_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "CHK_applications_status" CHECK ("status" IN ('draft', 'submitted', 'returned', 'withdrawn', 'under_review', 'approved', 'denied', 'waitlisted')),
        CONSTRAINT "PK_applications" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('applications')},
        CONSTRAINT "FK_applications_program" FOREIGN KEY ("agency_id", "program_id")
          REFERENCES "programs"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_applications_organization" FOREIGN KEY ("agency_id", "organization_id")
          REFERENCES "organizations"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    for (const [name, columns] of [
      ['IDX_applications_organization_program', '"agency_id", "organization_id", "program_id"'],
      [
        'IDX_applications_organization_created',
        '"agency_id", "organization_id", "created_at", "id"',
      ],
      ['IDX_applications_program_submitted', '"agency_id", "program_id", "submitted_at", "id"'],
      [
        'IDX_applications_program_status_created',
        '"agency_id", "program_id", "status", "created_at", "id"',
      ],
      ['IDX_applications_program_created', '"agency_id", "program_id", "created_at", "id"'],
    ]) {
      await q.query(`CREATE INDEX "${name}" ON "applications" (${columns})`);
    }
    await makeTenantTable(q, 'applications', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "application_budget_lines" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "application_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "function_code" text NOT NULL,
        "object_code" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        "amount" numeric(14,2) NOT NULL,
        "indirect" boolean NOT NULL DEFAULT false,
        CONSTRAINT "PK_application_budget_lines" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('application_budget_lines')},
        ${applicationFk('application_budget_lines')}
      )`);
    await q.query(
      `CREATE INDEX "IDX_application_budget_lines_application" ON "application_budget_lines" ("agency_id", "application_id", "position")`,
    );
    // Lines are replaced as a whole on save (delete + insert).
    await makeTenantTable(q, 'application_budget_lines', 'SELECT, INSERT, DELETE');

    await q.query(`
      CREATE TABLE "application_attachments" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "application_id" uuid NOT NULL,
        "requirement_key" text,
        "filename" text NOT NULL,
        "content_type" text NOT NULL,
        "size_bytes" bigint NOT NULL,
        "sha256" text NOT NULL,
        "storage_key" text NOT NULL,
        "uploaded_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "removed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_application_attachments" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('application_attachments')},
        ${applicationFk('application_attachments')}
      )`);
    await q.query(
      `CREATE INDEX "IDX_application_attachments_application" ON "application_attachments" ("agency_id", "application_id", "created_at")`,
    );
    await makeTenantTable(q, 'application_attachments', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "application_submissions" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "application_id" uuid NOT NULL,
        "number" integer NOT NULL,
        "form_version" integer NOT NULL,
        "project_title" text,
        "amount_requested" numeric(14,2) NOT NULL,
        "answers" jsonb NOT NULL,
        "budget" jsonb NOT NULL,
        "attachments" jsonb NOT NULL,
        "certified_by" uuid NOT NULL,
        "certifier_name" text NOT NULL,
        "certifier_title" text NOT NULL,
        "certification_statement" text NOT NULL,
        "certified_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "certified_ip" text,
        "content_sha256" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_application_submissions_number" UNIQUE ("agency_id", "application_id", "number"),
        CONSTRAINT "PK_application_submissions" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('application_submissions')},
        ${applicationFk('application_submissions')}
      )`);
    await makeTenantTable(q, 'application_submissions', 'SELECT, INSERT');

    await q.query(`
      CREATE TABLE "application_status_events" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "application_id" uuid NOT NULL,
        "from_status" text,
        "to_status" text NOT NULL,
        "comment" text,
        "submission_number" integer,
        "actor_user_id" uuid,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_application_status_events" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('application_status_events')},
        ${applicationFk('application_status_events')}
      )`);
    await q.query(
      `CREATE INDEX "IDX_application_status_events_application" ON "application_status_events" ("agency_id", "application_id", "at")`,
    );
    await makeTenantTable(q, 'application_status_events', 'SELECT, INSERT');

    await q.query(`
      CREATE FUNCTION applications_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['application_submissions', 'application_status_events']) {
      await q.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION applications_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION applications_refuse_change()`,
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'application_status_events',
      'application_submissions',
      'application_attachments',
      'application_budget_lines',
      'applications',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP FUNCTION applications_refuse_change()`);
  }
}
