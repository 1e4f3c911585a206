-- ledger.award-balances
SELECT account,
          SUM(CASE side WHEN 'debit' THEN amount ELSE -amount END)::numeric(16,2)::text AS net
     FROM ledger_entries
    WHERE agency_id = $1 AND award_id = $2
    GROUP BY account;

-- ledger.award-history
SELECT t."id" AS "id", t."kind" AS "kind", t."source_type" AS "sourceType", t."source_id" AS "sourceId", t."memo" AS "memo", t."created_at" AS "createdAt", json_agg(json_build_object('agencyId', e."agency_id", 'id', e."id", 'transactionId', e."transaction_id", 'awardId', e."award_id", 'account', e."account", 'side', e."side", 'amount', e."amount"::text) ORDER BY e.side DESC, e.account) AS entries
     FROM ledger_transactions t
     JOIN ledger_entries e ON e.agency_id = t.agency_id AND e.transaction_id = t.id
    WHERE t.agency_id = $1 AND t.award_id = $2
    GROUP BY t.agency_id, t.id
    ORDER BY t.created_at, t.id;

-- ledger.entries-insert
INSERT INTO ledger_entries (agency_id, transaction_id, award_id, account, side, amount)
   SELECT $1, $2, $3, e.account, e.side, e.amount::numeric(14,2)
     FROM unnest($4::text[], $5::text[], $6::text[]) AS e(account, side, amount);

-- ledger.transaction-insert
INSERT INTO ledger_transactions (agency_id, award_id, kind, source_type, source_id, memo, created_by, created_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp()) RETURNING id;

-- ledger.transaction-legs
SELECT e."award_id" AS "awardId", e."account" AS "account", e."side" AS "side", e."amount" AS "amount"
     FROM ledger_transactions t
     JOIN ledger_entries e ON e.agency_id = t.agency_id AND e.transaction_id = t.id
    WHERE t.agency_id = $1 AND t.id = $2;

-- ledger.transaction-of-source
SELECT t."id" AS "id" FROM ledger_transactions t
    WHERE t.agency_id = $1 AND t.kind = $2 AND t.source_type = $3 AND t.source_id = $4;
