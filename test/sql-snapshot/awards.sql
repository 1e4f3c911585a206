-- awards.award-lock-reference
SELECT a."reference" AS "reference" FROM awards a WHERE a.agency_id = $1 AND a.id = $2 FOR UPDATE;
