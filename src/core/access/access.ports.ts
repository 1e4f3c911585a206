import { Access, Actor, Tenant } from '../context/request-context';

/**
 * Ports the kernel calls and domain modules implement (identity and agencies), so the kernel
 * holds no grant knowledge. Each is bound to its token by the module that implements it.
 */
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
export interface Authenticator {
  /** Verify a bearer token; return the actor, or throw UnauthenticatedError. */
  authenticate(bearerToken: string): Promise<Actor>;
  /**
   * Verify a web page's session cookie; a cookie past part of its idle lifetime comes back
   * renewed (the idle timeout slides, the session's absolute end does not).
   */
  authenticateWebSession(cookie: string): Promise<WebSessionActor>;
}

export interface WebSessionActor {
  actor: Actor;
  renewed?: { token: string; expiresAt: Date };
}

export const TENANT_DIRECTORY = Symbol('TENANT_DIRECTORY');
/** The agencies as the kernel knows them: tenants. The agencies table is read only behind it. */
export interface TenantDirectory {
  /** The active agency with this code, or undefined (unknown codes answer 404). */
  findByCode(agencyCode: string): Tenant | undefined;
  /** The active agencies, by code: where schedules run. */
  activeTenants(): Tenant[];
  /** Every agency, deactivated ones too, by code: a deactivated agency's audit trail still matters. */
  allTenants(): Tenant[];
}

export interface AuthorizationRequest {
  actor: Actor | undefined;
  /** Undefined on routes outside an agency. */
  tenant?: Tenant;
  /** Undefined on @Public routes inside an agency (membership is then not required). */
  permission?: string;
  params: Record<string, string>;
  /** The route is a money action: a recent second factor is required (@RequireRecentSecondFactor). */
  stepUp?: boolean;
}

export const ACCESS_POLICY = Symbol('ACCESS_POLICY');
export interface AccessPolicy {
  /**
   * Runs first in the request transaction and, when a tenant is given, sets it
   * (app.agency_id, transaction-local) before it reads anything, on every path that does not
   * throw; ideally in the statement that reads the grants, so BEGIN, tenant and grants are one
   * round trip. Returns the caller's access in the agency; throws NotFoundError for a non-member
   * (the agency's existence is not revealed) and ForbiddenError for a member without the
   * permission.
   */
  authorize(request: AuthorizationRequest): Promise<Access | undefined>;
}
