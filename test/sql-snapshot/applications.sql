-- applications.attachments
SELECT x."agency_id" AS "agencyId", x."id" AS "id", x."application_id" AS "applicationId", x."requirement_key" AS "requirementKey", x."filename" AS "filename", x."content_type" AS "contentType", x."size_bytes" AS "sizeBytes", x."sha256" AS "sha256", x."storage_key" AS "storageKey", x."uploaded_by" AS "uploadedBy", x."created_at" AS "createdAt", x."removed_at" AS "removedAt" FROM application_attachments x
    WHERE x.agency_id = $1 AND x.application_id = $2
    ORDER BY x.created_at;

-- applications.budget-lines
SELECT l."function_code" AS "functionCode", l."object_code" AS "objectCode", l."description" AS "description", l."amount" AS "amount", l."indirect" AS "indirect" FROM application_budget_lines l
    WHERE l.agency_id = $1 AND l.application_id = $2
    ORDER BY l.position;

-- applications.budget-sources
SELECT id, project_title AS "projectTitle", created_at AS "createdAt"
     FROM applications
    WHERE agency_id = $1 AND organization_id = $2 AND id <> $3
    ORDER BY created_at DESC, id DESC
    LIMIT 50;

-- applications.detail-by-organization
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt",
    (SELECT COALESCE(json_agg(json_build_object(
              'functionCode', l.function_code, 'objectCode', l.object_code,
              'description', l.description, 'amount', l.amount::text, 'indirect', l.indirect)
            ORDER BY l.position), '[]'::json)
       FROM application_budget_lines l
      WHERE l.agency_id = a.agency_id AND l.application_id = a.id) AS "_lines",
    (SELECT COALESCE(json_agg(json_build_object(
              'id', x.id, 'requirementKey', x.requirement_key, 'filename', x.filename,
              'contentType', x.content_type, 'sizeBytes', x.size_bytes, 'sha256', x.sha256,
              'createdAt', floor(extract(epoch FROM x.created_at) * 1000)::bigint)
            ORDER BY x.created_at), '[]'::json)
       FROM application_attachments x
      WHERE x.agency_id = a.agency_id AND x.application_id = a.id AND x.removed_at IS NULL)
      AS "_attachments",
    (SELECT COALESCE(json_agg(json_build_object(
              'from', e.from_status, 'to', e.to_status, 'comment', e.comment,
              'submissionNumber', e.submission_number, 'at', floor(extract(epoch FROM e.at) * 1000)::bigint)
            ORDER BY e.at), '[]'::json)
       FROM application_status_events e
      WHERE e.agency_id = a.agency_id AND e.application_id = a.id) AS "_history"
  FROM applications a
  WHERE a.agency_id = $1 AND a.id = $2 AND a.organization_id = $3;

-- applications.detail-by-program
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt",
    (SELECT COALESCE(json_agg(json_build_object(
              'functionCode', l.function_code, 'objectCode', l.object_code,
              'description', l.description, 'amount', l.amount::text, 'indirect', l.indirect)
            ORDER BY l.position), '[]'::json)
       FROM application_budget_lines l
      WHERE l.agency_id = a.agency_id AND l.application_id = a.id) AS "_lines",
    (SELECT COALESCE(json_agg(json_build_object(
              'id', x.id, 'requirementKey', x.requirement_key, 'filename', x.filename,
              'contentType', x.content_type, 'sizeBytes', x.size_bytes, 'sha256', x.sha256,
              'createdAt', floor(extract(epoch FROM x.created_at) * 1000)::bigint)
            ORDER BY x.created_at), '[]'::json)
       FROM application_attachments x
      WHERE x.agency_id = a.agency_id AND x.application_id = a.id AND x.removed_at IS NULL)
      AS "_attachments",
    (SELECT COALESCE(json_agg(json_build_object(
              'from', e.from_status, 'to', e.to_status, 'comment', e.comment,
              'submissionNumber', e.submission_number, 'at', floor(extract(epoch FROM e.at) * 1000)::bigint)
            ORDER BY e.at), '[]'::json)
       FROM application_status_events e
      WHERE e.agency_id = a.agency_id AND e.application_id = a.id) AS "_history"
  FROM applications a
  WHERE a.agency_id = $1 AND a.id = $2 AND a.program_id = $3;

-- applications.edit-in-place-by-organization
WITH a AS (
     UPDATE applications
        SET answers = CASE WHEN $5 THEN $6::jsonb ELSE answers END,
            amount_requested = CASE WHEN $7 THEN $8::numeric ELSE amount_requested END,
            project_title = CASE WHEN $9 THEN $10::text ELSE project_title END,
            version = version + 1, updated_at = CURRENT_TIMESTAMP, updated_by = $11
      WHERE agency_id = $1 AND id = $2 AND organization_id = $3
        AND status IN ('draft', 'returned')
        AND ($4::int[] IS NULL OR version = ANY($4::int[]))
     RETURNING *)
   SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM a;

-- applications.edit-in-place-by-program
WITH a AS (
     UPDATE applications
        SET answers = CASE WHEN $5 THEN $6::jsonb ELSE answers END,
            amount_requested = CASE WHEN $7 THEN $8::numeric ELSE amount_requested END,
            project_title = CASE WHEN $9 THEN $10::text ELSE project_title END,
            version = version + 1, updated_at = CURRENT_TIMESTAMP, updated_by = $11
      WHERE agency_id = $1 AND id = $2 AND program_id = $3
        AND status IN ('draft', 'returned')
        AND ($4::int[] IS NULL OR version = ANY($4::int[]))
     RETURNING *)
   SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM a;

-- applications.find-by-organization
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM applications a
      WHERE a.agency_id = $1 AND a.id = $2 AND a.organization_id = $3;

-- applications.find-by-organization-for-update
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM applications a
      WHERE a.agency_id = $1 AND a.id = $2 AND a.organization_id = $3 FOR UPDATE;

-- applications.find-by-program
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM applications a
      WHERE a.agency_id = $1 AND a.id = $2 AND a.program_id = $3;

-- applications.find-by-program-for-update
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."answers" AS "answers", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM applications a
      WHERE a.agency_id = $1 AND a.id = $2 AND a.program_id = $3 FOR UPDATE;

-- applications.ids-with-status
SELECT a."id" AS "id" FROM applications a WHERE a.agency_id = $1 AND a.program_id = $2 AND a.status = ANY($3::text[]);

-- applications.live-of-organization-program
SELECT a."id" AS "id" FROM applications a WHERE a.agency_id = $1 AND a.organization_id = $2 AND a.program_id = $3 AND a.status <> 'withdrawn' LIMIT 1;

-- applications.organization-program-lock
SELECT pg_advisory_xact_lock(hashtext('application:' || $1 || ':' || $2));

-- applications.organizations-not-submitted
SELECT DISTINCT a."organization_id" AS "organizationId" FROM applications a
    WHERE a.agency_id = $1 AND a.program_id = $2 AND a.status IN ('draft', 'returned');

-- applications.program-page
SELECT a."agency_id" AS "agencyId", a."id" AS "id", a."program_id" AS "programId", a."organization_id" AS "organizationId", a."status" AS "status", a."form_version" AS "formVersion", a."project_title" AS "projectTitle", a."amount_requested" AS "amountRequested", a."version" AS "version", a."submission_count" AS "submissionCount", a."created_by" AS "createdBy", a."updated_by" AS "updatedBy", a."created_at" AS "createdAt", a."updated_at" AS "updatedAt", a."submitted_at" AS "submittedAt", a."returned_at" AS "returnedAt", a."return_comment" AS "returnComment", a."revision_due_at" AS "revisionDueAt", a."withdrawn_at" AS "withdrawnAt" FROM applications a
    WHERE a.agency_id = $1 AND a.program_id = $2
      AND ($3::text IS NULL OR a.status = $3::text)
      AND ($4::uuid IS NULL OR a.organization_id = $4::uuid)
      AND ($5::timestamptz IS NULL OR a.submitted_at >= $5::timestamptz)
      AND ($6::timestamptz IS NULL OR a.submitted_at < $6::timestamptz)
      AND ($7::timestamptz IS NULL OR (a.created_at, a.id) < ($7::timestamptz, $8::uuid))
    ORDER BY a.created_at DESC, a.id DESC LIMIT $9;

-- applications.save
UPDATE applications
      SET status = $3, project_title = $4, amount_requested = $5, answers = $6::jsonb,
          version = $7, submission_count = $8, submitted_at = $9, returned_at = $10,
          return_comment = $11, revision_due_at = $12, withdrawn_at = $13,
          updated_at = CURRENT_TIMESTAMP, updated_by = $14
    WHERE agency_id = $1 AND id = $2
    RETURNING updated_at AS "updatedAt";

-- applications.status-event-insert
INSERT INTO application_status_events
     (agency_id, application_id, from_status, to_status, comment, submission_number, actor_user_id)
   VALUES ($1, $2, $3, $4, $5, $6, $7);

-- applications.submit
WITH app AS (
    UPDATE applications
       SET status = 'submitted', submission_count = $3, submitted_at = $4, version = version + 1,
           updated_at = CURRENT_TIMESTAMP
     WHERE agency_id = $1 AND id = $2
    RETURNING agency_id, id, answers, updated_at
  ), frozen AS (
    INSERT INTO application_submissions
      (agency_id, application_id, number, form_version, project_title, amount_requested, answers,
       budget, attachments, certified_by, certifier_name, certifier_title,
       certification_statement, certified_at, certified_ip, content_sha256)
    SELECT agency_id, id, $3, $5, $6, $7, answers, $8::jsonb, $9::jsonb, $10, $11, $12, $13, $4,
           $14, $15
      FROM app
  ), history AS (
    INSERT INTO application_status_events
      (agency_id, application_id, from_status, to_status, comment, submission_number,
       actor_user_id)
    SELECT agency_id, id, $16, 'submitted', NULL, $3, $10 FROM app
  )
  SELECT updated_at AS "updatedAt" FROM app;
