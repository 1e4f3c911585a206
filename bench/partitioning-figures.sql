-- Figures for docs/decisions/0013 on a database filled by `npm run seed:scale`, before or after
-- migration 1790001200000 (the script finds out whether audit_events is partitioned). As the owner:
--   psql "$DATABASE_OWNER_URL" -v agency=<agency uuid> -f bench/partitioning-figures.sql
-- Retention statements run inside transactions that are rolled back: nothing is removed.
\timing on
\set ON_ERROR_STOP on
SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'audit_events'::regclass) AS partitioned \gset
\echo partitioned: :partitioned

\echo '== sizes (heap + TOAST, indexes), with every partition'
SELECT t.name,
       count(*) FILTER (WHERE c.relkind = 'r') AS tables,
       pg_size_pretty(sum(pg_table_size(c.oid))) AS heap,
       pg_size_pretty(sum(pg_indexes_size(c.oid))) AS indexes
  FROM unnest(ARRAY['audit_events', 'ledger_entries', 'audit_chain', 'jobs_outbox']) t(name)
  JOIN pg_class c ON c.oid = t.name::regclass
       OR c.oid IN (SELECT relid FROM pg_partition_tree(t.name::regclass))
 GROUP BY t.name ORDER BY t.name;

BEGIN;
SELECT set_config('app.agency_id', :'agency', true);
SET LOCAL enable_seqscan = on;

\echo '== audit: a month of the agency''s events, newest first (the audit page with from/to)'
PREPARE audit_month(uuid, timestamptz, timestamptz) AS
  SELECT e.id, e.action, e.occurred_at FROM audit_events e
   WHERE e.agency_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3
   ORDER BY e.occurred_at DESC, e.id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
  EXECUTE audit_month(:'agency', '2025-10-01 00:00+00', '2025-11-01 00:00+00');

\echo '== audit: the newest page, no time filter (the audit page''s default)'
PREPARE audit_newest(uuid) AS
  SELECT e.id, e.action, e.occurred_at FROM audit_events e
   WHERE e.agency_id = $1 ORDER BY e.occurred_at DESC, e.id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE audit_newest(:'agency');

\echo '== audit: a month counted by action (a report over a time range)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
  SELECT action, count(*) FROM audit_events
   WHERE agency_id = :'agency' AND occurred_at >= '2025-10-01 00:00+00' AND occurred_at < '2025-11-01 00:00+00'
   GROUP BY action;

ROLLBACK;

\echo '== retention: one month of every agency''s audit events leaves (rolled back)'
BEGIN;
-- The chain's foreign key names each event: a month of events leaves only with its links (or
-- once the chain is re-anchored past it, which is not built). Dropped here to time the rest.
ALTER TABLE audit_chain DROP CONSTRAINT "FK_audit_chain_event";
SELECT pg_current_wal_insert_lsn() AS lsn0 \gset
\if :partitioned
ALTER TABLE audit_events DETACH PARTITION audit_events_p2025_10;
DROP TABLE audit_events_p2025_10;
\else
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY;
DELETE FROM audit_events WHERE occurred_at >= '2025-10-01 00:00+00' AND occurred_at < '2025-11-01 00:00+00';
\endif
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'lsn0')) AS wal_written;
ROLLBACK;
