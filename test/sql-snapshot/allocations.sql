-- allocations.final
SELECT fa.id AS "allocationId", fa.program_id AS "programId",
         fa.organization_id AS "organizationId", fa.amount, r.published_at AS "publishedAt"
    FROM formula_allocations fa
    JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
   WHERE fa.agency_id = $1 AND r.status = 'final' AND fa.id = $2;

-- allocations.final-of-organization
SELECT fa.id AS "allocationId", fa.program_id AS "programId",
         fa.organization_id AS "organizationId", fa.amount, r.published_at AS "publishedAt"
    FROM formula_allocations fa
    JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
   WHERE fa.agency_id = $1 AND r.status = 'final' AND fa.program_id = $2 AND fa.organization_id = $3;

-- allocations.final-of-program
SELECT fa.id AS "allocationId", fa.program_id AS "programId",
         fa.organization_id AS "organizationId", fa.amount, r.published_at AS "publishedAt"
    FROM formula_allocations fa
    JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
   WHERE fa.agency_id = $1 AND r.status = 'final' AND fa.program_id = $2 ORDER BY fa.identifier;

-- allocations.of-organization
SELECT fa.id AS "allocationId", fa.program_id AS "programId", r.id AS "runId",
          r.status AS stage, fa.amount, r.published_at AS "publishedAt"
     FROM formula_allocations fa
     JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
    WHERE fa.agency_id = $1 AND fa.organization_id = $2 AND r.status IN ('preliminary', 'final')
    ORDER BY r.published_at DESC;

-- allocations.program-lock
SELECT pg_advisory_xact_lock(hashtext('allocations:' || $1));

-- allocations.run-latest-number
SELECT max(number) AS latest FROM allocation_runs WHERE agency_id = $1 AND program_id = $2;

-- allocations.run-next-number
SELECT COALESCE(max(number), 0) + 1 AS next FROM allocation_runs WHERE agency_id = $1 AND program_id = $2;
