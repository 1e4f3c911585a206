import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Payee changes need a second person (issue 13): `payee_changes` holds requested bank details
 * until a different finance officer activates them; `payees` records who activated the active
 * details; payment requests record the payee (id, version) their approvals are bound to.
 *
 * Unpaid requests are bound to their organization's current payee, so approvals given before
 * this release keep counting (their content hash predates the binding) until the payee changes.
 */
export class PayeeChanges1764510000000 implements MigrationInterface {
  name = 'PayeeChanges1764510000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "payee_changes" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'pending', "payee_name" text NOT NULL, "routing_number_sealed" text NOT NULL, "account_number_sealed" text NOT NULL, "account_type" text NOT NULL, "routing_number_mask" text NOT NULL, "account_number_mask" text NOT NULL, "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_reason" text, "payee_version" integer, CONSTRAINT "CHK_payee_changes_status" CHECK ("status" IN ('pending', 'activated', 'rejected', 'cancelled')), CONSTRAINT "CHK_payee_changes_account_type" CHECK ("account_type" IN ('checking', 'savings')), CONSTRAINT "PK_payee_changes" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_payee_changes_one_pending" ON "payee_changes" ("agency_id", "organization_id") WHERE "status" = 'pending'`,
    );
    await q.query(
      `CREATE INDEX "IDX_payee_changes_organization" ON "payee_changes" ("agency_id", "organization_id", "requested_at") `,
    );
    await q.query(
      `ALTER TABLE "payee_changes" ADD CONSTRAINT "FK_payee_changes_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payee_changes" ADD CONSTRAINT "FK_payee_changes_organization" FOREIGN KEY ("agency_id", "organization_id") REFERENCES "organizations"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await makeTenantTable(q, 'payee_changes', 'SELECT, INSERT, UPDATE');
    await q.query(`ALTER TABLE "payees" ADD "activated_by" uuid`);
    await q.query(`ALTER TABLE "payees" ADD "change_id" uuid`);
    await q.query(`ALTER TABLE "payment_requests" ADD "payee_id" uuid`);
    await q.query(`ALTER TABLE "payment_requests" ADD "payee_version" integer`);
    // Row-level security is forced on the owner too: bind agency by agency.
    const agencies = (await q.query(`SELECT id FROM agencies`)) as Array<{ id: string }>;
    for (const { id } of agencies) {
      await q.query(`SELECT set_config('app.agency_id', $1, true)`, [id]);
      await q.query(
        `UPDATE payment_requests r SET payee_id = p.id, payee_version = p.version
           FROM payees p
          WHERE p.agency_id = r.agency_id AND p.organization_id = r.organization_id
            AND r.agency_id = $1 AND r.status IN ('submitted', 'approved', 'batched')`,
        [id],
      );
    }
    await q.query(`SELECT set_config('app.agency_id', '', true)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "payment_requests" DROP COLUMN "payee_version"`);
    await q.query(`ALTER TABLE "payment_requests" DROP COLUMN "payee_id"`);
    await q.query(`ALTER TABLE "payees" DROP COLUMN "change_id"`);
    await q.query(`ALTER TABLE "payees" DROP COLUMN "activated_by"`);
    await q.query(`DROP TABLE "payee_changes"`);
  }
}
