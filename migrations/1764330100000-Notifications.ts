import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/** The user id a signed-in request outside any agency sets (as in 1764320000000-Identity). */
const CURRENT_USER = `NULLIF(current_setting('app.user_id', true), '')::uuid`;

/** In-app notifications: one row per user and notice, tenant-owned. */
export class Notifications1764330100000 implements MigrationInterface {
  name = 'Notifications1764330100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "agency_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "template" text NOT NULL,
        "subject" text NOT NULL,
        "body" text NOT NULL,
        "link" text,
        "dedupe_key" text,
        "read_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_notifications_dedupe" UNIQUE ("agency_id", "user_id", "dedupe_key"),
        CONSTRAINT "UQ_notifications_agency_id_id" UNIQUE ("agency_id", "id"),
        CONSTRAINT "PK_notifications" PRIMARY KEY ("id"),
        CONSTRAINT "FK_notifications_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_notifications_user" FOREIGN KEY ("user_id") REFERENCES "users"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_notifications_user_created" ON "notifications" ("user_id", "created_at")`,
    );
    await makeTenantTable(q, 'notifications', 'SELECT, INSERT');
    // Reading marks a notice, nothing else: the only column the app may change.
    await q.query(`GRANT UPDATE ("read_at") ON "notifications" TO gc_app`);
    // GET /me/notifications lists a user's own rows in every agency (app.user_id, set only by
    // signed-in requests outside an agency); with neither setting the table shows nothing.
    await q.query(
      `CREATE POLICY "notifications_own_rows" ON "notifications" FOR SELECT USING ("user_id" = ${CURRENT_USER})`,
    );
    await q.query(
      `CREATE POLICY "notifications_own_rows_read" ON "notifications" FOR UPDATE
         USING ("user_id" = ${CURRENT_USER}) WITH CHECK ("user_id" = ${CURRENT_USER})`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notifications"`);
  }
}
