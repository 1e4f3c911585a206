import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

const agencyFk = (table: string) =>
  `CONSTRAINT "FK_${table}_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`;
const programFk = (table: string) =>
  `CONSTRAINT "FK_${table}_program" FOREIGN KEY ("agency_id", "program_id") REFERENCES "programs"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION`;

/**
 * Formula allocations (tenant-owned): a program's formula configuration, uploaded input sets and
 * their rows, computation runs and the allocations each run produced. Inputs and allocations are
 * written once (the app role may only INSERT and SELECT them); a revision is a new upload or run.
 */
export class Allocations1764351000000 implements MigrationInterface {
  name = 'Allocations1764351000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "formula_configs" (
        "agency_id" uuid NOT NULL,
        "program_id" uuid NOT NULL,
        "factors" jsonb NOT NULL,
        "minimum_allocation" numeric(14,2),
        "maximum_allocation" numeric(14,2),
        "hold_harmless_percent" numeric(5,2),
        "version" integer NOT NULL DEFAULT '1',
        "updated_by" uuid,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_formula_configs" PRIMARY KEY ("agency_id", "program_id"),
        ${agencyFk('formula_configs')},
        ${programFk('formula_configs')}
      )`);
    await makeTenantTable(q, 'formula_configs', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "formula_input_sets" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "program_id" uuid NOT NULL,
        "filename" text,
        "sha256" text NOT NULL,
        "row_count" integer NOT NULL,
        "factor_names" text array NOT NULL,
        "uploaded_by" uuid,
        "uploaded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_formula_input_sets" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('formula_input_sets')},
        ${programFk('formula_input_sets')}
      )`);
    await q.query(
      `CREATE INDEX "IDX_formula_input_sets_program" ON "formula_input_sets" ("agency_id", "program_id", "uploaded_at")`,
    );
    await makeTenantTable(q, 'formula_input_sets', 'SELECT, INSERT');

    await q.query(`
      CREATE TABLE "formula_input_rows" (
        "agency_id" uuid NOT NULL,
        "input_set_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "line" integer NOT NULL,
        "identifier" text NOT NULL,
        "factors" jsonb NOT NULL,
        "prior_allocation" numeric(14,2),
        CONSTRAINT "PK_formula_input_rows" PRIMARY KEY ("agency_id", "input_set_id", "organization_id"),
        ${agencyFk('formula_input_rows')},
        CONSTRAINT "FK_formula_input_rows_set" FOREIGN KEY ("agency_id", "input_set_id") REFERENCES "formula_input_sets"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await makeTenantTable(q, 'formula_input_rows', 'SELECT, INSERT');

    await q.query(`
      CREATE TABLE "allocation_runs" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "program_id" uuid NOT NULL,
        "number" integer NOT NULL,
        "input_set_id" uuid NOT NULL,
        "status" text NOT NULL DEFAULT 'computed',
        "funds" numeric(14,2) NOT NULL,
        "config" jsonb NOT NULL,
        "allocated" numeric(14,2) NOT NULL,
        "unallocated" numeric(14,2) NOT NULL,
        "computed_by" uuid,
        "computed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        "published_by" uuid,
        CONSTRAINT "UQ_allocation_runs_number" UNIQUE ("agency_id", "program_id", "number"),
        CONSTRAINT "CHK_allocation_runs_status" CHECK ("status" IN ('computed', 'preliminary', 'final', 'superseded')),
        CONSTRAINT "PK_allocation_runs" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('allocation_runs')},
        ${programFk('allocation_runs')},
        CONSTRAINT "FK_allocation_runs_input_set" FOREIGN KEY ("agency_id", "input_set_id") REFERENCES "formula_input_sets"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    // One final allocation per program, enforced by the database.
    await q.query(
      `CREATE UNIQUE INDEX "UQ_allocation_runs_final" ON "allocation_runs" ("agency_id", "program_id") WHERE "status" = 'final'`,
    );
    await makeTenantTable(q, 'allocation_runs', 'SELECT, INSERT, UPDATE');

    await q.query(`
      CREATE TABLE "formula_allocations" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "run_id" uuid NOT NULL,
        "program_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "identifier" text NOT NULL,
        "weighted_count" text NOT NULL,
        "proportional_share" numeric(14,2) NOT NULL,
        "amount" numeric(14,2) NOT NULL,
        "applied_constraint" text,
        CONSTRAINT "UQ_formula_allocations_organization" UNIQUE ("agency_id", "run_id", "organization_id"),
        CONSTRAINT "PK_formula_allocations" PRIMARY KEY ("agency_id", "id"),
        ${agencyFk('formula_allocations')},
        CONSTRAINT "FK_formula_allocations_run" FOREIGN KEY ("agency_id", "run_id") REFERENCES "allocation_runs"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_formula_allocations_organization" FOREIGN KEY ("agency_id", "organization_id") REFERENCES "organizations"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_formula_allocations_organization" ON "formula_allocations" ("agency_id", "organization_id", "program_id")`,
    );
    await makeTenantTable(q, 'formula_allocations', 'SELECT, INSERT');
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'formula_allocations',
      'allocation_runs',
      'formula_input_rows',
      'formula_input_sets',
      'formula_configs',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
  }
}
