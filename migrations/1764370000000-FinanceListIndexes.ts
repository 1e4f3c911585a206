import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes led by agency_id for the finance lists that had none matching their ORDER BY: the
 * agency's payment requests and awards newest first (unfiltered and by status), and an award's
 * ledger history. Without them a keyset page sorted every row of the agency (or, for the
 * history, every ledger transaction of the agency).
 */
export class FinanceListIndexes1764370000000 implements MigrationInterface {
  name = 'FinanceListIndexes1764370000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_payment_requests_requested" ON "payment_requests"  ("agency_id", "requested_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_payment_requests_status_requested" ON "payment_requests"  ("agency_id", "status", "requested_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_awards_offered" ON "awards"  ("agency_id", "offered_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_awards_status_offered" ON "awards"  ("agency_id", "status", "offered_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_ledger_transactions_award" ON "ledger_transactions"  ("agency_id", "award_id", "created_at", "id") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_ledger_transactions_award"`);
    await q.query(`DROP INDEX "public"."IDX_awards_status_offered"`);
    await q.query(`DROP INDEX "public"."IDX_awards_offered"`);
    await q.query(`DROP INDEX "public"."IDX_payment_requests_status_requested"`);
    await q.query(`DROP INDEX "public"."IDX_payment_requests_requested"`);
  }
}
