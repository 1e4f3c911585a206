-- webhooks.deliveries-insert
INSERT INTO webhook_deliveries (agency_id, endpoint_id, event_id, event_type, body)
   SELECT $1, t.endpoint_id, t.event_id, $2, t.body
     FROM unnest($3::uuid[], $4::text[], $5::text[]) AS t(endpoint_id, event_id, body)
   RETURNING id;

-- webhooks.deliveries-prune
DELETE FROM webhook_deliveries
    WHERE agency_id = $1 AND state <> 'pending'
      AND created_at < now() - make_interval(days => $2);

-- webhooks.endpoint-count-failure
UPDATE webhook_endpoints
      SET consecutive_failures = consecutive_failures + 1,
          failing_since = COALESCE(failing_since, $3)
    WHERE agency_id = $1 AND id = $2
   RETURNING consecutive_failures AS "consecutiveFailures", enabled;

-- webhooks.endpoint-disable-failing
UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'failing', updated_at = now()
    WHERE agency_id = $1 AND id = $2 AND enabled
   RETURNING id;

-- webhooks.endpoint-reset-failures
UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
    WHERE agency_id = $1 AND id = $2 AND consecutive_failures > 0;

-- webhooks.endpoints-subscribed
SELECT id FROM webhook_endpoints
    WHERE agency_id = $1 AND enabled AND $2 = ANY(events)
    ORDER BY id;
