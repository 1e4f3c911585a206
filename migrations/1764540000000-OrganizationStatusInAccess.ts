import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-request access check reads the organization's status with the membership: roles count
 * only in an organization the agency approved ('active'). A deactivated or rejected
 * organization's members lose its roles on their next request (and, with no other membership,
 * the agency itself answers 404). A pending registration keeps one person: the user who
 * registered it, so they can still see and complete it (profile, contacts) until the agency
 * decides; nobody else gets a pending organization's roles.
 *
 * Same function, signature and grants as RequestAccess (CREATE OR REPLACE): still one
 * statement; the organization is found by its primary key (agency_id, id) per membership row.
 */
const inAgency = (organizationRule: string) => `
  CREATE OR REPLACE FUNCTION "request_access_in_agency"(p_agency uuid, p_session uuid, p_user uuid)
  RETURNS TABLE ("platformAdmin" boolean, "agencyRoles" text[], "organizationRoles" json)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
  BEGIN
    PERFORM set_config('app.agency_id', p_agency::text, true);
    RETURN QUERY
      SELECT u.platform_admin,
             COALESCE(am.roles, '{}'::text[]),
             (SELECT COALESCE(json_object_agg(om.organization_id, om.roles), '{}'::json)
                FROM organization_memberships om${organizationRule})
        FROM sessions s
        JOIN users u ON u.id = s.user_id
        LEFT JOIN agency_memberships am
               ON am.agency_id = p_agency AND am.user_id = s.user_id AND am.status = 'active'
       WHERE s.id = p_session AND s.user_id = p_user AND s.revoked_at IS NULL
         AND s.expires_at > now();
  END $$`;

export class OrganizationStatusInAccess1764540000000 implements MigrationInterface {
  name = 'OrganizationStatusInAccess1764540000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      inAgency(`
                JOIN organizations o
                  ON o.agency_id = om.agency_id AND o.id = om.organization_id
               WHERE om.agency_id = p_agency AND om.user_id = s.user_id
                 AND om.status = 'active'
                 AND (o.status = 'active'
                      OR (o.status = 'pending' AND o.registered_by = s.user_id))`),
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      inAgency(`
               WHERE om.agency_id = p_agency AND om.user_id = s.user_id
                 AND om.status = 'active'`),
    );
  }
}
