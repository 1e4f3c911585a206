import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Background work: the transactional outbox (jobs_outbox), processed-effect keys (job_effects)
 * and the in-process scheduler's clock (job_schedules).
 *
 * The outbox is tenant-owned like every table with agency_id, so the app role sees one agency's
 * rows at a time. The relay must see all agencies' due rows; it does so only through the
 * SECURITY DEFINER functions below, owned by the owner role (the role running this migration).
 * A policy scoped TO that owner role lets those functions (and nothing the app role runs
 * directly) read across agencies, since FORCE ROW LEVEL SECURITY binds the owner too. The app
 * role keeps NOBYPASSRLS and gets EXECUTE on these narrow functions only: claim a batch, release
 * it, list and retry dead letters (ids, names and errors, never payloads), prune old done rows.
 */
export class Jobs1764330000000 implements MigrationInterface {
  name = 'Jobs1764330000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "jobs_outbox" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "agency_id" uuid NOT NULL,
        "name" text NOT NULL,
        "payload" jsonb NOT NULL,
        "state" text NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT '0',
        "max_attempts" integer NOT NULL,
        "run_after" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "leased_until" TIMESTAMP WITH TIME ZONE,
        "last_error" text,
        "request_id" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_jobs_outbox_agency_id_id" UNIQUE ("agency_id", "id"),
        CONSTRAINT "CHK_jobs_outbox_state" CHECK ("state" IN ('pending', 'published', 'done', 'dead')),
        CONSTRAINT "PK_jobs_outbox" PRIMARY KEY ("id"),
        CONSTRAINT "FK_jobs_outbox_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    // The relay's two scans, each on a small partial index (done rows are the bulk of the table).
    await q.query(
      `CREATE INDEX "IDX_jobs_outbox_pending" ON "jobs_outbox" ("run_after") WHERE "state" = 'pending'`,
    );
    await q.query(
      `CREATE INDEX "IDX_jobs_outbox_leased" ON "jobs_outbox" ("leased_until") WHERE "state" = 'published'`,
    );
    await q.query(
      `CREATE INDEX "IDX_jobs_outbox_dead" ON "jobs_outbox" ("finished_at", "id") WHERE "state" = 'dead'`,
    );
    await makeTenantTable(q, 'jobs_outbox', 'SELECT, INSERT, UPDATE');
    await q.query(
      `CREATE POLICY "jobs_outbox_relay" ON "jobs_outbox" TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );

    // Wake the relay after commit (notifications are delivered only when the transaction commits,
    // so a rolled-back enqueue wakes nobody). Once per statement, not per row.
    await q.query(`
      CREATE FUNCTION "jobs_outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('gc_jobs_outbox', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER "jobs_outbox_inserted" AFTER INSERT ON "jobs_outbox"
      FOR EACH STATEMENT EXECUTE FUNCTION "jobs_outbox_notify"()`);

    await q.query(`
      CREATE FUNCTION "jobs_outbox_claim"(p_limit integer, p_lease_ms integer)
      RETURNS TABLE (id uuid, agency_id uuid, agency_code text, name text, payload jsonb,
                     attempts integer, request_id text, republish boolean)
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH expired AS (
          SELECT o.id, true AS republish FROM jobs_outbox o
          WHERE o.state = 'published' AND o.leased_until < now()
          ORDER BY o.leased_until LIMIT p_limit FOR UPDATE SKIP LOCKED
        ), due AS (
          SELECT o.id, o.published_at IS NOT NULL AS republish FROM jobs_outbox o
          WHERE o.state = 'pending' AND o.run_after <= now()
          ORDER BY o.run_after LIMIT p_limit FOR UPDATE SKIP LOCKED
        ), picked AS (
          SELECT * FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) p LIMIT p_limit
        )
        UPDATE jobs_outbox o
           SET state = 'published',
               leased_until = now() + p_lease_ms * interval '1 millisecond',
               published_at = now()
          FROM picked, agencies a
         WHERE o.id = picked.id AND a.id = o.agency_id
        RETURNING o.id, o.agency_id, a.code, o.name, o.payload, o.attempts, o.request_id,
                  picked.republish
      $$`);
    await q.query(`
      CREATE FUNCTION "jobs_outbox_release"(p_ids uuid[]) RETURNS void
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        UPDATE jobs_outbox SET state = 'pending', leased_until = NULL
         WHERE id = ANY(p_ids) AND state = 'published'
      $$`);
    await q.query(`
      CREATE FUNCTION "jobs_outbox_dead_letters"(p_limit integer, p_after_finished timestamptz, p_after_id uuid)
      RETURNS TABLE (id uuid, agency_id uuid, agency_code text, name text, attempts integer,
                     max_attempts integer, last_error text, created_at timestamptz, finished_at timestamptz)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT o.id, o.agency_id, a.code, o.name, o.attempts, o.max_attempts, o.last_error,
               o.created_at, o.finished_at
          FROM jobs_outbox o JOIN agencies a ON a.id = o.agency_id
         WHERE o.state = 'dead'
           AND (p_after_finished IS NULL OR (o.finished_at, o.id) < (p_after_finished, p_after_id))
         ORDER BY o.finished_at DESC, o.id DESC
         LIMIT p_limit
      $$`);
    await q.query(`
      CREATE FUNCTION "jobs_outbox_retry"(p_id uuid)
      RETURNS TABLE (agency_id uuid, agency_code text, name text, previous_state text)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        found_job jobs_outbox%ROWTYPE;
      BEGIN
        SELECT * INTO found_job FROM jobs_outbox o WHERE o.id = p_id FOR UPDATE;
        IF NOT FOUND THEN RETURN; END IF;
        IF found_job.state = 'dead' THEN
          UPDATE jobs_outbox o
             SET state = 'pending', attempts = 0, run_after = now(), leased_until = NULL,
                 finished_at = NULL
           WHERE o.id = p_id;
          PERFORM pg_notify('gc_jobs_outbox', '');
        END IF;
        RETURN QUERY SELECT found_job.agency_id, a.code, found_job.name, found_job.state
          FROM agencies a WHERE a.id = found_job.agency_id;
      END $$`);
    await q.query(`
      CREATE FUNCTION "jobs_outbox_prune"(p_finished_before timestamptz) RETURNS integer
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH gone AS (
          DELETE FROM jobs_outbox WHERE state = 'done' AND finished_at < p_finished_before RETURNING 1
        ) SELECT count(*)::integer FROM gone
      $$`);
    for (const fn of [
      'jobs_outbox_claim(integer, integer)',
      'jobs_outbox_release(uuid[])',
      'jobs_outbox_dead_letters(integer, timestamptz, uuid)',
      'jobs_outbox_retry(uuid)',
      'jobs_outbox_prune(timestamptz)',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO gc_app`);
    }

    await q.query(`
      CREATE TABLE "job_effects" (
        "agency_id" uuid NOT NULL,
        "effect_key" text NOT NULL,
        "job_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_job_effects" PRIMARY KEY ("agency_id", "effect_key"),
        CONSTRAINT "FK_job_effects_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
    await makeTenantTable(q, 'job_effects', 'SELECT, INSERT');

    await q.query(`
      CREATE TABLE "job_schedules" (
        "name" text NOT NULL,
        "every_ms" integer NOT NULL,
        "next_run_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_run_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_job_schedules" PRIMARY KEY ("name")
      )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "job_schedules" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "job_schedules"`);
    await q.query(`DROP TABLE "job_effects"`);
    await q.query(`DROP FUNCTION "jobs_outbox_prune"(timestamptz)`);
    await q.query(`DROP FUNCTION "jobs_outbox_retry"(uuid)`);
    await q.query(`DROP FUNCTION "jobs_outbox_dead_letters"(integer, timestamptz, uuid)`);
    await q.query(`DROP FUNCTION "jobs_outbox_release"(uuid[])`);
    await q.query(`DROP FUNCTION "jobs_outbox_claim"(integer, integer)`);
    await q.query(`DROP TABLE "jobs_outbox"`);
    await q.query(`DROP FUNCTION "jobs_outbox_notify"()`);
  }
}
