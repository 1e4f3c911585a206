-- reviews.assignment-loads
SELECT reviewer_id AS "reviewerId", count(*)::int AS n FROM review_assignments
    WHERE agency_id = $1 AND program_id = $2 AND status = 'active' GROUP BY reviewer_id;

-- reviews.assignment-lock-mine-with-stage
SELECT a."id" AS "id", a."program_id" AS "programId", a."application_id" AS "applicationId", a."status" AS "status", a."declaration" AS "declaration",
          (SELECT c.stage FROM review_cases c
            WHERE c.agency_id = a.agency_id AND c.application_id = a.application_id
              AND c.program_id = a.program_id) AS stage
     FROM review_assignments a
    WHERE a.agency_id = $1 AND a.id = $2 AND a.reviewer_id = $3
      FOR UPDATE OF a;

-- reviews.assignments-program-lock
SELECT pg_advisory_xact_lock(hashtext('review-assignments:' || $1));

-- reviews.cases-in-stages
SELECT c."application_id" AS "applicationId", c."organization_id" AS "organizationId", c."stage" AS "stage", c."submitted_at" AS "submittedAt", c."amount_requested" AS "amountRequested" FROM review_cases c
    WHERE c.agency_id = $1 AND c.program_id = $2 AND c.stage = ANY($3::text[]);

-- reviews.decision-approved
SELECT id AS "decisionId", application_id AS "applicationId", program_id AS "programId",
         organization_id AS "organizationId", amount, released_at AS "releasedAt"
    FROM funding_decisions
   WHERE agency_id = $1 AND outcome = 'approved' AND released_at IS NOT NULL AND id = $2;

-- reviews.decision-approved-for-application
SELECT id AS "decisionId", application_id AS "applicationId", program_id AS "programId",
         organization_id AS "organizationId", amount, released_at AS "releasedAt"
    FROM funding_decisions
   WHERE agency_id = $1 AND outcome = 'approved' AND released_at IS NOT NULL AND application_id = $2;

-- reviews.decisions-approved-of-program
SELECT id AS "decisionId", application_id AS "applicationId", program_id AS "programId",
         organization_id AS "organizationId", amount, released_at AS "releasedAt"
    FROM funding_decisions
   WHERE agency_id = $1 AND outcome = 'approved' AND released_at IS NOT NULL AND program_id = $2 ORDER BY rank, id;

-- reviews.decisions-delete-of-applications
DELETE FROM funding_decisions WHERE agency_id = $1 AND program_id = $2 AND application_id = ANY($3::uuid[]);

-- reviews.decisions-release
UPDATE funding_decisions SET released_at = $3, version = version + 1, updated_at = now()
    WHERE agency_id = $1 AND id = ANY($2::uuid[]);

-- reviews.review-lock-of-assignment
SELECT r."id" AS "id", r."application_id" AS "applicationId", r."status" AS "status", r."points" AS "points", r."comments" AS "comments", r."submitted_at" AS "submittedAt", r."reopened_at" AS "reopenedAt", r."reopen_reason" AS "reopenReason", r."version" AS "version" FROM reviews r WHERE r.agency_id = $1 AND r.assignment_id = $2 FOR UPDATE;

-- reviews.review-submit
UPDATE reviews
      SET status = 'submitted', submitted_at = $3, weighted_total = $4, version = $5,
          updated_at = CURRENT_TIMESTAMP
    WHERE agency_id = $1 AND id = $2;

-- reviews.reviews-submitted
SELECT r."application_id" AS "applicationId", r."reviewer_id" AS "reviewerId", r."points" AS "points" FROM reviews r
    WHERE r.agency_id = $1 AND r.program_id = $2 AND r.status = 'submitted';

-- reviews.settings-ensure-row
INSERT INTO program_review_settings (agency_id, program_id) VALUES ($1, $2)
   ON CONFLICT (agency_id, program_id) DO NOTHING;
