/**
 * Roles and what they may do. Agency roles are held in an agency; organization roles in one
 * applicant organization (of an agency); platform_admin on the deployment. A route names one
 * permission (@RequirePermission); the access policy grants it when one of the caller's roles in
 * scope carries it. Organization roles count only on routes with `:organizationId` in the path.
 */
export const AGENCY_ROLES = [
  'agency_admin',
  'program_officer',
  'reviewer',
  'finance_officer',
] as const;
export const ORGANIZATION_ROLES = [
  'org_admin',
  'grant_writer',
  'authorized_representative',
] as const;
export const PLATFORM_ROLES = ['platform_admin'] as const;

export type AgencyRole = (typeof AGENCY_ROLES)[number];
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];
export type Role = AgencyRole | OrganizationRole | (typeof PLATFORM_ROLES)[number];

export const PERMISSIONS = {
  // Any signed-in user, about themselves (no agency needed).
  'self.read': ['*'],
  'self.update': ['*'],
  // Platform operator: agencies and operations, never an agency's grant data.
  'platform.agencies.manage': ['platform_admin'],
  'platform.jobs.manage': ['platform_admin'],
  'platform.usage.read': ['platform_admin'],
  // Agency administration.
  'agency.staff.read': ['agency_admin'],
  'agency.usage.read': ['agency_admin'],
  'agency.staff.manage': ['agency_admin'],
  'agency.config.read': ['agency_admin', 'program_officer', 'finance_officer'],
  'audit.read': ['agency_admin'],
  // Webhook endpoints to the agency's own systems (their secrets and delivery logs).
  'agency.webhooks.manage': ['agency_admin'],
  // Programs.
  'program.read': ['agency_admin', 'program_officer', 'reviewer', 'finance_officer'],
  'program.manage': ['agency_admin', 'program_officer'],
  'program.template.read': ['agency_admin', 'program_officer'],
  // Applicant organizations.
  'organization.register': ['*'],
  'organization.read': [
    'agency_admin',
    'program_officer',
    'finance_officer',
    'org_admin',
    'grant_writer',
    'authorized_representative',
  ],
  'organization.manage': ['agency_admin', 'program_officer'],
  // The organization's own profile (name, address, contacts); identifiers and status: manage.
  'organization.update': ['agency_admin', 'program_officer', 'org_admin'],
  'organization.members.manage': ['org_admin'],
  // The organization's document library: members (and agency staff) read, its admins and
  // authorized representatives keep it.
  'organization.documents.read': [
    'agency_admin',
    'program_officer',
    'org_admin',
    'grant_writer',
    'authorized_representative',
  ],
  'organization.documents.manage': ['org_admin', 'authorized_representative'],
  // Applications.
  'application.read': [
    'agency_admin',
    'program_officer',
    'org_admin',
    'grant_writer',
    'authorized_representative',
  ],
  'application.edit': ['org_admin', 'grant_writer', 'authorized_representative'],
  'application.submit': ['authorized_representative'],
  'application.withdraw': ['authorized_representative'],
  'application.return': ['program_officer'],
  'application.export': ['agency_admin', 'program_officer'],
  // Review and decisions.
  'review.manage': ['program_officer'],
  'review.score': ['reviewer'],
  'decision.manage': ['program_officer'],
  'decision.read': [
    'org_admin',
    'grant_writer',
    'authorized_representative',
    'program_officer',
    'agency_admin',
  ],
  // Awards and money.
  'award.read': [
    'agency_admin',
    'program_officer',
    'finance_officer',
    'org_admin',
    'grant_writer',
    'authorized_representative',
  ],
  'award.manage': ['program_officer', 'finance_officer'],
  'award.accept': ['authorized_representative'],
  'budget.revise': ['grant_writer', 'authorized_representative'],
  'budget.approve': ['program_officer'],
  'payment.request': ['grant_writer', 'authorized_representative'],
  'payment.read': [
    'finance_officer',
    'program_officer',
    'agency_admin',
    'org_admin',
    'grant_writer',
    'authorized_representative',
  ],
  'payment.approve': ['finance_officer'],
  'payment.batch': ['finance_officer'],
  // New bank details: sent by the district's administrator or representative (or a finance
  // officer); they pay nobody until a different finance officer activates them.
  'payee.request': ['finance_officer', 'org_admin', 'authorized_representative'],
  'closeout.submit': ['authorized_representative'],
  'closeout.manage': ['program_officer', 'finance_officer'],
} as const satisfies Record<string, readonly (Role | '*')[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleGrants(role: string, permission: Permission): boolean {
  const roles: readonly string[] = PERMISSIONS[permission];
  return roles.includes('*') || roles.includes(role);
}
