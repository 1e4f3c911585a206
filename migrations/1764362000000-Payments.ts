import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Payments (tenant-owned): payees (bank details sealed with AES-256-GCM), payment requests and
 * their budget lines, approvals (append-only: each binds the approver, time, amount and the hash
 * of what was approved) and payment batches.
 */
export class Payments1764362000000 implements MigrationInterface {
  name = 'Payments1764362000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "payees" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "payee_name" text NOT NULL, "routing_number_sealed" text NOT NULL, "account_number_sealed" text NOT NULL, "account_type" text NOT NULL, "routing_number_mask" text NOT NULL, "account_number_mask" text NOT NULL, "version" integer NOT NULL DEFAULT '1', "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_payees_organization" UNIQUE ("agency_id", "organization_id"), CONSTRAINT "CHK_payees_account_type" CHECK ("account_type" IN ('checking', 'savings')), CONSTRAINT "PK_payees" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "payment_batches" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "status" text NOT NULL DEFAULT 'exporting', "window_start" date NOT NULL, "window_end" date NOT NULL, "pay_by" date NOT NULL, "format" text NOT NULL, "total" numeric(14,2) NOT NULL, "payment_count" integer NOT NULL, "file_name" text, "media_type" text, "storage_key" text, "file_sha256" text, "file_bytes" integer, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "exported_at" TIMESTAMP WITH TIME ZONE, "reconciled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_payment_batches_reference" UNIQUE ("agency_id", "reference"), CONSTRAINT "UQ_payment_batches_window" UNIQUE ("agency_id", "window_start"), CONSTRAINT "CHK_payment_batches_status" CHECK ("status" IN ('exporting', 'exported', 'reconciled')), CONSTRAINT "PK_payment_batches" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "payment_requests" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "award_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "type" text NOT NULL, "status" text NOT NULL DEFAULT 'submitted', "amount_requested" numeric(14,2) NOT NULL, "amount" numeric(14,2) NOT NULL, "advance_applied" numeric(14,2) NOT NULL DEFAULT '0', "period_start" date NOT NULL, "period_end" date NOT NULL, "description" text NOT NULL DEFAULT '', "required_approvals" integer NOT NULL, "content_hash" text NOT NULL, "reduction_reason" text, "rejection_reason" text, "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "approved_at" TIMESTAMP WITH TIME ZONE, "rejected_at" TIMESTAMP WITH TIME ZONE, "batch_id" uuid, "paid_on" date, "paid_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_payment_requests_reference" UNIQUE ("agency_id", "reference"), CONSTRAINT "CHK_payment_requests_period" CHECK ("period_end" >= "period_start"), CONSTRAINT "CHK_payment_requests_amounts" CHECK ("amount" > 0 AND "amount" <= "amount_requested" AND "advance_applied" >= 0 AND "advance_applied" <= "amount"), CONSTRAINT "CHK_payment_requests_type" CHECK ("type" IN ('reimbursement', 'advance')), CONSTRAINT "CHK_payment_requests_status" CHECK ("status" IN ('submitted', 'approved', 'rejected', 'batched', 'paid')), CONSTRAINT "PK_payment_requests" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_payment_requests_batch" ON "payment_requests"  ("agency_id", "batch_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_payment_requests_organization" ON "payment_requests"  ("agency_id", "organization_id", "requested_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_payment_requests_status_approved" ON "payment_requests"  ("agency_id", "status", "approved_at") `,
    );
    await q.query(
      `CREATE INDEX "IDX_payment_requests_award_status" ON "payment_requests"  ("agency_id", "award_id", "status") `,
    );
    await q.query(
      `CREATE TABLE "payment_request_lines" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "request_id" uuid NOT NULL, "function_code" text NOT NULL, "object_code" text NOT NULL, "amount_requested" numeric(14,2) NOT NULL, "amount" numeric(14,2) NOT NULL, CONSTRAINT "UQ_payment_request_lines_code" UNIQUE ("agency_id", "request_id", "function_code", "object_code"), CONSTRAINT "CHK_payment_request_lines_amounts" CHECK ("amount" >= 0 AND "amount" <= "amount_requested"), CONSTRAINT "PK_payment_request_lines" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "payment_approvals" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "request_id" uuid NOT NULL, "approver_id" uuid NOT NULL, "approver_email" text, "decision" text NOT NULL, "amount" numeric(14,2) NOT NULL, "content_hash" text NOT NULL, "reason" text, "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT "UQ_payment_approvals_once" UNIQUE ("agency_id", "request_id", "approver_id", "content_hash"), CONSTRAINT "CHK_payment_approvals_decision" CHECK ("decision" IN ('approved', 'rejected')), CONSTRAINT "PK_payment_approvals" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `ALTER TABLE "payees" ADD CONSTRAINT "FK_payees_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payees" ADD CONSTRAINT "FK_payees_organization" FOREIGN KEY ("agency_id", "organization_id") REFERENCES "organizations"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_batches" ADD CONSTRAINT "FK_payment_batches_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "FK_payment_requests_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "FK_payment_requests_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "FK_payment_requests_batch" FOREIGN KEY ("agency_id", "batch_id") REFERENCES "payment_batches"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_request_lines" ADD CONSTRAINT "FK_payment_request_lines_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_request_lines" ADD CONSTRAINT "FK_payment_request_lines_request" FOREIGN KEY ("agency_id", "request_id") REFERENCES "payment_requests"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_approvals" ADD CONSTRAINT "FK_payment_approvals_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_approvals" ADD CONSTRAINT "FK_payment_approvals_request" FOREIGN KEY ("agency_id", "request_id") REFERENCES "payment_requests"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await makeTenantTable(q, 'payees', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'payment_batches', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'payment_requests', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'payment_request_lines', 'SELECT, INSERT, UPDATE');
    await makeTenantTable(q, 'payment_approvals', 'SELECT, INSERT');
    await q.query(`
      CREATE FUNCTION payments_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['payment_approvals']) {
      await q.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION payments_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION payments_refuse_change()`,
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "payment_approvals"`);
    await q.query(`DROP TABLE "payment_request_lines"`);
    await q.query(`DROP TABLE "payment_requests"`);
    await q.query(`DROP TABLE "payment_batches"`);
    await q.query(`DROP TABLE "payees"`);
    await q.query(`DROP FUNCTION payments_refuse_change()`);
  }
}
