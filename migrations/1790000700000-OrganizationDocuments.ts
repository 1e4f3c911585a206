import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * An organization's document library (tenant-owned): the files a district sends again and
 * again (single audit report, assurances, indirect cost rate agreement, board approval), kept
 * once with their expiry dates. Rows are never deleted (the audit names them): removing one sets
 * `removed_at`. `reminded_days` is the nearest expiry reminder already sent for the current
 * expiry date, so a schedule that runs twice sends each reminder once.
 */
export class OrganizationDocuments1790000700000 implements MigrationInterface {
  name = 'OrganizationDocuments1790000700000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "organization_documents" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "organization_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "title" text NOT NULL,
        "filename" text NOT NULL,
        "content_type" text NOT NULL,
        "size_bytes" bigint NOT NULL,
        "sha256" text NOT NULL,
        "storage_key" text NOT NULL,
        "expires_on" date,
        "reminded_days" integer,
        "uploaded_by" uuid,
        "version" integer NOT NULL DEFAULT '1',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "removed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "CHK_organization_documents_kind" CHECK ("kind" IN ('single_audit_report', 'assurances', 'indirect_cost_rate_agreement', 'board_approval', 'other')),
        CONSTRAINT "PK_organization_documents" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_organization_documents_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION,
        CONSTRAINT "FK_organization_documents_organization" FOREIGN KEY ("agency_id", "organization_id")
          REFERENCES "organizations"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "IDX_organization_documents_organization" ON "organization_documents" ("agency_id", "organization_id", "created_at")`,
    );
    await q.query(
      `CREATE INDEX "IDX_organization_documents_expiry" ON "organization_documents" ("agency_id", "expires_on")`,
    );
    await makeTenantTable(q, 'organization_documents', 'SELECT, INSERT, UPDATE');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "organization_documents"`);
  }
}
