import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_AGENCY, makeTenantTable } from './support/tenant-table';

/** The policy's agency expression, quoted for a string literal inside a function body. */
const AGENCY_IN_LITERAL = CURRENT_AGENCY.replace(/'/g, "''");

/**
 * Months created ahead of the current one, here and by the daily schedule (TimePartitions). Every
 * query that cannot prune by month plans and probes each partition, empty ones included, so the
 * margin is a quarter (a daily job that fails for ~90 days), not a year.
 */
const MONTHS_AHEAD = 3;

/**
 * Partitions the audit log (audit_events) by month of occurred_at (declarative range
 * partitioning, UTC months). Reads and reports over a time range touch only their months; a month
 * can be archived (DETACH, dump, DROP: no DELETE, no vacuum); each month's indexes stay small.
 *
 * What stays unpartitioned, and why (measured in docs/decisions/0013):
 * - ledger_entries / ledger_transactions: the hot read is an award's balances, by award with no
 *   time in it, so it would probe every month (2-3.5x slower with 5 years of months, growing);
 *   the ledger is kept for the life of awards plus their retention, never dropped by month; and
 *   UNIQUE (agency_id, kind, source_type, source_id), which makes a payment impossible to post
 *   twice, would have to include the partition key and so only hold within a month.
 * - jobs_outbox: every hot statement finds rows by id (claim, mark done, retry, BullMQ job id),
 *   which a time partitioning cannot prune; done rows live 7 days.
 * - audit_chain: read by position, never by time. It gains event_occurred_at so that its foreign
 *   key names the whole key of the partitioned events (and the verifier's join prunes).
 *
 * Existing rows move: the table is renamed, a partitioned one is created with partitions from the
 * earliest row's month to MONTHS_AHEAD ahead plus a DEFAULT, the rows are copied before the insert
 * trigger exists (so tx_id and content_hash stay as they were: the chain still verifies), then
 * keys, indexes, triggers, policy and grants are made on the parent.
 *
 * Partitions are made by time_partition_create (owner only) and, for the app role's daily
 * schedule, time_partitions_ensure (SECURITY DEFINER, see there). Each partition gets row-level
 * security and a policy of its own (the parent's policy applies only to reads through the parent)
 * and no grant to the app role: reading a partition by name is refused outright. Row triggers are
 * cloned to partitions by PostgreSQL; TRUNCATE (statement) triggers are not, so each partition
 * gets its own.
 */
export class TimePartitionedAppendOnly1790001200000 implements MigrationInterface {
  name = 'TimePartitionedAppendOnly1790001200000';

  public async up(q: QueryRunner): Promise<void> {
    await this.createMaintenanceFunctions(q);
    await this.partitionAuditEvents(q);
    await this.vacuumOutboxOften(q);
  }

  /**
   * The outbox stays one table (see above); what its hot path needs instead is vacuum. Every job
   * leaves a dead entry in the pending partial index when it is published, and the claim walks
   * them until a vacuum removes them: 56,000 dead rows made a 10-job claim read 5,500 buffers
   * (20-30 ms) instead of 137 (0013). By default autovacuum waits for 20% of the table (7 days of
   * done rows) to be dead; here it runs after 1% or 1,000 rows.
   */
  private async vacuumOutboxOften(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "jobs_outbox" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000)`,
    );
  }

  private async createMaintenanceFunctions(q: QueryRunner): Promise<void> {
    // The tables partitioned by month (one so far), and how each partition is protected. p_table is
    // checked against this list before it reaches any statement; names go through format(%I).
    await q.query(`
      CREATE FUNCTION time_partition_protect(p_table text, p_partition text) RETURNS void
      LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
      BEGIN
        IF p_table NOT IN ('audit_events') THEN
          RAISE EXCEPTION 'not a time-partitioned table: %', p_table;
        END IF;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', p_partition);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', p_partition);
        EXECUTE format('CREATE POLICY %I ON public.%I USING (agency_id = ${AGENCY_IN_LITERAL})
                          WITH CHECK (agency_id = ${AGENCY_IN_LITERAL})',
                       p_partition || '_tenant_isolation', p_partition);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON public.%I FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change()',
                       p_partition || '_no_truncate', p_partition);
      END $$`);

    // One month's partition (UTC), e.g. audit_events_p2027_01; NULL when it exists already, or
    // when the DEFAULT partition holds rows of that month (then CREATE would fail: the warning
    // says so, and an owner moves those rows; the month's inserts keep going to DEFAULT).
    await q.query(`
      CREATE FUNCTION time_partition_create(p_table text, p_month date) RETURNS text
      LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
      DECLARE
        v_month date := date_trunc('month', p_month)::date;
        v_name text := p_table || '_p' || to_char(p_month, 'YYYY_MM');
        v_from timestamptz := v_month::timestamp AT TIME ZONE 'UTC';
        v_to timestamptz := (v_month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
      BEGIN
        IF p_table NOT IN ('audit_events') THEN
          RAISE EXCEPTION 'not a time-partitioned table: %', p_table;
        END IF;
        IF to_regclass(format('public.%I', v_name)) IS NOT NULL THEN RETURN NULL; END IF;
        BEGIN
          EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                         v_name, p_table, v_from, v_to);
        EXCEPTION WHEN check_violation THEN
          RAISE WARNING 'partition % not created: % holds rows of that month', v_name, p_table || '_default';
          RETURN NULL;
        END;
        PERFORM time_partition_protect(p_table, v_name);
        RETURN v_name;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION time_partition_protect(text, text) FROM PUBLIC`);
    await q.query(`REVOKE ALL ON FUNCTION time_partition_create(text, date) FROM PUBLIC`);

    // The daily schedule runs as the app role, which may not create tables (it owns nothing and
    // has no CREATE on the schema). This SECURITY DEFINER function, owned by the owner, is all it
    // gets: create the current and the next p_months_ahead months' partitions of the fixed
    // tables, nothing else. No name or
    // statement comes from the caller; the one argument is a bounded integer. Creating a
    // partition locks the parent briefly, so it gives up after lock_timeout rather than queue
    // writers behind a long reader (the next day's run retries); existing months cost nothing.
    await q.query(`
      CREATE FUNCTION time_partitions_ensure(p_months_ahead integer) RETURNS SETOF text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET lock_timeout = '5s' AS $$
      DECLARE
        v_table text;
        v_month integer;
        v_made text;
      BEGIN
        IF p_months_ahead IS NULL OR p_months_ahead < 0 OR p_months_ahead > 24 THEN
          RAISE EXCEPTION 'months ahead must be from 0 to 24' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM pg_advisory_xact_lock(hashtextextended('time_partitions_ensure', 0));
        FOR v_month IN 0..p_months_ahead LOOP
          FOREACH v_table IN ARRAY ARRAY['audit_events'] LOOP
            v_made := time_partition_create(v_table,
              (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => v_month))::date);
            IF v_made IS NOT NULL THEN RETURN NEXT v_made; END IF;
          END LOOP;
        END LOOP;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION time_partitions_ensure(integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION time_partitions_ensure(integer) TO gc_app`);
  }

  /** The earliest month of a column's rows (read past RLS: the owner's own table), else now. */
  private async partitionMonths(q: QueryRunner, table: string, column: string): Promise<string[]> {
    const rows = (await q.query(
      `SELECT to_char(m, 'YYYY-MM-DD') AS month
         FROM generate_series(
                date_trunc('month', COALESCE((SELECT min("${column}") FROM "${table}"), now()) AT TIME ZONE 'UTC'),
                date_trunc('month', now() AT TIME ZONE 'UTC') + interval '${MONTHS_AHEAD} months',
                interval '1 month') AS m`,
    )) as Array<{ month: string }>;
    return rows.map((r) => r.month);
  }

  private async createPartitions(q: QueryRunner, table: string, months: string[]): Promise<void> {
    for (const month of months) {
      await q.query(`SELECT time_partition_create($1, $2::date)`, [table, month]);
    }
    // DEFAULT: a row whose month has no partition (a clock far off, a back-dated import, or a
    // month the schedule failed to create) is kept rather than refused: an audited write (and
    // the business change in its transaction) must never fail for want of a partition. It should stay empty; a row in it blocks
    // creating its month (time_partition_create warns) until an owner moves it.
    await q.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
    await q.query(`SELECT time_partition_protect($1, $2)`, [table, `${table}_default`]);
  }

  /** The audit log's indexes, triggers and tenant policy, as migration 1764310000000 made them. */
  private async createAuditIndexesAndTriggers(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_audit_events_time" ON "audit_events" ("agency_id", "occurred_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_audit_events_entity" ON "audit_events" ("agency_id", "entity_type", "entity_id", "occurred_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_audit_events_actor" ON "audit_events" ("agency_id", "actor_user_id", "occurred_at", "id")`,
    );
    await q.query(`CREATE INDEX "IDX_audit_events_tx" ON "audit_events" ("agency_id", "tx_id")`);
    await q.query(`
      CREATE TRIGGER "audit_events_stamp" BEFORE INSERT ON "audit_events"
        FOR EACH ROW EXECUTE FUNCTION audit_events_stamp()`);
    await q.query(`
      CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`
      CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    await makeTenantTable(q, 'audit_events', 'SELECT, INSERT');
  }

  private async partitionAuditEvents(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_chain" DROP CONSTRAINT "FK_audit_chain_event"`);
    await q.query(`ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned"`);
    // The owner reads its old rows past RLS (FORCE binds the owner too).
    await q.query(`ALTER TABLE "audit_events_unpartitioned" NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "audit_events_unpartitioned" DROP CONSTRAINT "PK_audit_events"`);
    for (const index of ['time', 'entity', 'actor', 'tx']) {
      await q.query(`DROP INDEX "IDX_audit_events_${index}"`);
    }
    await q.query(`
      CREATE TABLE "audit_events" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "actor_kind" text NOT NULL,
        "actor_user_id" uuid,
        "action" text NOT NULL,
        "entity_type" text NOT NULL,
        "entity_id" text NOT NULL,
        "before" jsonb,
        "after" jsonb,
        "request_id" text,
        "client_ip" text,
        "tx_id" bigint NOT NULL,
        "content_hash" text NOT NULL
      ) PARTITION BY RANGE ("occurred_at")`);
    await this.createPartitions(
      q,
      'audit_events',
      await this.partitionMonths(q, 'audit_events_unpartitioned', 'occurred_at'),
    );
    await q.query(`INSERT INTO "audit_events" SELECT * FROM "audit_events_unpartitioned"`);
    await q.query(`DROP TABLE "audit_events_unpartitioned"`);

    // The id alone is unique in practice (gen_random_uuid); the key must hold the partition key.
    await q.query(
      `ALTER TABLE "audit_events" ADD CONSTRAINT "PK_audit_events" PRIMARY KEY ("agency_id", "id", "occurred_at")`,
    );
    await this.createAuditIndexesAndTriggers(q);

    // The chain names its event by the whole key. Filling the new column is the one UPDATE the
    // chain ever takes: its append-only trigger is off for this statement, in this migration.
    await q.query(`ALTER TABLE "audit_chain" ADD "event_occurred_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "audit_chain" NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "audit_events" NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "audit_chain" DISABLE TRIGGER "audit_chain_append_only"`);
    await q.query(`
      UPDATE "audit_chain" l SET "event_occurred_at" = e."occurred_at"
        FROM "audit_events" e WHERE e."agency_id" = l."agency_id" AND e."id" = l."event_id"`);
    await q.query(`ALTER TABLE "audit_chain" ENABLE TRIGGER "audit_chain_append_only"`);
    await q.query(`ALTER TABLE "audit_events" FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "audit_chain" FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "audit_chain" ALTER COLUMN "event_occurred_at" SET NOT NULL`);
    await q.query(`
      ALTER TABLE "audit_chain" ADD CONSTRAINT "FK_audit_chain_event"
        FOREIGN KEY ("agency_id", "event_id", "event_occurred_at")
        REFERENCES "audit_events"("agency_id", "id", "occurred_at") ON DELETE NO ACTION ON UPDATE NO ACTION`);
  }

  /** Back to one table: the rows are copied again (before the stamping trigger, as in up). */
  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "jobs_outbox" RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`,
    );
    await q.query(`ALTER TABLE "audit_chain" DROP CONSTRAINT "FK_audit_chain_event"`);
    await q.query(`ALTER TABLE "audit_chain" DROP COLUMN "event_occurred_at"`);
    await q.query(`ALTER TABLE "audit_events" RENAME TO "audit_events_partitioned"`);
    await q.query(`ALTER TABLE "audit_events_partitioned" NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE "audit_events_partitioned" DROP CONSTRAINT "PK_audit_events"`);
    for (const index of ['time', 'entity', 'actor', 'tx']) {
      await q.query(`DROP INDEX "IDX_audit_events_${index}"`);
    }
    await q.query(`
      CREATE TABLE "audit_events" (
        "agency_id" uuid NOT NULL,
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "actor_kind" text NOT NULL,
        "actor_user_id" uuid,
        "action" text NOT NULL,
        "entity_type" text NOT NULL,
        "entity_id" text NOT NULL,
        "before" jsonb,
        "after" jsonb,
        "request_id" text,
        "client_ip" text,
        "tx_id" bigint NOT NULL,
        "content_hash" text NOT NULL
      )`);
    await q.query(`INSERT INTO "audit_events" SELECT * FROM "audit_events_partitioned"`);
    await q.query(`DROP TABLE "audit_events_partitioned"`);
    await q.query(
      `ALTER TABLE "audit_events" ADD CONSTRAINT "PK_audit_events" PRIMARY KEY ("agency_id", "id")`,
    );
    await this.createAuditIndexesAndTriggers(q);
    await q.query(`
      ALTER TABLE "audit_chain" ADD CONSTRAINT "FK_audit_chain_event"
        FOREIGN KEY ("agency_id", "event_id")
        REFERENCES "audit_events"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`DROP FUNCTION time_partitions_ensure(integer)`);
    await q.query(`DROP FUNCTION time_partition_create(text, date)`);
    await q.query(`DROP FUNCTION time_partition_protect(text, text)`);
  }
}
