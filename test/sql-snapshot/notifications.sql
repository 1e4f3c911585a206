-- notifications.insert-many
INSERT INTO notifications (agency_id, user_id, template, subject, body, link, dedupe_key, data)
   SELECT $1, t.u, t.template, t.subject, t.body, t.link, t.dedupe_key, t.data
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::jsonb[])
       AS t(u, template, subject, body, link, dedupe_key, data)
   ON CONFLICT ON CONSTRAINT "UQ_notifications_dedupe" DO NOTHING;

-- notifications.mine-mark-read
WITH marked AS (
     UPDATE notifications SET read_at = COALESCE(read_at, now())
      WHERE id = $1 AND user_id = $2 AND ($3::uuid IS NULL OR agency_id = $3::uuid)
      RETURNING *)
   SELECT n."id" AS "id", n."agency_id" AS "agencyId", n."template" AS "template", n."subject" AS "subject", n."body" AS "body", n."data" AS "data", n."link" AS "link", n."read_at" AS "readAt", n."created_at" AS "createdAt", n.created_at::text AS "createdText" FROM marked n;

-- notifications.mine-page
SELECT n."id" AS "id", n."agency_id" AS "agencyId", n."template" AS "template", n."subject" AS "subject", n."body" AS "body", n."data" AS "data", n."link" AS "link", n."read_at" AS "readAt", n."created_at" AS "createdAt", n.created_at::text AS "createdText" FROM notifications n
    WHERE n.user_id = $1
      AND ($2::boolean IS NOT TRUE OR n.read_at IS NULL)
      AND ($3::timestamptz IS NULL OR (n.created_at, n.id) < ($3::timestamptz, $4::uuid))
      AND ($6::uuid IS NULL OR n.agency_id = $6::uuid)
    ORDER BY n.created_at DESC, n.id DESC
    LIMIT $5;

-- notifications.mine-unread-count
SELECT count(*)::int AS count FROM notifications
    WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid IS NULL OR agency_id = $2::uuid);
