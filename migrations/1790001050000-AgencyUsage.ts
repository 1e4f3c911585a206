import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * Usage metering per agency and month (the shared deployment's cost made visible).
 *
 * `agency_usage` holds one row per agency, month and shard of counters, added to as the work happens
 * (each database connection adds to its own shard, so concurrent submissions and jobs of one
 * agency do not queue on one row's lock; reports add the shards up):
 * in the business transaction (applications submitted, uploads, jobs run, emails sent) or, for
 * API requests and active users, from the API's in-memory tally flushed every few seconds.
 * `agency_active_users` remembers who made a request in the agency that month (counted on read).
 * `storage_bytes_added` is a delta: bytes held at a month's end are the sum up to that month.
 *
 * Both are tenant-owned (forced RLS): an agency admin reads their own rows under the policy.
 * The platform report reads every agency through one SECURITY DEFINER function, as the dead
 * letters do: a policy scoped TO the owner role lets that function (and nothing the app role
 * runs directly) see across agencies. It returns counts only, never grant data. No foreign key
 * to agencies (each write would lock the agency's row, see 1764405000000).
 */
export class AgencyUsage1790001050000 implements MigrationInterface {
  name = 'AgencyUsage1790001050000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "agency_usage" (
        "agency_id" uuid NOT NULL,
        "month" date NOT NULL,
        "shard" smallint NOT NULL DEFAULT '0',
        "api_requests" bigint NOT NULL DEFAULT '0',
        "applications_submitted" bigint NOT NULL DEFAULT '0',
        "storage_bytes_added" bigint NOT NULL DEFAULT '0',
        "emails_sent" bigint NOT NULL DEFAULT '0',
        "jobs_run" bigint NOT NULL DEFAULT '0',
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_agency_usage_month" CHECK (date_trunc('month', "month") = "month"),
        CONSTRAINT "CHK_agency_usage_shard" CHECK ("shard" BETWEEN 0 AND 15),
        CONSTRAINT "PK_agency_usage" PRIMARY KEY ("agency_id", "month", "shard")
      )`);
    await makeTenantTable(q, 'agency_usage', 'SELECT, INSERT, UPDATE');
    await q.query(
      `CREATE POLICY "agency_usage_platform_report" ON "agency_usage" TO CURRENT_USER USING (true)`,
    );
    await q.query(`
      CREATE TABLE "agency_active_users" (
        "agency_id" uuid NOT NULL,
        "month" date NOT NULL,
        "user_id" uuid NOT NULL,
        CONSTRAINT "PK_agency_active_users" PRIMARY KEY ("agency_id", "month", "user_id")
      )`);
    await makeTenantTable(q, 'agency_active_users', 'SELECT, INSERT');
    await q.query(
      `CREATE POLICY "agency_active_users_platform_report" ON "agency_active_users" TO CURRENT_USER USING (true)`,
    );
    await q.query(`
      CREATE FUNCTION "agency_usage_report"(p_month date)
      RETURNS TABLE (agency_id uuid, agency_code text, agency_name text, api_requests bigint,
                     applications_submitted bigint, storage_bytes_held bigint, emails_sent bigint,
                     jobs_run bigint, active_users bigint)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT a.id, a.code, a.name,
               COALESCE(u.api_requests, 0)::bigint, COALESCE(u.applications_submitted, 0)::bigint,
               COALESCE((SELECT sum(s.storage_bytes_added) FROM agency_usage s
                          WHERE s.agency_id = a.id AND s.month <= p_month), 0)::bigint,
               COALESCE(u.emails_sent, 0)::bigint, COALESCE(u.jobs_run, 0)::bigint,
               (SELECT count(*) FROM agency_active_users au
                 WHERE au.agency_id = a.id AND au.month = p_month)
          FROM agencies a
          LEFT JOIN (SELECT s.agency_id, sum(s.api_requests) AS api_requests,
                            sum(s.applications_submitted) AS applications_submitted,
                            sum(s.emails_sent) AS emails_sent, sum(s.jobs_run) AS jobs_run
                       FROM agency_usage s WHERE s.month = p_month GROUP BY s.agency_id) u
            ON u.agency_id = a.id
         WHERE a.active
         ORDER BY a.code
      $$`);
    // The outbox backlog for /metrics: counts only, read across agencies (each on its partial
    // index, so the done rows, the bulk of the table, are never scanned).
    await q.query(`
      CREATE FUNCTION "jobs_outbox_backlog"()
      RETURNS TABLE (pending bigint, published bigint, dead bigint, oldest_due_seconds float8)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT (SELECT count(*) FROM jobs_outbox WHERE state = 'pending'),
               (SELECT count(*) FROM jobs_outbox WHERE state = 'published'),
               (SELECT count(*) FROM jobs_outbox WHERE state = 'dead'),
               COALESCE((SELECT EXTRACT(EPOCH FROM now() - min(run_after))::float8
                           FROM jobs_outbox WHERE state = 'pending' AND run_after <= now()), 0)
      $$`);
    for (const fn of ['agency_usage_report(date)', 'jobs_outbox_backlog()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO gc_app`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "jobs_outbox_backlog"()`);
    await q.query(`DROP FUNCTION "agency_usage_report"(date)`);
    await q.query(`DROP TABLE "agency_active_users"`);
    await q.query(`DROP TABLE "agency_usage"`);
  }
}
