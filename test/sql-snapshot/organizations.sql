-- organizations.by-identifier
SELECT o."id" AS "id", o."state_district_code" AS "stateDistrictCode", o."nces_lea_id" AS "ncesLeaId" FROM organizations o
    WHERE o.agency_id = $1 AND o.status <> 'rejected'
      AND (o.state_district_code = ANY($2::text[]) OR o.nces_lea_id = ANY($2::text[]));

-- organizations.document-claim-reminder
UPDATE organization_documents SET reminded_days = $3
    WHERE agency_id = $1 AND id = $2 AND removed_at IS NULL
      AND (reminded_days IS NULL OR reminded_days > $3)
  RETURNING id;

-- organizations.documents-expiring
SELECT d."id" AS "id", d."organization_id" AS "organizationId", d."title" AS "title", d."reminded_days" AS "remindedDays", d.expires_on::text AS "expiresOn"
     FROM organization_documents d
    WHERE d.agency_id = $1 AND d.removed_at IS NULL
      AND d.expires_on BETWEEN $2::date AND $2::date + $3::int
    ORDER BY d.expires_on, d.id;

-- organizations.identifier-taken-nces-lea-id
SELECT 1 AS taken FROM organizations WHERE agency_id = $1 AND nces_lea_id = $2 AND status <> 'rejected' AND id IS DISTINCT FROM $3::uuid LIMIT 1;

-- organizations.identifier-taken-state-district-code
SELECT 1 AS taken FROM organizations WHERE agency_id = $1 AND state_district_code = $2 AND status <> 'rejected' AND id IS DISTINCT FROM $3::uuid LIMIT 1;

-- organizations.identifier-taken-uei
SELECT 1 AS taken FROM organizations WHERE agency_id = $1 AND uei = $2 AND status <> 'rejected' AND id IS DISTINCT FROM $3::uuid LIMIT 1;

-- organizations.names
SELECT o."id" AS "id", o."legal_name" AS "legalName" FROM organizations o WHERE o.agency_id = $1 AND o.id = ANY($2::uuid[]);

-- organizations.summary
SELECT o."id" AS "id", o."legal_name" AS "legalName", o."type" AS "type", o."status" AS "status", o."state_district_code" AS "stateDistrictCode", o."nces_lea_id" AS "ncesLeaId", o."uei" AS "uei" FROM organizations o WHERE o.agency_id = $1 AND o.id = $2;
