/**
 * Kinds of applicant organizations and their identifiers: part of the organizations module's
 * public surface (programs use them for eligibility rules).
 */
export const ORGANIZATION_TYPES = [
  'lea', // local education agency: a school district
  'charter', // charter school (often its own LEA)
  'esa', // educational service agency / regional service center
  'nonprofit',
  'ihe', // institution of higher education
  'private_school',
  'government', // city, county or tribal government
  'other',
] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

export const ORGANIZATION_IDENTIFIERS = ['stateDistrictCode', 'ncesLeaId', 'uei'] as const;
export type OrganizationIdentifier = (typeof ORGANIZATION_IDENTIFIERS)[number];

export const ORGANIZATION_STATUSES = ['pending', 'active', 'rejected', 'inactive'] as const;
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];
