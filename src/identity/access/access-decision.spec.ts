import { AGENCY_ROLES, ORGANIZATION_ROLES, PERMISSIONS } from '../permissions';
import { CallerGrants, decideAccess } from './access-decision';

const ORG = '6f1c1a2e-4b55-4c43-9d7a-0d6f0c8f0001';
const OTHER_ORG = '6f1c1a2e-4b55-4c43-9d7a-0d6f0c8f0002';
const nobody: CallerGrants = { platformAdmin: false, agencyRoles: [], organizationRoles: {} };
const staff = (...roles: string[]): CallerGrants => ({ ...nobody, agencyRoles: roles });
const orgMember = (...roles: string[]): CallerGrants => ({
  ...nobody,
  organizationRoles: { [ORG]: roles },
});

describe('decideAccess in an agency', () => {
  it('tells a non-member, platform admins included, that the agency does not exist', () => {
    for (const grants of [nobody, { ...nobody, platformAdmin: true }]) {
      expect(decideAccess({ grants, inAgency: true, permission: 'program.read' })).toBe(
        'not_found',
      );
    }
  });

  it('grants each agency permission exactly to the roles the catalog names', () => {
    for (const [permission, roles] of Object.entries(PERMISSIONS)) {
      if ((roles as readonly string[]).includes('*')) continue;
      for (const role of AGENCY_ROLES) {
        const expected = (roles as readonly string[]).includes(role) ? 'allow' : 'forbidden';
        expect({
          permission,
          role,
          d: decideAccess({ grants: staff(role), inAgency: true, permission }),
        }).toEqual({ permission, role, d: expected });
      }
    }
  });

  it('counts organization roles only on routes naming that organization', () => {
    const grants = orgMember('authorized_representative');
    const permission = 'application.submit';
    expect(decideAccess({ grants, inAgency: true, permission, organizationId: ORG })).toBe('allow');
    expect(decideAccess({ grants, inAgency: true, permission, organizationId: OTHER_ORG })).toBe(
      'forbidden',
    );
    // A member of the agency through the organization, but no organization in the path.
    expect(decideAccess({ grants, inAgency: true, permission })).toBe('forbidden');
    expect(
      decideAccess({ grants, inAgency: true, permission, organizationId: ORG.toUpperCase() }),
    ).toBe('allow');
  });

  it('lets organization roles grant what the catalog says and nothing more', () => {
    for (const role of ORGANIZATION_ROLES) {
      expect(
        decideAccess({
          grants: orgMember(role),
          inAgency: true,
          permission: 'payment.approve',
          organizationId: ORG,
        }),
      ).toBe('forbidden');
    }
  });

  it('lets anyone signed in use self-service (*) permissions and public routes', () => {
    expect(
      decideAccess({ grants: nobody, inAgency: true, permission: 'organization.register' }),
    ).toBe('allow');
    expect(decideAccess({ grants: nobody, inAgency: true })).toBe('allow');
  });

  it('fails closed on a permission the catalog does not know', () => {
    expect(decideAccess({ grants: staff('agency_admin'), inAgency: true, permission: 'x.y' })).toBe(
      'forbidden',
    );
  });

  it('ignores deactivated roles (the query returns none) like no membership', () => {
    expect(
      decideAccess({
        grants: { ...nobody, organizationRoles: { [ORG]: [] } },
        inAgency: true,
        permission: 'program.read',
      }),
    ).toBe('not_found');
  });
});

describe('decideAccess outside agencies', () => {
  it('gives self permissions to any signed-in user', () => {
    expect(decideAccess({ grants: nobody, inAgency: false, permission: 'self.read' })).toBe(
      'allow',
    );
  });

  it('gives platform permissions only to platform admins, and agency roles count for nothing', () => {
    expect(
      decideAccess({
        grants: staff('agency_admin'),
        inAgency: false,
        permission: 'platform.jobs.manage',
      }),
    ).toBe('forbidden');
    expect(
      decideAccess({
        grants: { ...nobody, platformAdmin: true },
        inAgency: false,
        permission: 'platform.jobs.manage',
      }),
    ).toBe('allow');
  });
});
