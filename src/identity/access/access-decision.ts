import { Access } from '../../core/context/request-context';
import { Permission, PERMISSIONS, roleGrants } from '../permissions';

export type AccessDecision = 'allow' | 'not_found' | 'forbidden';

/** What the one per-request query found about a signed-in caller with a live session. */
export interface CallerGrants {
  platformAdmin: boolean;
  /** Active roles in the path's agency (empty outside agency routes). */
  agencyRoles: string[];
  /** Active roles per organization of the path's agency, keyed by organization id. */
  organizationRoles: Record<string, string[]>;
}

export interface DecisionInput {
  grants: CallerGrants;
  /** True on `/agencies/:agencyCode/...` routes. */
  inAgency: boolean;
  /** Undefined on @Public routes. */
  permission?: string;
  /** The `:organizationId` path parameter, when the route has one. */
  organizationId?: string;
}

const isKnown = (permission: string): permission is Permission =>
  Object.prototype.hasOwnProperty.call(PERMISSIONS, permission);

const grantsAnyone = (permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly string[]).includes('*');

/**
 * The access rules, free of I/O so they are tested exhaustively beside this file.
 *
 * In an agency: a member is someone with an active agency membership or an active membership in
 * one of its organizations; anyone else (platform admins included) is told the agency does not
 * exist. `*` permissions (self-service, e.g. registering an organization) need only a signed-in
 * caller. Organization roles count only on routes naming that organization. Outside agencies:
 * `*` permissions need a signed-in caller, platform permissions the platform_admin flag.
 */
export function decideAccess(input: DecisionInput): AccessDecision {
  const { grants, permission } = input;
  if (!input.inAgency) {
    if (permission === undefined) return 'allow';
    if (!isKnown(permission)) return 'forbidden';
    if (grantsAnyone(permission)) return 'allow';
    return grants.platformAdmin && roleGrants('platform_admin', permission) ? 'allow' : 'forbidden';
  }
  const member =
    grants.agencyRoles.length > 0 ||
    Object.values(grants.organizationRoles).some((roles) => roles.length > 0);
  if (permission === undefined) return 'allow'; // public inside an agency
  if (isKnown(permission) && grantsAnyone(permission)) return 'allow';
  if (!member) return 'not_found';
  if (!isKnown(permission)) return 'forbidden';
  return rolesInScope(input).some((role) => roleGrants(role, permission)) ? 'allow' : 'forbidden';
}

/** The roles that count on this route: agency roles, plus the named organization's roles. */
export function rolesInScope(input: Omit<DecisionInput, 'permission' | 'inAgency'>): string[] {
  const orgRoles = input.organizationId
    ? (input.grants.organizationRoles[input.organizationId.toLowerCase()] ?? [])
    : [];
  return [...input.grants.agencyRoles, ...orgRoles];
}

export function toAccess(grants: CallerGrants): Access {
  return { agencyRoles: grants.agencyRoles, organizationRoles: grants.organizationRoles };
}
