import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an in-app notice was written from (its template's data), so a page renders it in the
 * reader's language of the moment, through the notice catalogs; the subject and body stay as
 * written (in the recipient's saved language) for the API. Older rows have none: English. The
 * table's grants and row-level security cover the column.
 */
export class NotificationData1790000900000 implements MigrationInterface {
  name = 'NotificationData1790000900000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" ADD "data" jsonb`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "data"`);
  }
}
