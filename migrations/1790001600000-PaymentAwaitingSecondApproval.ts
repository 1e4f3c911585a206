import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES_BEFORE = `'submitted', 'approved', 'rejected', 'batched', 'paid'`;
const STATUSES_AFTER = `'submitted', 'awaiting_second_approval', 'approved', 'rejected', 'batched', 'paid'`;

/**
 * A payment request at or above the agency's dual-approval threshold that has its first
 * approval gets its own status, `awaiting_second_approval`, so the finance queue can list it
 * and the pages can say so (issue 18). Requests in that state today are moved to it: still
 * `submitted`, two approvals required, and one approval of the current content on record.
 */
export class PaymentAwaitingSecondApproval1790001600000 implements MigrationInterface {
  name = 'PaymentAwaitingSecondApproval1790001600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "payment_requests" DROP CONSTRAINT "CHK_payment_requests_status"`);
    await q.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "CHK_payment_requests_status" CHECK ("status" IN (${STATUSES_AFTER}))`,
    );
    await this.eachAgency(
      q,
      `UPDATE payment_requests r SET status = 'awaiting_second_approval'
        WHERE r.agency_id = $1 AND r.status = 'submitted' AND r.required_approvals > 1
          AND EXISTS (SELECT 1 FROM payment_approvals a
                       WHERE a.agency_id = r.agency_id AND a.request_id = r.id
                         AND a.decision = 'approved' AND a.content_hash = r.content_hash)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await this.eachAgency(
      q,
      `UPDATE payment_requests SET status = 'submitted'
        WHERE agency_id = $1 AND status = 'awaiting_second_approval'`,
    );
    await q.query(`ALTER TABLE "payment_requests" DROP CONSTRAINT "CHK_payment_requests_status"`);
    await q.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "CHK_payment_requests_status" CHECK ("status" IN (${STATUSES_BEFORE}))`,
    );
  }

  /** Row-level security is forced on the owner too: one agency at a time. */
  private async eachAgency(q: QueryRunner, statement: string): Promise<void> {
    const agencies = (await q.query(`SELECT id FROM agencies`)) as Array<{ id: string }>;
    for (const { id } of agencies) {
      await q.query(`SELECT set_config('app.agency_id', $1, true)`, [id]);
      await q.query(statement, [id]);
    }
    await q.query(`SELECT set_config('app.agency_id', '', true)`);
  }
}
