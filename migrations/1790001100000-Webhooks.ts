import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Outgoing webhooks (issue 18, item 4): an agency's endpoints, their deliveries (one per event
 * and endpoint, the exact body signed and sent) and each delivery's HTTP attempts. All three are
 * tenant-owned (forced RLS). Deliveries and attempts carry no foreign key to agencies (a write
 * per event would lock the agency's row, see 1764405000000); they go with their endpoint.
 */
export class Webhooks1790001100000 implements MigrationInterface {
  name = 'Webhooks1790001100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhook_endpoints" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "url" text NOT NULL,
        "description" text,
        "events" text array NOT NULL,
        "enabled" boolean NOT NULL DEFAULT true,
        "disabled_reason" text,
        "secret_sealed" text NOT NULL,
        "previous_secret_sealed" text,
        "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
        "consecutive_failures" integer NOT NULL DEFAULT '0',
        "failing_since" TIMESTAMP WITH TIME ZONE,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_webhook_endpoints_disabled_reason" CHECK ("disabled_reason" IS NULL OR "disabled_reason" IN ('manual', 'failing')),
        CONSTRAINT "PK_webhook_endpoints" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_webhook_endpoints_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await makeTenantTable(q, 'webhook_endpoints');

    await q.query(`
      CREATE TABLE "webhook_deliveries" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "endpoint_id" uuid NOT NULL,
        "event_id" text NOT NULL,
        "event_type" text NOT NULL,
        "body" text NOT NULL,
        "state" text NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT '0',
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "CHK_webhook_deliveries_state" CHECK ("state" IN ('pending', 'delivered', 'failed')),
        CONSTRAINT "PK_webhook_deliveries" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_webhook_deliveries_endpoint" FOREIGN KEY ("agency_id", "endpoint_id")
          REFERENCES "webhook_endpoints"("agency_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_webhook_deliveries_endpoint" ON "webhook_deliveries" ("agency_id", "endpoint_id", "created_at", "id")`,
    );
    await makeTenantTable(q, 'webhook_deliveries');

    await q.query(`
      CREATE TABLE "webhook_delivery_attempts" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "delivery_id" uuid NOT NULL,
        "attempted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "trigger" text NOT NULL,
        "status_code" integer,
        "duration_ms" integer NOT NULL,
        "succeeded" boolean NOT NULL,
        "error" text,
        "response_snippet" text,
        CONSTRAINT "CHK_webhook_delivery_attempts_trigger" CHECK ("trigger" IN ('scheduled', 'replay')),
        CONSTRAINT "PK_webhook_delivery_attempts" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_webhook_delivery_attempts_delivery" FOREIGN KEY ("agency_id", "delivery_id")
          REFERENCES "webhook_deliveries"("agency_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_webhook_delivery_attempts_delivery" ON "webhook_delivery_attempts" ("agency_id", "delivery_id", "attempted_at")`,
    );
    await makeTenantTable(q, 'webhook_delivery_attempts');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_delivery_attempts"`);
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "webhook_endpoints"`);
  }
}
