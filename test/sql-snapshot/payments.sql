-- payments.approval-insert
INSERT INTO payment_approvals
  (agency_id, request_id, approver_id, approver_email, decision, amount, content_hash, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING decided_at AS "decidedAt";

-- payments.approval-insert-and-request-update
WITH decision AS (INSERT INTO payment_approvals
  (agency_id, request_id, approver_id, approver_email, decision, amount, content_hash, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING decided_at AS "decidedAt")
  UPDATE payment_requests r
     SET status = $9, approved_at = $10, rejected_at = $11, rejection_reason = $12,
         amount = $6, advance_applied = $13, reduction_reason = $14, required_approvals = $15,
         content_hash = $7
    FROM decision
   WHERE r.agency_id = $1 AND r.id = $2
  RETURNING decision."decidedAt";

-- payments.award-line-usage
SELECT l.function_code || '/' || l.object_code AS code, SUM(l.amount)::text AS used
     FROM payment_request_lines l
     JOIN payment_requests r ON r.agency_id = l.agency_id AND r.id = l.request_id
    WHERE r.agency_id = $1 AND r.award_id = $2 AND r.status <> 'rejected'
      AND ($3::uuid IS NULL OR r.id <> $3::uuid)
    GROUP BY 1;

-- payments.award-position
SELECT
     (SELECT COALESCE(SUM(CASE side WHEN 'credit' THEN amount ELSE -amount END), 0)
        FROM ledger_entries WHERE agency_id = $1 AND award_id = $2
         AND account = 'undisbursed_obligation')::text AS undisbursed,
     (SELECT COALESCE(SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0)
        FROM ledger_entries WHERE agency_id = $1 AND award_id = $2
         AND account = 'advance_outstanding')::text AS "advanceOutstanding",
     (SELECT COALESCE(SUM(amount - advance_applied), 0) FROM payment_requests
       WHERE agency_id = $1 AND award_id = $2 AND status = ANY($3))::text AS "committedCash",
     (SELECT COALESCE(SUM(advance_applied), 0) FROM payment_requests
       WHERE agency_id = $1 AND award_id = $2 AND status = ANY($3))::text AS "committedAdvance";

-- payments.batches-being-written-for-organization
SELECT DISTINCT b.id FROM payment_requests r
     JOIN payment_batches b ON b.agency_id = r.agency_id AND b.id = r.batch_id
    WHERE r.agency_id = $1 AND r.organization_id = $2 AND r.status = 'batched'
      AND b.status = 'exporting';

-- payments.request-award
SELECT award_id AS "awardId" FROM payment_requests WHERE agency_id = $1 AND id = $2;

-- payments.request-bind-payee
UPDATE payment_requests SET payee_id = $3, payee_version = $4, content_hash = $5
    WHERE agency_id = $1 AND id = $2;

-- payments.request-lines-update-amounts
UPDATE payment_request_lines l SET amount = v.amount::numeric(14,2)
     FROM unnest($3::uuid[], $4::text[]) AS v(id, amount)
    WHERE l.agency_id = $1 AND l.request_id = $2 AND l.id = v.id;

-- payments.request-lock-with-details
SELECT r."agency_id" AS "agencyId", r."id" AS "id", r."reference" AS "reference", r."award_id" AS "awardId", r."organization_id" AS "organizationId", r."type" AS "type", r."status" AS "status", r."amount_requested" AS "amountRequested", r."amount" AS "amount", r."advance_applied" AS "advanceApplied", r."period_start"::text AS "periodStart", r."period_end"::text AS "periodEnd", r."description" AS "description", r."required_approvals" AS "requiredApprovals", r."content_hash" AS "contentHash", r."payee_id" AS "payeeId", r."payee_version" AS "payeeVersion", r."reduction_reason" AS "reductionReason", r."rejection_reason" AS "rejectionReason", r."requested_by" AS "requestedBy", r."requested_at" AS "requestedAt", r."approved_at" AS "approvedAt", r."rejected_at" AS "rejectedAt", r."batch_id" AS "batchId", r."paid_on"::text AS "paidOn", r."paid_at" AS "paidAt",
  (SELECT COALESCE(json_agg(json_build_object('agencyId', l."agency_id", 'id', l."id", 'requestId', l."request_id", 'functionCode', l."function_code", 'objectCode', l."object_code", 'amountRequested', l."amount_requested"::text, 'amount', l."amount"::text) ORDER BY l.function_code, l.object_code), '[]')
     FROM payment_request_lines l WHERE l.agency_id = r.agency_id AND l.request_id = r.id) AS lines,
  (SELECT COALESCE(json_agg(json_build_object('agencyId', a."agency_id", 'id', a."id", 'requestId', a."request_id", 'approverId', a."approver_id", 'approverEmail', a."approver_email", 'decision', a."decision", 'amount', a."amount"::text, 'contentHash', a."content_hash", 'reason', a."reason", 'decidedAt', a."decided_at") ORDER BY a.decided_at), '[]')
     FROM payment_approvals a WHERE a.agency_id = r.agency_id AND a.request_id = r.id) AS approvals
  FROM payment_requests r WHERE r.agency_id = $1 AND r.id = $2
  FOR UPDATE OF r;

-- payments.request-rebind-payee
UPDATE payment_requests
      SET payee_id = $3, payee_version = $4, content_hash = $5, status = $6, approved_at = $7
    WHERE agency_id = $1 AND id = $2;

-- payments.requests-mark-batched
UPDATE payment_requests SET status = 'batched', batch_id = $2
    WHERE agency_id = $1 AND id = ANY($3::uuid[]);
