import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

const agencyFk = (table: string) =>
  `CONSTRAINT "FK_${table}_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`;
const programFk = (table: string) =>
  `CONSTRAINT "FK_${table}_program" FOREIGN KEY ("agency_id", "program_id") REFERENCES "programs"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION`;
const caseFk = (table: string) =>
  `CONSTRAINT "FK_${table}_case" FOREIGN KEY ("agency_id", "application_id") REFERENCES "review_cases"("agency_id", "application_id") ON DELETE NO ACTION ON UPDATE NO ACTION`;

/**
 * Review and funding decisions (tenant-owned): per-program settings, applications in review
 * (stage and the snapshot ranking needs), reviewer assignments with conflict declarations,
 * reviews (scores per criterion), and funding decisions. A released decision is frozen: a
 * trigger refuses to change or delete it, for everyone.
 */
export class Reviews1764350000000 implements MigrationInterface {
  name = 'Reviews1764350000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "program_review_settings" (
        "agency_id" uuid NOT NULL,
        "program_id" uuid NOT NULL,
        "aggregation" text,
        "outlier_threshold_points" numeric(6,2),
        "allow_partial_award" boolean NOT NULL DEFAULT false,
        "decisions_released_at" TIMESTAMP WITH TIME ZONE,
        "decisions_released_by" uuid,
        "version" integer NOT NULL DEFAULT '1',
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_program_review_settings_aggregation" CHECK ("aggregation" IS NULL OR "aggregation" IN ('mean', 'trimmed-mean', 'z-score')),
        CONSTRAINT "PK_program_review_settings" PRIMARY KEY ("agency_id", "program_id"),
        ${agencyFk('program_review_settings')},
        ${programFk('program_review_settings')}
      )`);
    await makeTenantTable(q, 'program_review_settings', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "review_cases" (
        "agency_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "program_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "stage" text NOT NULL,
        "submission_number" integer NOT NULL,
        "submitted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "amount_requested" numeric(14,2) NOT NULL,
        "closed_reason" text,
        "entered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_review_cases_stage" CHECK ("stage" IN ('eligibility_screening', 'merit_review', 'final_decision', 'closed')),
        CONSTRAINT "PK_review_cases" PRIMARY KEY ("agency_id", "application_id"),
        ${agencyFk('review_cases')},
        CONSTRAINT "FK_review_cases_application" FOREIGN KEY ("agency_id", "application_id") REFERENCES "applications"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        ${programFk('review_cases')},
        CONSTRAINT "FK_review_cases_organization" FOREIGN KEY ("agency_id", "organization_id") REFERENCES "organizations"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_review_cases_program_stage" ON "review_cases" ("agency_id", "program_id", "stage", "submitted_at", "application_id")`,
    );
    await makeTenantTable(q, 'review_cases', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "review_assignments" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "program_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "reviewer_id" uuid NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "declaration" text,
        "conflict_reason" text,
        "declared_at" TIMESTAMP WITH TIME ZONE,
        "automatic" boolean NOT NULL DEFAULT false,
        "assigned_by" uuid,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_review_assignments_reviewer" UNIQUE ("agency_id", "application_id", "reviewer_id"),
        CONSTRAINT "CHK_review_assignments_declaration" CHECK ("declaration" IS NULL OR "declaration" IN ('none', 'conflict')),
        CONSTRAINT "CHK_review_assignments_status" CHECK ("status" IN ('active', 'recused')),
        CONSTRAINT "PK_review_assignments" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('review_assignments')},
        ${caseFk('review_assignments')},
        CONSTRAINT "FK_review_assignments_reviewer" FOREIGN KEY ("agency_id", "reviewer_id") REFERENCES "agency_memberships"("agency_id", "user_id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_review_assignments_program" ON "review_assignments" ("agency_id", "program_id", "reviewer_id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_review_assignments_reviewer" ON "review_assignments" ("agency_id", "reviewer_id", "created_at")`,
    );
    await makeTenantTable(q, 'review_assignments', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "reviews" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "assignment_id" uuid NOT NULL,
        "program_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "reviewer_id" uuid NOT NULL,
        "status" text NOT NULL DEFAULT 'draft',
        "points" jsonb NOT NULL DEFAULT '{}',
        "comments" jsonb NOT NULL DEFAULT '{}',
        "weighted_total" numeric(7,4),
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "reopened_at" TIMESTAMP WITH TIME ZONE,
        "reopened_by" uuid,
        "reopen_reason" text,
        "version" integer NOT NULL DEFAULT '1',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_reviews_assignment" UNIQUE ("agency_id", "assignment_id"),
        CONSTRAINT "CHK_reviews_status" CHECK ("status" IN ('draft', 'submitted')),
        CONSTRAINT "PK_reviews" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('reviews')},
        CONSTRAINT "FK_reviews_assignment" FOREIGN KEY ("agency_id", "assignment_id") REFERENCES "review_assignments"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_reviews_application" ON "reviews" ("agency_id", "application_id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_reviews_program_status" ON "reviews" ("agency_id", "program_id", "status")`,
    );
    await makeTenantTable(q, 'reviews', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "funding_decisions" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "program_id" uuid NOT NULL,
        "application_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "rank" integer,
        "final_score" numeric(9,4),
        "method" text,
        "explanation" text NOT NULL DEFAULT '',
        "amount_requested" numeric(14,2) NOT NULL,
        "recommended_outcome" text,
        "recommended_amount" numeric(14,2),
        "partial" boolean NOT NULL DEFAULT false,
        "outcome" text NOT NULL,
        "amount" numeric(14,2) NOT NULL DEFAULT '0',
        "justification" text,
        "decided_by" uuid,
        "released_at" TIMESTAMP WITH TIME ZONE,
        "version" integer NOT NULL DEFAULT '1',
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_funding_decisions_application" UNIQUE ("agency_id", "application_id"),
        CONSTRAINT "CHK_funding_decisions_amount" CHECK (("outcome" = 'approved' AND "amount" > 0) OR ("outcome" <> 'approved' AND "amount" = 0)),
        CONSTRAINT "CHK_funding_decisions_recommended_outcome" CHECK ("recommended_outcome" IS NULL OR "recommended_outcome" IN ('approved', 'denied', 'waitlisted')),
        CONSTRAINT "CHK_funding_decisions_outcome" CHECK ("outcome" IN ('approved', 'denied', 'waitlisted')),
        CONSTRAINT "PK_funding_decisions" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('funding_decisions')},
        ${caseFk('funding_decisions')}
      )`);
    await q.query(
      `CREATE INDEX "IDX_funding_decisions_program_rank" ON "funding_decisions" ("agency_id", "program_id", "rank")`,
    );
    await makeTenantTable(q, 'funding_decisions', 'SELECT, INSERT, UPDATE, DELETE');

    // What applicants were told cannot change afterwards; the awards module builds on it.
    await q.query(`
      CREATE FUNCTION funding_decisions_frozen_once_released() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.released_at IS NOT NULL THEN
          RAISE EXCEPTION 'funding decision % was released: % refused', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(
      `CREATE TRIGGER "funding_decisions_frozen" BEFORE UPDATE OR DELETE ON "funding_decisions"
         FOR EACH ROW EXECUTE FUNCTION funding_decisions_frozen_once_released()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'funding_decisions',
      'reviews',
      'review_assignments',
      'review_cases',
      'program_review_settings',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP FUNCTION funding_decisions_frozen_once_released()`);
  }
}
