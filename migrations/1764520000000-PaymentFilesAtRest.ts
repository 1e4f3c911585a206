import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment files at rest: the id of the master key that wraps a batch file's data key (null for
 * files written in plaintext before this change), and when the stored file was purged after
 * reconciliation plus the agency's retention days.
 */
export class PaymentFilesAtRest1764520000000 implements MigrationInterface {
  name = 'PaymentFilesAtRest1764520000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "payment_batches" ADD "file_key_id" text`);
    await q.query(`ALTER TABLE "payment_batches" ADD "file_purged_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "payment_batches" DROP COLUMN "file_purged_at"`);
    await q.query(`ALTER TABLE "payment_batches" DROP COLUMN "file_key_id"`);
  }
}
