import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Idempotency-Key rows (tenant-owned). The unique key is what makes concurrent duplicates wait
 * for the first request and then replay its stored response.
 */
export class IdempotencyKeys1764340000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764340000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "idempotency_keys" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "principal" text NOT NULL,
        "key" text NOT NULL,
        "request_hash" text NOT NULL,
        "response_status" integer,
        "response_body" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_idempotency_keys_key" UNIQUE ("agency_id", "principal", "key"),
        CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_idempotency_keys_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
      )`);
    await makeTenantTable(q, 'idempotency_keys', 'SELECT, INSERT, UPDATE');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "idempotency_keys"`);
  }
}
