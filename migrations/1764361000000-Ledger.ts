import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * The double-entry ledger (tenant-owned). Append-only for everyone: triggers refuse UPDATE,
 * DELETE and TRUNCATE (a correction is a reversing transaction), and the app role may only
 * INSERT and SELECT. A deferred constraint trigger checks at commit that every transaction has
 * at least two legs and that its debits equal its credits, so an unbalanced posting can never
 * commit, whatever the code does.
 */
export class Ledger1764361000000 implements MigrationInterface {
  name = 'Ledger1764361000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "ledger_transactions" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "kind" text NOT NULL, "source_type" text NOT NULL, "source_id" uuid NOT NULL, "memo" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ledger_transactions_source" UNIQUE ("agency_id", "kind", "source_type", "source_id"), CONSTRAINT "CHK_ledger_transactions_kind" CHECK ("kind" IN ('obligation', 'adjustment', 'disbursement', 'advance', 'liquidation', 'deobligation', 'refund_due', 'reversal')), CONSTRAINT "PK_ledger_transactions" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE TABLE "ledger_entries" ("agency_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "transaction_id" uuid NOT NULL, "award_id" uuid NOT NULL, "account" text NOT NULL, "side" text NOT NULL, "amount" numeric(14,2) NOT NULL, CONSTRAINT "CHK_ledger_entries_account" CHECK ("account" IN ('program_funds', 'undisbursed_obligation', 'advance_outstanding', 'cash', 'refund_receivable')), CONSTRAINT "CHK_ledger_entries_amount" CHECK ("amount" > 0), CONSTRAINT "CHK_ledger_entries_side" CHECK ("side" IN ('debit', 'credit')), CONSTRAINT "PK_ledger_entries" PRIMARY KEY ("agency_id", "id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_ledger_entries_transaction" ON "ledger_entries"  ("agency_id", "transaction_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_ledger_entries_award_account" ON "ledger_entries"  ("agency_id", "award_id", "account") `,
    );
    await q.query(
      `ALTER TABLE "ledger_transactions" ADD CONSTRAINT "FK_ledger_transactions_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "ledger_transactions" ADD CONSTRAINT "FK_ledger_transactions_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_transaction" FOREIGN KEY ("agency_id", "transaction_id") REFERENCES "ledger_transactions"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_award" FOREIGN KEY ("agency_id", "award_id") REFERENCES "awards"("agency_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await makeTenantTable(q, 'ledger_transactions', 'SELECT, INSERT');
    await makeTenantTable(q, 'ledger_entries', 'SELECT, INSERT');
    await q.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['ledger_transactions', 'ledger_entries']) {
      await q.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
      );
    }
    await q.query(`
      CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        tx uuid;
        net numeric;
        legs integer;
      BEGIN
        -- One function for both tables; each branch only names a column its table has.
        IF TG_TABLE_NAME = 'ledger_entries' THEN
          tx := NEW.transaction_id;
        ELSE
          tx := NEW.id;
        END IF;
        SELECT COALESCE(SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0), COUNT(*)
          INTO net, legs
          FROM ledger_entries WHERE agency_id = NEW.agency_id AND transaction_id = tx;
        IF net <> 0 OR legs < 2 THEN
          RAISE EXCEPTION 'ledger transaction % does not balance (debits minus credits %, % legs)', tx, net, legs
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['ledger_transactions', 'ledger_entries']) {
      await q.query(
        `CREATE CONSTRAINT TRIGGER "${table}_balanced" AFTER INSERT ON "${table}"
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced()`,
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "ledger_entries"`);
    await q.query(`DROP TABLE "ledger_transactions"`);
    await q.query(`DROP FUNCTION ledger_refuse_change()`);
    await q.query(`DROP FUNCTION ledger_check_balanced()`);
  }
}
