import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tenants. Readable by the app role; written only by the owner (agency sync). */
export class Agencies1764300000000 implements MigrationInterface {
  name = 'Agencies1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "agencies" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "code" text NOT NULL,
        "name" text NOT NULL,
        "jurisdiction" text NOT NULL,
        "time_zone" text NOT NULL,
        "config" jsonb NOT NULL,
        "config_hash" text NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_agencies_code" UNIQUE ("code"),
        CONSTRAINT "PK_agencies" PRIMARY KEY ("id")
      )`);
    await q.query(`GRANT SELECT ON "agencies" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "agencies"`);
  }
}
