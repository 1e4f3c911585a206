import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who last changed an application's working copy, for the draft pages' "Last saved by … at …"
 * (several people of a district edit one draft over days). The table's grants cover the column.
 */
export class ApplicationUpdatedBy1790000500000 implements MigrationInterface {
  name = 'ApplicationUpdatedBy1790000500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "applications" ADD "updated_by" uuid`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "applications" DROP COLUMN "updated_by"`);
  }
}
