import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Program templates are shared from publication on (ProgramTemplates.refresh): snapshots that
 * earlier code took of shareable drafts are withdrawn. Row-level security is forced on both
 * tables, the owner included, so each source agency's rows are deleted in its own context (one
 * DO block: the transaction-local setting holds for the loop). Publishing the program shares it
 * again. Nothing to restore on down: the next edit of such a draft would not share it either.
 */
export class WithdrawDraftTemplates1764540100000 implements MigrationInterface {
  name = 'WithdrawDraftTemplates1764540100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE
        agency uuid;
      BEGIN
        FOR agency IN SELECT DISTINCT source_agency_id FROM program_templates LOOP
          PERFORM set_config('app.agency_id', agency::text, true);
          DELETE FROM program_templates t
           USING programs p
           WHERE t.source_agency_id = agency AND p.agency_id = agency
             AND p.id = t.source_program_id AND p.status = 'draft';
        END LOOP;
        PERFORM set_config('app.agency_id', '', true);
      END $$`);
  }

  public async down(): Promise<void> {
    // Withdrawn snapshots are not re-created: a draft is not shared.
  }
}
