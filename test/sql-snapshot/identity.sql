-- identity.access-in-agency
SELECT * FROM request_access_in_agency($1, $2, $3);

-- identity.access-organization-exists
SELECT 1 AS found FROM organizations WHERE agency_id = $1 AND id = $2;

-- identity.access-outside-agency
SELECT * FROM request_access_outside_agency($1, $2);

-- identity.account-token-insert
INSERT INTO user_account_tokens (user_id, purpose, token_hash, expires_at)
   VALUES ($1, $2, NULL, $3) RETURNING id;

-- identity.account-token-lock-usable
SELECT t."id" AS "id", t."user_id" AS "userId" FROM user_account_tokens t
    WHERE t.token_hash = $1 AND t.purpose = $2 AND t.closed_at IS NULL AND t.expires_at > now()
      FOR UPDATE;

-- identity.account-token-usable
SELECT 1 AS usable FROM user_account_tokens
    WHERE token_hash = $1 AND purpose = $2 AND closed_at IS NULL AND expires_at > now();

-- identity.account-tokens-close-open
UPDATE user_account_tokens SET closed_at = now()
    WHERE user_id = $1 AND purpose = $2 AND closed_at IS NULL;

-- identity.agency-membership-answer
UPDATE agency_memberships SET status = $3, updated_at = now()
    WHERE agency_id = $1 AND user_id = $2 AND status = 'pending'
    RETURNING roles;

-- identity.agency-membership-lock
SELECT am."roles" AS "roles", am."status" AS "status" FROM agency_memberships am
    WHERE am.agency_id = $1 AND am.user_id = $2 FOR UPDATE;

-- identity.agency-membership-set-roles
UPDATE agency_memberships SET roles = $3, updated_at = now()
    WHERE agency_id = $1 AND user_id = $2;

-- identity.demo-add-staff
INSERT INTO agency_memberships (agency_id, user_id, roles) VALUES ($1, $2, $3)
   ON CONFLICT (agency_id, user_id) DO NOTHING RETURNING user_id AS "userId";

-- identity.demo-any-user
SELECT EXISTS (SELECT 1 FROM users) AS any;

-- identity.demo-make-platform-admin
UPDATE users SET platform_admin = true WHERE id = $1;

-- identity.demo-user-by-email
SELECT id FROM users WHERE email = $1;

-- identity.demo-user-insert
INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
   ON CONFLICT (email) DO NOTHING RETURNING id;

-- identity.duty-excluded
SELECT c.requester_id AS "requesterId", c.organization_id AS "organizationId",
          ARRAY(SELECT m.user_id FROM organization_memberships m
                 WHERE m.agency_id = $1 AND m.organization_id = c.organization_id
                   AND m.status = 'active'
                UNION
                SELECT i.invited_by_user_id FROM user_invitations i
                 WHERE i.user_id = c.requester_id AND i.invited_by_user_id IS NOT NULL
                ORDER BY 1)::text[] AS excluded
     FROM unnest($2::uuid[], $3::uuid[]) AS c(requester_id, organization_id);

-- identity.duty-facts
SELECT
     EXISTS (SELECT 1 FROM organization_memberships
              WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3
                AND status = 'active') AS member,
     EXISTS (SELECT 1 FROM user_invitations
              WHERE user_id = $4 AND invited_by_user_id = $3) AS inviter;

-- identity.duty-facts-of-many
SELECT
     EXISTS (SELECT 1 FROM organization_memberships m
              WHERE m.agency_id = $1 AND m.organization_id = c.organization_id
                AND m.user_id = $2 AND m.status = 'active') AS member,
     EXISTS (SELECT 1 FROM user_invitations i
              WHERE i.user_id = c.requester_id AND i.invited_by_user_id = $2) AS inviter
     FROM unnest($3::uuid[], $4::uuid[]) WITH ORDINALITY AS c(requester_id, organization_id, n)
    ORDER BY c.n;

-- identity.invitation-insert
INSERT INTO user_invitations (user_id, token_hash, invited_by_user_id, expires_at)
   VALUES ($1, NULL, $2, $3) RETURNING id;

-- identity.invitation-lock-open-by-token
SELECT i."id" AS "id", i."user_id" AS "userId" FROM user_invitations i
    WHERE i.token_hash = $1 AND i.closed_at IS NULL AND i.expires_at > now()
      FOR UPDATE;

-- identity.invitation-mint-token
WITH minted AS (
     UPDATE user_invitations SET token_hash = $2
      WHERE id = $1 AND closed_at IS NULL AND expires_at > now()
     RETURNING user_id)
   SELECT user_id AS "userId" FROM minted;

-- identity.invitations-close-all-open
UPDATE user_invitations SET closed_at = now() WHERE user_id = $1 AND closed_at IS NULL;

-- identity.invitations-close-open-of-reset-user
UPDATE user_invitations SET closed_at = now() WHERE user_id = $1 AND closed_at IS NULL;

-- identity.invitations-close-own-open
UPDATE user_invitations SET closed_at = now()
    WHERE user_id = $1 AND closed_at IS NULL AND invited_by_user_id IS NOT DISTINCT FROM $2;

-- identity.login-tally-prune
DELETE FROM login_failure_tallies WHERE bucket_start < now() - make_interval(days => $1);

-- identity.login-tally-unknown-email
INSERT INTO login_failure_tallies AS t (bucket_start, client_ip, failures)
   VALUES (date_trunc('hour', now()), $1, 1)
   ON CONFLICT (bucket_start, client_ip) DO UPDATE SET failures = t.failures + 1
   RETURNING failures;

-- identity.login-throttle-clear
DELETE FROM login_throttles WHERE email = $1;

-- identity.login-throttle-count
INSERT INTO login_throttles AS t (email, failures, last_failed_at, locked_until)
   VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(secs =>
     LEAST($4::float8, $3::float8 * power(2::float8, 1 - $2))) END)
   ON CONFLICT (email) DO UPDATE SET
     failures = CASE WHEN t.last_failed_at <= now() - make_interval(hours => $5)
                       THEN 1 ELSE t.failures + 1 END,
     last_failed_at = now(),
     locked_until = CASE WHEN CASE WHEN t.last_failed_at <= now() - make_interval(hours => $5)
                       THEN 1 ELSE t.failures + 1 END >= $2 THEN now() + make_interval(secs =>
     LEAST($4::float8, $3::float8 * power(2::float8, CASE WHEN t.last_failed_at <= now() - make_interval(hours => $5)
                       THEN 1 ELSE t.failures + 1 END - $2))) END
   WHERE t.locked_until IS NULL OR t.locked_until <= now()
   RETURNING 1 AS counted;

-- identity.login-throttle-prune
DELETE FROM login_throttles
    WHERE last_failed_at < now() - make_interval(hours => $1)
      AND (locked_until IS NULL OR locked_until < now());

-- identity.login-throttle-retry-after
SELECT ceil(extract(epoch FROM locked_until - now()))::int AS "retryAfter"
     FROM login_throttles WHERE email = $1;

-- identity.login-throttle-uncount
UPDATE login_throttles
      SET failures = failures - 1,
          locked_until = CASE WHEN failures - 1 >= $2 THEN locked_until END
    WHERE email = $1 AND failures > 0;

-- identity.me
SELECT json_build_object('id', u.id, 'email', u.email, 'name', u.name,
                                'platformAdmin', u.platform_admin) AS "user",
              COALESCE((SELECT json_agg(json_build_object(
                          'agencyId', am.agency_id, 'roles', am.roles))
                          FROM agency_memberships am
                         WHERE am.user_id = u.id AND am.status = 'active'), '[]'::json)
                AS "agencies",
              COALESCE((SELECT json_agg(json_build_object(
                          'agencyId', om.agency_id,
                          'organizationId', om.organization_id, 'roles', om.roles))
                          FROM organization_memberships om
                         WHERE om.user_id = u.id AND om.status = 'active'), '[]'::json)
                AS "organizations"
         FROM users u WHERE u.id = $1;

-- identity.memberships-pending-of-user
SELECT 'agency' AS kind, am.agency_id AS "agencyId", NULL::uuid AS "organizationId",
          am.roles, am.updated_at AS "invitedAt"
     FROM agency_memberships am
    WHERE am.user_id = $1 AND am.status = 'pending'
   UNION ALL
   SELECT 'organization', om.agency_id, om.organization_id, om.roles, om.updated_at
     FROM organization_memberships om
    WHERE om.user_id = $1 AND om.status = 'pending';

-- identity.mfa-active-agency-roles
SELECT agency_id AS "agencyId", roles FROM agency_memberships
    WHERE user_id = $1 AND status = 'active';

-- identity.mfa-as-user
SELECT set_config('app.user_id', $1, true);

-- identity.mfa-enrolment-state
SELECT EXISTS (SELECT 1 FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
            AS enrolled,
          (SELECT count(*)::int FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL)
            AS "recoveryCodesLeft";

-- identity.mfa-factor-confirm
UPDATE mfa_factors SET confirmed_at = now(), last_used_step = $2 WHERE id = $1;

-- identity.mfa-factor-confirmed-lock
SELECT f."id" AS "id", f."secret_sealed" AS "secretSealed", f."last_used_step" AS "lastUsedStep" FROM mfa_factors f
    WHERE f.user_id = $1 AND f.confirmed_at IS NOT NULL FOR UPDATE;

-- identity.mfa-factor-delete-confirmed-others
DELETE FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL AND id <> $2;

-- identity.mfa-factor-delete-pending
DELETE FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NULL;

-- identity.mfa-factor-insert-pending
INSERT INTO mfa_factors (id, user_id, kind, secret_sealed) VALUES ($1, $2, 'totp', $3);

-- identity.mfa-factor-pending-lock
SELECT f."id" AS "id", f."secret_sealed" AS "secretSealed" FROM mfa_factors f
    WHERE f.user_id = $1 AND f.confirmed_at IS NULL
      AND f.created_at > now() - make_interval(mins => $2)
    ORDER BY f.created_at DESC LIMIT 1 FOR UPDATE;

-- identity.mfa-factor-use-step
UPDATE mfa_factors SET last_used_step = $2
    WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2);

-- identity.mfa-factors-delete
DELETE FROM mfa_factors WHERE user_id = $1;

-- identity.mfa-recovery-code-use
WITH used AS (
     UPDATE mfa_recovery_codes SET used_at = now()
      WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
     RETURNING id)
   SELECT (SELECT count(*)::int FROM mfa_recovery_codes
            WHERE user_id = $1 AND used_at IS NULL) - 1 AS left
     FROM used;

-- identity.mfa-recovery-codes-delete
DELETE FROM mfa_recovery_codes WHERE user_id = $1;

-- identity.mfa-recovery-codes-insert
INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[]);

-- identity.mfa-staff-member
SELECT 1 AS found FROM agency_memberships WHERE agency_id = $1 AND user_id = $2;

-- identity.organization-members
SELECT om."user_id" AS "userId", om."roles" AS "roles", om."status" AS "status", u.email, CASE WHEN om.status = 'pending' THEN NULL ELSE u.name END AS name
     FROM organization_memberships om JOIN users u ON u.id = om.user_id
    WHERE om.agency_id = $1 AND om.organization_id = $2
    ORDER BY u.email;

-- identity.organization-membership-answer
UPDATE organization_memberships SET status = $4, updated_at = now()
    WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3 AND status = 'pending'
    RETURNING roles;

-- identity.organization-membership-deactivate
UPDATE organization_memberships SET status = 'deactivated', updated_at = now()
    WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3
      AND status IN ('active', 'pending');

-- identity.organization-membership-lock
SELECT om."roles" AS "roles", om."status" AS "status" FROM organization_memberships om
    WHERE om.agency_id = $1 AND om.organization_id = $2 AND om.user_id = $3 FOR UPDATE;

-- identity.organization-membership-set-roles
UPDATE organization_memberships SET roles = $4, updated_at = now()
    WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3;

-- identity.organization-membership-write
INSERT INTO organization_memberships
     (agency_id, organization_id, user_id, roles, status, invited_by_user_id)
   VALUES ($1, $2, $3, $4, $5, $6)
   ON CONFLICT (agency_id, organization_id, user_id)
   DO UPDATE SET roles = EXCLUDED.roles, status = EXCLUDED.status,
                 invited_by_user_id = EXCLUDED.invited_by_user_id, updated_at = now();

-- identity.organization-memberships-of-user
SELECT om."organization_id" AS "organizationId", om."roles" AS "roles" FROM organization_memberships om
    WHERE om.agency_id = $1 AND om.user_id = $2 AND om.status = 'active';

-- identity.refresh-token-insert
INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3);

-- identity.refresh-token-lock-presented
SELECT rt."id" AS "id", rt."session_id" AS "sessionId", rt."expires_at" AS "expiresAt", rt."used_at" AS "usedAt", s.revoked_at AS "revokedAt", s.user_id AS "userId", u.email,
          u.platform_admin AS "platformAdmin", s.ends_at AS "endsAt",
          s.auth_methods AS "authMethods", s.second_factor_at AS "secondFactorAt"
     FROM refresh_tokens rt
     JOIN sessions s ON s.id = rt.session_id
     JOIN users u ON u.id = s.user_id
    WHERE rt.token_hash = $1
      FOR UPDATE OF rt, s;

-- identity.refresh-token-mark-used
UPDATE refresh_tokens SET used_at = now() WHERE id = $1;

-- identity.role-grant-confirmers
SELECT am.user_id AS "userId", u.email FROM agency_memberships am
     JOIN users u ON u.id = $2
    WHERE am.agency_id = $1 AND am.status = 'active' AND 'agency_admin' = ANY (am.roles)
      AND am.user_id <> $2 AND am.user_id IS DISTINCT FROM $3::uuid
    ORDER BY am.user_id LIMIT 50;

-- identity.role-grant-decide
UPDATE agency_role_grants
      SET status = $3, decided_by_user_id = $4, decided_at = now(),
          decided_as_platform_admin = $5
    WHERE agency_id = $1 AND id = $2
    RETURNING decided_at AS "decidedAt";

-- identity.role-grant-lock
SELECT g."id" AS "id", g."user_id" AS "userId", g."role" AS "role", g."status" AS "status", g."requested_by_user_id" AS "requestedByUserId", g."requested_at" AS "requestedAt", g."decided_by_user_id" AS "decidedByUserId", g."decided_at" AS "decidedAt", u.email FROM agency_role_grants g JOIN users u ON u.id = g.user_id
      WHERE g.agency_id = $1 AND g.id = $2 FOR UPDATE OF g;

-- identity.role-grant-request
INSERT INTO agency_role_grants (agency_id, user_id, role, requested_by_user_id)
   VALUES ($1, $2, $3, $4)
   ON CONFLICT (agency_id, user_id, role) WHERE status = 'pending' DO NOTHING
   RETURNING id;

-- identity.role-grants-cancel
UPDATE agency_role_grants SET status = 'cancelled', decided_at = now()
    WHERE agency_id = $1 AND user_id = $2 AND status = 'pending' AND NOT (role = ANY($3))
    RETURNING id, role;

-- identity.role-grants-pending-roles
SELECT role FROM agency_role_grants
    WHERE agency_id = $1 AND user_id = $2 AND status = 'pending' ORDER BY role;

-- identity.role-grants-with-status
SELECT g."id" AS "id", g."user_id" AS "userId", g."role" AS "role", g."status" AS "status", g."requested_by_user_id" AS "requestedByUserId", g."requested_at" AS "requestedAt", g."decided_by_user_id" AS "decidedByUserId", g."decided_at" AS "decidedAt", u.email FROM agency_role_grants g JOIN users u ON u.id = g.user_id
      WHERE g.agency_id = $1 AND g.status = $2 ORDER BY g.requested_at, g.id LIMIT 500;

-- identity.session-extend
UPDATE sessions SET expires_at = $2, last_used_at = now() WHERE id = $1;

-- identity.session-insert
INSERT INTO sessions (user_id, expires_at, ends_at, ip, user_agent, auth_methods,
                         second_factor_at, last_used_at)
   VALUES ($1, $2, $2, $3, $4, $5, $6, now())
   RETURNING id;

-- identity.session-live
SELECT 1 AS live FROM sessions
    WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now();

-- identity.session-of-refresh-token
SELECT s."id" AS "id", s."user_id" AS "userId" FROM refresh_tokens rt
     JOIN sessions s ON s.id = rt.session_id
    WHERE rt.token_hash = $1 AND s.revoked_at IS NULL;

-- identity.session-record-second-factor
UPDATE sessions s
      SET second_factor_at = now(), last_used_at = now(),
          auth_methods = CASE WHEN $3 = ANY (s.auth_methods) THEN s.auth_methods
                              ELSE s.auth_methods || $3::text END
    WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
   RETURNING s."id" AS "id", s."auth_methods" AS "authMethods", s."second_factor_at" AS "secondFactorAt", s."ends_at" AS "endsAt";

-- identity.session-revoke
UPDATE sessions SET revoked_at = now(), revoked_reason = $2
    WHERE id = $1 AND revoked_at IS NULL;

-- identity.sessions-live-of-user
SELECT s."id" AS "id", s."created_at" AS "createdAt", s."auth_methods" AS "authMethods", s."second_factor_at" AS "secondFactorAt", s."last_used_at" AS "lastUsedAt", s."ends_at" AS "endsAt", s."ip" AS "ip", s."user_agent" AS "userAgent" FROM sessions s
    WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
    ORDER BY s.last_used_at DESC NULLS LAST, s.created_at DESC
    LIMIT 100;

-- identity.sessions-revoke-of-user
UPDATE sessions SET revoked_at = now(), revoked_reason = $2
    WHERE user_id = $1 AND revoked_at IS NULL;

-- identity.sessions-revoke-others-of-user
UPDATE sessions SET revoked_at = now(), revoked_reason = $3
    WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2;

-- identity.sso-flow-insert
INSERT INTO sso_sign_in_flows
     (agency_id, provider_id, state_hash, nonce, code_verifier, browser_hash, return_to, expires_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- identity.sso-flow-take
DELETE FROM sso_sign_in_flows f WHERE f.agency_id = $1 AND f.state_hash = $2 RETURNING f."provider_id" AS "providerId", f."nonce" AS "nonce", f."code_verifier" AS "codeVerifier", f."browser_hash" AS "browserHash", f."return_to" AS "returnTo", f."expires_at" AS "expiresAt";

-- identity.sso-flows-prune
DELETE FROM sso_sign_in_flows WHERE agency_id = $1 AND expires_at < $2;

-- identity.sso-identities-of-user
SELECT ui."agency_id" AS "agencyId", ui."provider_id" AS "providerId", ui."email" AS "email", ui."created_at" AS "createdAt", ui."last_used_at" AS "lastUsedAt" FROM user_identities ui WHERE ui.user_id = $1 ORDER BY ui.created_at;

-- identity.sso-identity-by-subject
SELECT ui."user_id" AS "userId" FROM user_identities ui
    WHERE ui.agency_id = $1 AND ui.provider_id = $2 AND ui.subject = $3;

-- identity.sso-identity-link
INSERT INTO user_identities (agency_id, provider_id, subject, user_id, email, last_used_at)
   VALUES ($1, $2, $3, $4, $5, now())
   ON CONFLICT (agency_id, provider_id, user_id)
   DO UPDATE SET subject = EXCLUDED.subject, email = EXCLUDED.email, last_used_at = now();

-- identity.sso-identity-touch
UPDATE user_identities SET last_used_at = now()
    WHERE agency_id = $1 AND provider_id = $2 AND subject = $3;

-- identity.sso-identity-unlink
DELETE FROM user_identities
    WHERE agency_id = $1 AND provider_id = $2 AND user_id = $3 RETURNING subject;

-- identity.sso-staff-standing
SELECT m."status" AS "status" FROM agency_memberships m WHERE m.agency_id = $1 AND m.user_id = $2;

-- identity.sso-user-by-email
SELECT u."id" AS "id", u."email" AS "email", u."platform_admin" AS "platformAdmin", u."email_verified_at" AS "emailVerifiedAt", u."locale" AS "locale" FROM users u WHERE u.email = $1;

-- identity.sso-user-by-id
SELECT u."id" AS "id", u."email" AS "email", u."platform_admin" AS "platformAdmin", u."email_verified_at" AS "emailVerifiedAt", u."locale" AS "locale" FROM users u WHERE u.id = $1;

-- identity.sso-user-claim-unverified
UPDATE users SET password_hash = NULL, email_verified_at = now(), updated_at = now()
    WHERE id = $1 AND email_verified_at IS NULL;

-- identity.sso-user-create
INSERT INTO users (email, name, email_verified_at) VALUES ($1, $2, now())
   ON CONFLICT (email) DO NOTHING RETURNING id;

-- identity.staff-accepted-with-role
SELECT am.user_id AS "userId", u.email, u.name
       FROM agency_memberships am JOIN users u ON u.id = am.user_id
      WHERE am.agency_id = $1 AND am.status = 'active' AND $2 = ANY(am.roles)
        AND u.password_hash IS NOT NULL
      ORDER BY am.user_id;

-- identity.staff-active-with-role
SELECT am.user_id AS "userId", u.email, u.name
       FROM agency_memberships am JOIN users u ON u.id = am.user_id
      WHERE am.agency_id = $1 AND am.status = 'active' AND $2 = ANY(am.roles)
      ORDER BY am.user_id;

-- identity.staff-deactivate
UPDATE agency_memberships SET status = 'deactivated', updated_at = now()
    WHERE agency_id = $1 AND user_id = $2;

-- identity.staff-invite
INSERT INTO agency_memberships (agency_id, user_id, roles, status)
   VALUES ($1, $2, $3, 'pending')
   ON CONFLICT (agency_id, user_id)
   DO UPDATE SET roles = EXCLUDED.roles, status = 'pending', updated_at = now();

-- identity.staff-lock-admins
SELECT am."user_id" AS "userId" FROM agency_memberships am
    WHERE am.agency_id = $1 AND am.status = 'active' AND 'agency_admin' = ANY (am.roles)
      FOR UPDATE;

-- identity.staff-lock-member
SELECT am."user_id" AS "userId", am."roles" AS "roles", am."status" AS "status", am."created_at" AS "createdAt", u.email, u.name,
       ARRAY(SELECT g.role FROM agency_role_grants g
              WHERE g.agency_id = am.agency_id AND g.user_id = am.user_id AND g.status = 'pending'
              ORDER BY g.role) AS "pendingRoles",
       u.password_hash IS NOT NULL AS "hasPassword"
       FROM agency_memberships am JOIN users u ON u.id = am.user_id
      WHERE am.agency_id = $1 AND am.user_id = $2 FOR UPDATE OF am;

-- identity.staff-page
SELECT am."user_id" AS "userId", am."roles" AS "roles", am."status" AS "status", am."created_at" AS "createdAt", u.email, u.name,
       ARRAY(SELECT g.role FROM agency_role_grants g
              WHERE g.agency_id = am.agency_id AND g.user_id = am.user_id AND g.status = 'pending'
              ORDER BY g.role) AS "pendingRoles",
       u.password_hash IS NOT NULL AS "hasPassword"
       FROM agency_memberships am JOIN users u ON u.id = am.user_id
      WHERE am.agency_id = $1
        AND ($2::text IS NULL OR u.email > $2)
        AND ($3::text IS NULL OR am.status = $3)
      ORDER BY u.email
      LIMIT $4;

-- identity.staff-set-roles
UPDATE agency_memberships SET roles = $3, updated_at = now()
    WHERE agency_id = $1 AND user_id = $2;

-- identity.user-account-by-email
SELECT u."id" AS "id", u."email" AS "email", u."name" AS "name", u.password_hash IS NOT NULL AS "hasPassword" FROM users u WHERE u.email = $1;

-- identity.user-change-password
UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1;

-- identity.user-contacts
SELECT u."id" AS "id", u."email" AS "email", u."name" AS "name", u."locale" AS "locale" FROM users u WHERE u.id = ANY($1::uuid[]) ORDER BY u.id;

-- identity.user-has-password
SELECT password_hash IS NOT NULL AS "hasPassword" FROM users WHERE id = $1;

-- identity.user-insert
INSERT INTO users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id;

-- identity.user-login-candidate
SELECT u."id" AS "id", u."email" AS "email", u."password_hash" AS "passwordHash", u."platform_admin" AS "platformAdmin", u."email_verified_at" AS "emailVerifiedAt", u."locale" AS "locale" FROM users u WHERE u.email = $1;

-- identity.user-mark-email-verified
UPDATE users SET email_verified_at = now(), updated_at = now()
    WHERE id = $1 AND email_verified_at IS NULL;

-- identity.user-password-hash
SELECT u."password_hash" AS "passwordHash" FROM users u WHERE u.id = $1;

-- identity.user-profile
SELECT u."email" AS "email", u."name" AS "name", u."locale" AS "locale" FROM users u WHERE u.id = $1;

-- identity.user-reset-password
UPDATE users SET password_hash = $2, updated_at = now(),
          email_verified_at = COALESCE(email_verified_at, now())
    WHERE id = $1;

-- identity.user-save-locale
WITH changed AS (
     UPDATE users u SET locale = $2, updated_at = now()
       FROM (SELECT id, locale FROM users WHERE id = $1 FOR UPDATE) old
      WHERE u.id = old.id AND old.locale IS DISTINCT FROM $2
        AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = $3 AND s.user_id = $1
                      AND s.revoked_at IS NULL AND s.expires_at > now())
     RETURNING old.locale AS before)
   SELECT before FROM changed;

-- identity.user-set-password
UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1;

-- identity.user-sign-up
INSERT INTO users (email, name, password_hash, email_verified_at, locale)
   VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (email) DO NOTHING RETURNING id;

-- identity.user-update-profile
UPDATE users SET name = $2, locale = $3, updated_at = now() WHERE id = $1;

-- identity.user-verified-by-email
SELECT u."id" AS "id", u.email_verified_at IS NOT NULL AS verified FROM users u WHERE u.email = $1;
