import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/** Closeout (tenant-owned): the final expenditure report of an award and its settlement. */
export class Closeout1764363000000 implements MigrationInterface {
  name = 'Closeout1764363000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "closeout_reports" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'submitted', "expenditures" jsonb NOT NULL, "total_expenditures" numeric(14,2) NOT NULL, "notes" text NOT NULL DEFAULT '', "submitted_by" uuid NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "return_reason" text, "settlement" jsonb, "carryover_award_id" uuid, "closed_by" uuid, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_closeout_reports_award" UNIQUE ("agency_id", "award_id"), CONSTRAINT "CHK_closeout_reports_status" CHECK ("status" IN ('submitted', 'returned', 'closed')), CONSTRAINT "PK_closeout_reports" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `ALTER TABLE "closeout_reports" ADD CONSTRAINT "FK_closeout_reports_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "closeout_reports" ADD CONSTRAINT "FK_closeout_reports_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await makeTenantTable(q, 'closeout_reports', 'SELECT, INSERT, UPDATE');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "closeout_reports"`);
  }
}
