import { MigrationInterface, QueryRunner } from 'typeorm';

const KEYS: Array<[table: string, constraint: string]> = [
  ['audit_events', 'FK_audit_events_agency'],
  ['jobs_outbox', 'FK_jobs_outbox_agency'],
  ['job_effects', 'FK_job_effects_agency'],
  ['idempotency_keys', 'FK_idempotency_keys_agency'],
  ['notifications', 'FK_notifications_agency'],
];

/**
 * Drops the foreign key to agencies on the append-only bookkeeping tables that every write
 * inserts into. Each check took FOR KEY SHARE on the agency's one row, so concurrent writes of an
 * agency piled multixacts onto it (about twenty checks per submission). The key guarded nothing
 * the tenant policy does not: RLS WITH CHECK pins agency_id to the transaction's agency, which
 * the request or job took from the agency directory, and agencies are never deleted (only
 * deactivated). Business tables keep their keys.
 */
export class AppendOnlyAgencyKeys1764405000000 implements MigrationInterface {
  name = 'AppendOnlyAgencyKeys1764405000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const [table, constraint] of KEYS) {
      await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${constraint}"`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [table, constraint] of KEYS) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${constraint}" FOREIGN KEY ("agency_id")
           REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
      );
    }
  }
}
