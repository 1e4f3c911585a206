import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first statement of every signed-in request, as functions so that it is one statement with
 * literal arguments: the pool client sends it together with the transaction's BEGIN, one round
 * trip instead of two (see MembershipAccessPolicy and prepared-statements.ts).
 *
 * SECURITY INVOKER (the default, spelled out): they run as the app role, so row-level security
 * applies to the membership reads exactly as it did to the plain query. Each setting is
 * transaction-local (set_config(..., true)), as before; no SET clause, so nothing is restored on
 * return and the setting holds for the rest of the transaction.
 */
export class RequestAccess1764400000000 implements MigrationInterface {
  name = 'RequestAccess1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    // In an agency: set the tenant first (the membership tables' policies read it), then the
    // live session's user with their active roles in that agency. No row: session not live.
    await q.query(`
      CREATE FUNCTION "request_access_in_agency"(p_agency uuid, p_session uuid, p_user uuid)
      RETURNS TABLE ("platformAdmin" boolean, "agencyRoles" text[], "organizationRoles" json)
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
      BEGIN
        PERFORM set_config('app.agency_id', p_agency::text, true);
        RETURN QUERY
          SELECT u.platform_admin,
                 COALESCE(am.roles, '{}'::text[]),
                 (SELECT COALESCE(json_object_agg(om.organization_id, om.roles), '{}'::json)
                    FROM organization_memberships om
                   WHERE om.agency_id = p_agency AND om.user_id = s.user_id
                     AND om.status = 'active')
            FROM sessions s
            JOIN users u ON u.id = s.user_id
            LEFT JOIN agency_memberships am
                   ON am.agency_id = p_agency AND am.user_id = s.user_id AND am.status = 'active'
           WHERE s.id = p_session AND s.user_id = p_user AND s.revoked_at IS NULL
             AND s.expires_at > now();
      END $$`);
    // Outside agencies: the session check; only a live session sets app.user_id, which lets the
    // user read their own membership rows in every agency (GET /me).
    await q.query(`
      CREATE FUNCTION "request_access_outside_agency"(p_session uuid, p_user uuid)
      RETURNS TABLE ("platformAdmin" boolean)
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
      DECLARE
        admin boolean;
      BEGIN
        SELECT u.platform_admin INTO admin
          FROM sessions s
          JOIN users u ON u.id = s.user_id
         WHERE s.id = p_session AND s.user_id = p_user AND s.revoked_at IS NULL
           AND s.expires_at > now();
        IF NOT FOUND THEN RETURN; END IF;
        PERFORM set_config('app.user_id', p_user::text, true);
        "platformAdmin" := admin;
        RETURN NEXT;
      END $$`);
    for (const fn of [
      'request_access_in_agency(uuid, uuid, uuid)',
      'request_access_outside_agency(uuid, uuid)',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO gc_app`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "request_access_outside_agency"(uuid, uuid)`);
    await q.query(`DROP FUNCTION "request_access_in_agency"(uuid, uuid, uuid)`);
  }
}
