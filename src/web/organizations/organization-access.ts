import { RequestContext } from '../../core/context/request-context';
import { Permission, roleGrants } from '../../identity/permissions';

/** The signed-in person's roles that count for this organization: the access decision's scope. */
export function rolesFor(context: RequestContext, organizationId: string) {
  const access = context.access;
  const organization = access?.organizationRoles[organizationId.toLowerCase()] ?? [];
  const agency = access?.agencyRoles ?? [];
  return {
    organization,
    agency,
    /** Whether a page should offer an action: the route itself still checks (same permission). */
    may: (permission: Permission) =>
      [...agency, ...organization].some((role) => roleGrants(role, permission)),
  };
}
