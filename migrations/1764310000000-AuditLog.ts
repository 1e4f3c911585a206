import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTenantTable } from './support/tenant-table';

/**
 * The tamper-evident audit log: per-agency events (tenant-owned), platform events (no agency),
 * and for each a hash chain written after commit by the sealer.
 *
 * - Append-only: the app group gets INSERT and SELECT only, and triggers refuse UPDATE, DELETE and
 *   TRUNCATE for every role, the owner included (only disabling the trigger gets past it, which
 *   the chain then exposes).
 * - On insert a trigger stamps `tx_id` (the inserting transaction) and `content_hash`
 *   (audit_content_hash over the row's fields, computed in SQL so the canonical form is
 *   PostgreSQL's jsonb text and the epoch in microseconds, independent of session settings).
 */
export class AuditLog1764310000000 implements MigrationInterface {
  name = 'AuditLog1764310000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_content_hash(
        agency_id uuid, id uuid, occurred_at timestamptz, actor_kind text, actor_user_id uuid,
        action text, entity_type text, entity_id text, before jsonb, after jsonb,
        request_id text, client_ip text, tx_id bigint
      ) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT encode(sha256(convert_to(jsonb_build_array(
          agency_id, id, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_kind,
          actor_user_id, action, entity_type, entity_id, before, after, request_id, client_ip,
          tx_id
        )::text, 'UTF8')), 'hex')
      $$`);

    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE FUNCTION audit_events_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.tx_id := pg_current_xact_id()::text::bigint;
        NEW.content_hash := audit_content_hash(NEW.agency_id, NEW.id, NEW.occurred_at,
          NEW.actor_kind, NEW.actor_user_id, NEW.action, NEW.entity_type, NEW.entity_id,
          NEW.before, NEW.after, NEW.request_id, NEW.client_ip, NEW.tx_id);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE FUNCTION platform_audit_events_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.tx_id := pg_current_xact_id()::text::bigint;
        NEW.content_hash := audit_content_hash(NULL, NEW.id, NEW.occurred_at,
          NEW.actor_kind, NEW.actor_user_id, NEW.action, NEW.entity_type, NEW.entity_id,
          NEW.before, NEW.after, NEW.request_id, NEW.client_ip, NEW.tx_id);
        RETURN NEW;
      END $$`);

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
        "content_hash" text NOT NULL,
        CONSTRAINT "PK_audit_events" PRIMARY KEY ("agency_id", "id"),
        CONSTRAINT "FK_audit_events_agency" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id")
          ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);
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
      CREATE TABLE "audit_chain" (
        "agency_id" uuid NOT NULL,
        "position" bigint NOT NULL,
        "event_id" uuid NOT NULL,
        "event_hash" text NOT NULL,
        "prev_hash" text NOT NULL,
        "link_hash" text NOT NULL,
        "watermark" bigint NOT NULL,
        "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_audit_chain" PRIMARY KEY ("agency_id", "position"),
        CONSTRAINT "UQ_audit_chain_event" UNIQUE ("agency_id", "event_id"),
        CONSTRAINT "FK_audit_chain_event" FOREIGN KEY ("agency_id", "event_id")
          REFERENCES "audit_events"("agency_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);

    await q.query(`
      CREATE TABLE "platform_audit_events" (
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
        "content_hash" text NOT NULL,
        CONSTRAINT "PK_platform_audit_events" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "IDX_platform_audit_events_time" ON "platform_audit_events" ("occurred_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_platform_audit_events_actor" ON "platform_audit_events" ("actor_user_id", "occurred_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_platform_audit_events_tx" ON "platform_audit_events" ("tx_id")`,
    );

    await q.query(`
      CREATE TABLE "platform_audit_chain" (
        "position" bigint NOT NULL,
        "event_id" uuid NOT NULL,
        "event_hash" text NOT NULL,
        "prev_hash" text NOT NULL,
        "link_hash" text NOT NULL,
        "watermark" bigint NOT NULL,
        "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_platform_audit_chain" PRIMARY KEY ("position"),
        CONSTRAINT "UQ_platform_audit_chain_event" UNIQUE ("event_id"),
        CONSTRAINT "FK_platform_audit_chain_event" FOREIGN KEY ("event_id")
          REFERENCES "platform_audit_events"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
      )`);

    await q.query(`
      CREATE TRIGGER "audit_events_stamp" BEFORE INSERT ON "audit_events"
        FOR EACH ROW EXECUTE FUNCTION audit_events_stamp()`);
    await q.query(`
      CREATE TRIGGER "platform_audit_events_stamp" BEFORE INSERT ON "platform_audit_events"
        FOR EACH ROW EXECUTE FUNCTION platform_audit_events_stamp()`);
    for (const table of [
      'audit_events',
      'audit_chain',
      'platform_audit_events',
      'platform_audit_chain',
    ]) {
      await q.query(`
        CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}"
          FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      await q.query(`
        CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
          FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    }

    await makeTenantTable(q, 'audit_events', 'SELECT, INSERT');
    await makeTenantTable(q, 'audit_chain', 'SELECT, INSERT');
    await q.query(
      `GRANT SELECT, INSERT ON "platform_audit_events", "platform_audit_chain" TO gc_app`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "platform_audit_chain"`);
    await q.query(`DROP TABLE "platform_audit_events"`);
    await q.query(`DROP TABLE "audit_chain"`);
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION platform_audit_events_stamp()`);
    await q.query(`DROP FUNCTION audit_events_stamp()`);
    await q.query(`DROP FUNCTION audit_refuse_change()`);
    await q.query(
      `DROP FUNCTION audit_content_hash(uuid, uuid, timestamptz, text, uuid, text, text, text, jsonb, jsonb, text, text, bigint)`,
    );
  }
}
