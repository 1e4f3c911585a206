-- core.app-role-facts
SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
          (SELECT n.nspname || '.' || c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\_toast%'
              AND pg_has_role(r.oid, c.relowner, 'MEMBER')
            ORDER BY 1 LIMIT 1) AS owned
     FROM pg_roles r WHERE r.rolname = current_user;

-- core.audit-chain-agency-head
SELECT l.position::text, l.link_hash, l.watermark::text FROM audit_chain l
        WHERE l.agency_id = $1 ORDER BY l.position DESC LIMIT 1;

-- core.audit-chain-agency-link
INSERT INTO audit_chain (agency_id, position, event_id, event_hash, prev_hash, link_hash, event_occurred_at, watermark)
       SELECT $1::uuid, *, $7::bigint
         FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $8::timestamptz[]);

-- core.audit-chain-agency-links
SELECT l.position::text, l.event_id, l.event_hash, l.prev_hash, l.link_hash,
              e.id IS NOT NULL AS present, e.content_hash,
              audit_content_hash(e.agency_id, e.id, e.occurred_at, e.actor_kind,
                e.actor_user_id, e.action, e.entity_type, e.entity_id, e.before, e.after,
                e.request_id, e.client_ip, e.tx_id) AS recomputed
         FROM audit_chain l LEFT JOIN audit_events e ON e.agency_id = l.agency_id AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at
        WHERE l.agency_id = $1 AND l.position > $2::bigint
        ORDER BY l.position
        LIMIT 2000;

-- core.audit-chain-agency-orphan
SELECT e.id FROM audit_events e
        WHERE e.agency_id = $1 AND e.tx_id < $2::bigint
          AND NOT EXISTS (SELECT 1 FROM audit_chain l WHERE e.agency_id = l.agency_id AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at)
        ORDER BY e.tx_id, e.occurred_at, e.id LIMIT 1;

-- core.audit-chain-agency-pending
SELECT count(*)::int AS pending FROM audit_events e
        WHERE e.agency_id = $1 AND e.tx_id <= $2::bigint AND e.tx_id >= $3::bigint
          AND NOT EXISTS (SELECT 1 FROM audit_chain l WHERE e.agency_id = l.agency_id AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at);

-- core.audit-chain-agency-target
SELECT max(e.tx_id)::text AS target FROM audit_events e WHERE e.agency_id = $1;

-- core.audit-chain-agency-unlinked
SELECT e.id, e.content_hash, e.tx_id::text AS tx_id, e.occurred_at::text AS occurred_at,
              pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
         FROM audit_events e
        WHERE e.agency_id = $1
          AND e.tx_id >= $2::bigint
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          AND NOT EXISTS (SELECT 1 FROM audit_chain l WHERE e.agency_id = l.agency_id AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at)
        ORDER BY e.tx_id, e.occurred_at, e.id
        LIMIT 1000;

-- core.audit-chain-lock
SELECT pg_advisory_xact_lock(hashtextextended($1, 0));

-- core.audit-chain-platform-head
SELECT l.position::text, l.link_hash, l.watermark::text FROM platform_audit_chain l
        WHERE TRUE ORDER BY l.position DESC LIMIT 1;

-- core.audit-chain-platform-link
INSERT INTO platform_audit_chain (position, event_id, event_hash, prev_hash, link_hash, watermark)
       SELECT *, $6::bigint
         FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[]);

-- core.audit-chain-platform-links
SELECT l.position::text, l.event_id, l.event_hash, l.prev_hash, l.link_hash,
              e.id IS NOT NULL AS present, e.content_hash,
              audit_content_hash(NULL::uuid, e.id, e.occurred_at, e.actor_kind,
                e.actor_user_id, e.action, e.entity_type, e.entity_id, e.before, e.after,
                e.request_id, e.client_ip, e.tx_id) AS recomputed
         FROM platform_audit_chain l LEFT JOIN platform_audit_events e ON e.id = l.event_id
        WHERE TRUE AND l.position > $1::bigint
        ORDER BY l.position
        LIMIT 2000;

-- core.audit-chain-platform-orphan
SELECT e.id FROM platform_audit_events e
        WHERE TRUE AND e.tx_id < $1::bigint
          AND NOT EXISTS (SELECT 1 FROM platform_audit_chain l WHERE e.id = l.event_id)
        ORDER BY e.tx_id, e.occurred_at, e.id LIMIT 1;

-- core.audit-chain-platform-pending
SELECT count(*)::int AS pending FROM platform_audit_events e
        WHERE TRUE AND e.tx_id <= $1::bigint AND e.tx_id >= $2::bigint
          AND NOT EXISTS (SELECT 1 FROM platform_audit_chain l WHERE e.id = l.event_id);

-- core.audit-chain-platform-target
SELECT max(e.tx_id)::text AS target FROM platform_audit_events e WHERE TRUE;

-- core.audit-chain-platform-unlinked
SELECT e.id, e.content_hash, e.tx_id::text AS tx_id,
              pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
         FROM platform_audit_events e
        WHERE TRUE
          AND e.tx_id >= $1::bigint
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          AND NOT EXISTS (SELECT 1 FROM platform_audit_chain l WHERE e.id = l.event_id)
        ORDER BY e.tx_id, e.occurred_at, e.id
        LIMIT 1000;

-- core.audit-chain-try-lock
SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS acquired;

-- core.audit-event-insert
INSERT INTO audit_events (agency_id, actor_kind, actor_user_id, action, entity_type, entity_id, before, after, request_id, client_ip)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10);

-- core.audit-events-page
SELECT e."id" AS "id", e."actor_kind" AS "actorKind", e."actor_user_id" AS "actorUserId", e."action" AS "action", e."entity_type" AS "entityType", e."entity_id" AS "entityId", e."before" AS "before", e."after" AS "after", e."request_id" AS "requestId", e."client_ip" AS "clientIp",
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredText"
     FROM audit_events e
    WHERE e.agency_id = $1
      AND ($2::text IS NULL OR e.entity_type = $2::text)
      AND ($3::text IS NULL OR e.entity_id = $3::text)
      AND ($4::uuid IS NULL OR e.actor_user_id = $4::uuid)
      AND ($5::timestamptz IS NULL OR e.occurred_at >= $5::timestamptz)
      AND ($6::timestamptz IS NULL OR e.occurred_at < $6::timestamptz)
      AND ($7::timestamptz IS NULL OR (e.occurred_at, e.id) < ($7::timestamptz, $8::uuid))
    ORDER BY e.occurred_at DESC, e.id DESC
    LIMIT $9;

-- core.idempotency-key-claim
INSERT INTO idempotency_keys (agency_id, principal, key, request_hash)
   VALUES ($1, $2, $3, $4)
   ON CONFLICT (agency_id, principal, key) DO NOTHING
   RETURNING id;

-- core.idempotency-key-complete
UPDATE idempotency_keys
      SET response_status = $3, response_body = $4, completed_at = now()
    WHERE agency_id = $1 AND id = $2;

-- core.idempotency-key-stored
SELECT k."request_hash" AS "requestHash", k."response_status" AS "responseStatus", k."response_body" AS "responseBody" FROM idempotency_keys k
    WHERE k.agency_id = $1 AND k.principal = $2 AND k.key = $3;

-- core.idempotency-keys-prune
DELETE FROM idempotency_keys
    WHERE agency_id = $1 AND created_at < now() - make_interval(days => $2);

-- core.job-effects-claim
INSERT INTO job_effects (agency_id, effect_key, job_id)
   SELECT $1, k, $3 FROM unnest($2::text[]) AS k
   ON CONFLICT DO NOTHING RETURNING effect_key AS "effectKey";

-- core.job-effects-prune
DELETE FROM job_effects
    WHERE agency_id = $1 AND created_at < now() - make_interval(days => $2);

-- core.job-effects-release
DELETE FROM job_effects WHERE agency_id = $1 AND job_id = $2 AND effect_key = ANY($3::text[]);

-- core.job-schedules-fire-due
WITH fired AS (
     UPDATE job_schedules SET last_run_at = now(),
            next_run_at = now() + every_ms * interval '1 millisecond'
      WHERE name = ANY($1::text[]) AND next_run_at <= now()
      RETURNING name)
   SELECT name, now() AS "firedAt" FROM fired;

-- core.job-schedules-upsert
INSERT INTO job_schedules (name, every_ms, next_run_at)
   SELECT name, every_ms, now() FROM unnest($1::text[], $2::integer[]) AS s(name, every_ms)
   ON CONFLICT (name) DO UPDATE SET every_ms = EXCLUDED.every_ms,
     next_run_at = LEAST(job_schedules.next_run_at, now() + EXCLUDED.every_ms * interval '1 millisecond');

-- core.jobs-dead-letter-retry
SELECT agency_code AS "agencyCode", name, previous_state AS "previousState"
     FROM jobs_outbox_retry($1);

-- core.jobs-dead-letters
SELECT id, agency_code AS "agencyCode", name, attempts, max_attempts AS "maxAttempts",
          last_error AS "lastError", created_at AS "createdAt", finished_at AS "finishedAt",
          finished_at::text AS "finishedText"
     FROM jobs_outbox_dead_letters($1, $2, $3);

-- core.jobs-lock-and-mark-done
WITH mine AS (
     SELECT id FROM jobs_outbox
      WHERE id = ANY($1::uuid[]) AND state IN ('pending', 'published')
      FOR UPDATE SKIP LOCKED),
   async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
   UPDATE jobs_outbox o
      SET state = 'done', attempts = o.attempts + 1, finished_at = now(), leased_until = NULL,
          last_error = NULL
     FROM mine, async_commit WHERE o.id = mine.id
   RETURNING o.id, o.attempts, o.payload,
             EXTRACT(EPOCH FROM clock_timestamp() - o.run_after)::float8 AS "lagSeconds";

-- core.jobs-lock-for-failure
SELECT o."state" AS "state", o."attempts" AS "attempts", o."max_attempts" AS "maxAttempts" FROM jobs_outbox o WHERE o.id = $1 FOR UPDATE;

-- core.jobs-mark-dead
UPDATE jobs_outbox SET state = 'dead', attempts = $2, last_error = $3,
          finished_at = now(), leased_until = NULL
    WHERE id = $1;

-- core.jobs-mark-retry
UPDATE jobs_outbox SET state = 'pending', attempts = $2, last_error = $3,
          run_after = now() + $4 * interval '1 millisecond', leased_until = NULL
    WHERE id = $1;

-- core.jobs-outbox-claim
SELECT id, agency_id AS "agencyId", agency_code AS "agencyCode", name,
          request_id AS "requestId", republish
     FROM jobs_outbox_claim($1, $2);

-- core.jobs-outbox-insert
INSERT INTO jobs_outbox (id, agency_id, name, payload, max_attempts, run_after, request_id)
   SELECT t.id, $1, $2, t.p, $3, now() + $4 * interval '1 millisecond', $5
     FROM unnest($6::uuid[], $7::jsonb[]) AS t(id, p);

-- core.jobs-outbox-prune
SELECT jobs_outbox_prune($1);

-- core.jobs-outbox-release
SELECT jobs_outbox_release($1::uuid[]);

-- core.metrics-outbox-backlog
SELECT pending, published, dead, oldest_due_seconds AS "oldestDueSeconds"
     FROM jobs_outbox_backlog();

-- core.platform-audit-event-insert
INSERT INTO platform_audit_events (actor_kind, actor_user_id, action, entity_type, entity_id, before, after, request_id, client_ip)
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9);

-- core.replica-read
SELECT set_config('transaction_read_only', 'on', true);

-- core.replica-read-in-agency
SELECT set_config('app.agency_id', $1, true), set_config('transaction_read_only', 'on', true);

-- core.tenant-set
SELECT set_config('app.agency_id', $1, true);

-- core.time-partitions-ensure
SELECT p AS partition FROM time_partitions_ensure($1) AS p;

-- core.usage-active-users
INSERT INTO agency_active_users (agency_id, month, user_id)
   SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING;

-- core.usage-add
INSERT INTO agency_usage AS u (agency_id, month, shard, api_requests, applications_submitted,
          storage_bytes_added, emails_sent, jobs_run)
   VALUES ($1, $2, pg_backend_pid() % 16, $3, $4, $5, $6, $7)
   ON CONFLICT (agency_id, month, shard) DO UPDATE
      SET api_requests = u.api_requests + EXCLUDED.api_requests,
          applications_submitted = u.applications_submitted + EXCLUDED.applications_submitted,
          storage_bytes_added = u.storage_bytes_added + EXCLUDED.storage_bytes_added,
          emails_sent = u.emails_sent + EXCLUDED.emails_sent,
          jobs_run = u.jobs_run + EXCLUDED.jobs_run,
          updated_at = now();

-- core.usage-report-all
SELECT agency_code AS "agencyCode", agency_name AS "agencyName", api_requests::text AS "apiRequests",
       applications_submitted::text AS "applicationsSubmitted",
       storage_bytes_held::text AS "storageBytesHeld", emails_sent::text AS "emailsSent",
       jobs_run::text AS "jobsRun", active_users::text AS "activeUsers"
     FROM agency_usage_report($1);

-- core.usage-report-own
SELECT api_requests::text AS "apiRequests",
       applications_submitted::text AS "applicationsSubmitted",
       storage_bytes_held::text AS "storageBytesHeld", emails_sent::text AS "emailsSent",
       jobs_run::text AS "jobsRun", active_users::text AS "activeUsers" FROM (
     SELECT COALESCE((SELECT sum(api_requests) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS api_requests,
            COALESCE((SELECT sum(applications_submitted) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS applications_submitted,
            COALESCE((SELECT sum(storage_bytes_added) FROM agency_usage WHERE agency_id = $1 AND month <= $2), 0) AS storage_bytes_held,
            COALESCE((SELECT sum(emails_sent) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS emails_sent,
            COALESCE((SELECT sum(jobs_run) FROM agency_usage WHERE agency_id = $1 AND month = $2), 0) AS jobs_run,
            (SELECT count(*) FROM agency_active_users WHERE agency_id = $1 AND month = $2) AS active_users
   ) f;
