-- core.audit-event-insert
INSERT INTO audit_events (agency_id, actor_kind, actor_user_id, action, entity_type, entity_id, before, after, request_id, client_ip)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10);

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

-- core.job-effects-prune
DELETE FROM job_effects
    WHERE agency_id = $1 AND created_at < now() - make_interval(days => $2);

-- core.jobs-dead-letter-retry
SELECT agency_code AS "agencyCode", name, previous_state AS "previousState"
     FROM jobs_outbox_retry($1);

-- core.jobs-dead-letters
SELECT id, agency_code AS "agencyCode", name, attempts, max_attempts AS "maxAttempts",
          last_error AS "lastError", created_at AS "createdAt", finished_at AS "finishedAt",
          finished_at::text AS "finishedText"
     FROM jobs_outbox_dead_letters($1, $2, $3);

-- core.jobs-outbox-insert
INSERT INTO jobs_outbox (id, agency_id, name, payload, max_attempts, run_after, request_id)
   SELECT t.id, $1, $2, t.p, $3, now() + $4 * interval '1 millisecond', $5
     FROM unnest($6::uuid[], $7::jsonb[]) AS t(id, p);

-- core.platform-audit-event-insert
INSERT INTO platform_audit_events (actor_kind, actor_user_id, action, entity_type, entity_id, before, after, request_id, client_ip)
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9);

-- core.tenant-set
SELECT set_config('app.agency_id', $1, true);
