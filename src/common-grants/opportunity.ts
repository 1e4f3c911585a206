import { formatInZone } from '../core/clock/zoned-time';
import { normalizeAmount } from '../core/money/money';
import type { OpenProgram, PublicWindow } from '../programs/program-opportunities';

/**
 * The CommonGrants opportunity model (protocol 0.3, `@common-grants/core`
 * CommonGrants.Models.OpportunityBase), as this deployment writes it. Optional members are left
 * out rather than null: the protocol's schemas do not allow null.
 */
export interface Money {
  /** A decimal string ("1500000.00"), never a float. */
  amount: string;
  currency: string;
}

export type OppStatusValue = 'forecasted' | 'open' | 'closed' | 'custom';

export type CgEvent =
  | { name: string; eventType: 'singleDate'; date: string; time?: string; description?: string }
  | {
      name: string;
      eventType: 'dateRange';
      startDate: string;
      startTime?: string;
      endDate: string;
      endTime?: string;
      description?: string;
    };

export interface CustomField {
  name: string;
  fieldType: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  value: unknown;
  description?: string;
}

export interface ApplicantType {
  value: string;
  customValue?: string;
  description?: string;
}

export interface Opportunity {
  id: string;
  title: string;
  status: { value: OppStatusValue; description?: string };
  description: string;
  funding?: {
    totalAmountAvailable?: Money;
    minAwardAmount?: Money;
    maxAwardAmount?: Money;
  };
  keyDates?: { postDate?: CgEvent; closeDate?: CgEvent; otherDates?: Record<string, CgEvent> };
  acceptedApplicantTypes?: ApplicantType[];
  source?: string;
  customFields?: Record<string, CustomField>;
  createdAt: string;
  lastModifiedAt: string;
}

/** Where the program's window stands, as the protocol names it. */
export const STATUS_OF_WINDOW: Record<PublicWindow, OppStatusValue> = {
  upcoming: 'forecasted',
  open: 'open',
  closed: 'closed',
};

const STATUS_DESCRIPTIONS: Record<PublicWindow, string> = {
  upcoming: 'Published; the application window has not opened yet',
  open: 'The application window is open',
  closed: 'No longer accepting applications',
};

/**
 * Our organization types (src/organizations/organization-types.ts) as the protocol's applicant
 * types. Where our type spans several of the protocol's (a nonprofit with or without 501(c)(3)
 * status; a public or private college), each is listed; types the protocol has no option for
 * are `custom` with our value.
 */
const APPLICANT_TYPES: Record<string, ApplicantType[]> = {
  lea: [
    {
      value: 'school_district_independent',
      description: 'Local education agency (school district)',
    },
  ],
  charter: [{ value: 'custom', customValue: 'charter', description: 'Charter school' }],
  esa: [
    {
      value: 'custom',
      customValue: 'esa',
      description: 'Educational service agency (regional service center)',
    },
  ],
  nonprofit: [
    { value: 'non_profit_with_501c3', description: 'Nonprofit organization' },
    { value: 'nonprofit_without_501c3', description: 'Nonprofit organization' },
  ],
  ihe: [
    { value: 'higher_education_public', description: 'Institution of higher education' },
    { value: 'higher_education_private', description: 'Institution of higher education' },
  ],
  private_school: [
    { value: 'custom', customValue: 'private_school', description: 'Private school' },
  ],
  government: [
    { value: 'government_county', description: 'City, county or tribal government' },
    { value: 'government_municipal', description: 'City, county or tribal government' },
    { value: 'government_tribal', description: 'City, county or tribal government' },
  ],
  other: [{ value: 'custom', customValue: 'other', description: 'Other organization' }],
};

/** No restriction in our eligibility means any organization (applicants are never individuals). */
const ANY_ORGANIZATION: ApplicantType[] = [
  { value: 'organization', description: 'Any type of organization' },
];

export function applicantTypes(organizationTypes: readonly string[] | undefined): ApplicantType[] {
  if (!organizationTypes || organizationTypes.length === 0) return ANY_ORGANIZATION;
  return organizationTypes.flatMap(
    (type) => APPLICANT_TYPES[type] ?? [{ value: 'custom', customValue: type }],
  );
}

const usd = (amount: string | null): Money | undefined =>
  amount === null ? undefined : { amount: normalizeAmount(amount), currency: 'USD' };

/** An instant as the protocol's event date and time: the agency's wall clock, no offset. */
function local(instant: Date, timeZone: string): { date: string; time: string } {
  const [date, time] = formatInZone(instant, timeZone).split('T');
  return { date, time };
}

export interface OpportunityAgency {
  code: string;
  name: string;
  timeZone: string;
}

/** One program as a CommonGrants opportunity. `appUrl`: the deployment's public web address. */
export function toOpportunity(
  p: OpenProgram,
  agency: OpportunityAgency,
  appUrl: string,
): Opportunity {
  const zone = agency.timeZone;
  const inZone = `Times are local to ${zone}.`;
  const funding = {
    totalAmountAvailable: usd(p.fundsAvailable),
    minAwardAmount: usd(p.awardFloor),
    maxAwardAmount: usd(p.awardCeiling),
  };
  const otherDates: Record<string, CgEvent> = {};
  if (p.opensAt && p.closesAt) {
    const opens = local(p.opensAt, zone);
    const closes = local(p.closesAt, zone);
    otherDates.applicationPeriod = {
      name: 'Application period',
      eventType: 'dateRange',
      startDate: opens.date,
      startTime: opens.time,
      endDate: closes.date,
      endTime: closes.time,
      description: `Applications are accepted in this window. ${inZone}`,
    };
  }
  if (p.performanceStart && p.performanceEnd) {
    otherDates.performancePeriod = {
      name: 'Period of performance',
      eventType: 'dateRange',
      startDate: p.performanceStart,
      endDate: p.performanceEnd,
      description: 'When funded work may take place',
    };
  }
  const keyDates = {
    ...(p.publishedAt && {
      postDate: {
        name: 'Posted',
        eventType: 'singleDate' as const,
        ...local(p.publishedAt, zone),
        description: `Published on the agency's portal. ${inZone}`,
      },
    }),
    ...(p.closesAt && {
      closeDate: {
        name: 'Application deadline',
        eventType: 'singleDate' as const,
        ...local(p.closesAt, zone),
        description: `Applications close. ${inZone}`,
      },
    }),
    ...(Object.keys(otherDates).length > 0 && { otherDates }),
  };
  return {
    id: p.id,
    title: p.title,
    status: { value: STATUS_OF_WINDOW[p.window], description: STATUS_DESCRIPTIONS[p.window] },
    description: p.description,
    ...(Object.values(funding).some(Boolean) && { funding: withoutUndefined(funding) }),
    ...(Object.keys(keyDates).length > 0 && { keyDates }),
    acceptedApplicantTypes: applicantTypes(p.eligibility.organizationTypes),
    source: `${appUrl}/${encodeURIComponent(agency.code)}/programs/${p.id}`,
    customFields: customFields(p, agency),
    createdAt: p.createdAt.toISOString(),
    lastModifiedAt: p.updatedAt.toISOString(),
  };
}

/** Our own fields, in the protocol's CustomField shape (name, fieldType, value, description). */
function customFields(p: OpenProgram, agency: OpportunityAgency): Record<string, CustomField> {
  const fields: CustomField[] = [
    {
      name: 'agencyCode',
      fieldType: 'string',
      value: agency.code,
      description: 'The agency offering the opportunity',
    },
    { name: 'agencyName', fieldType: 'string', value: agency.name },
    {
      name: 'programCode',
      fieldType: 'string',
      value: p.code,
      description: "The agency's own code for the program",
    },
    {
      name: 'programType',
      fieldType: 'string',
      value: p.kind,
      description:
        'competitive: applications are scored and ranked; formula: allocations are computed from data such as enrollment',
    },
    {
      name: 'timeZone',
      fieldType: 'string',
      value: agency.timeZone,
      description: 'The IANA time zone of the key dates and times',
    },
  ];
  if (p.fundingSource)
    fields.push({
      name: 'fundingSource',
      fieldType: 'string',
      value: p.fundingSource,
      description: 'Where the money comes from: federal, state, local or private',
    });
  if (p.assistanceListingNumber)
    fields.push({
      name: 'assistanceListing',
      fieldType: 'object',
      value: {
        number: p.assistanceListingNumber,
        ...(p.assistanceListingTitle && { title: p.assistanceListingTitle }),
      },
      description: 'The federal Assistance Listing (CFDA) the funds are awarded under',
    });
  if (p.fiscalYear !== null)
    fields.push({ name: 'fiscalYear', fieldType: 'integer', value: p.fiscalYear });
  if (p.performanceStart && p.performanceEnd)
    fields.push({
      name: 'awardPeriod',
      fieldType: 'object',
      value: { startDate: p.performanceStart, endDate: p.performanceEnd },
      description: 'The default period of performance of awards (dates, YYYY-MM-DD)',
    });
  if (p.acceptsUntil)
    fields.push({
      name: 'acceptsSubmissionsUntil',
      fieldType: 'string',
      value: p.acceptsUntil.toISOString(),
      description:
        'The last instant (UTC) a submission is accepted: the deadline plus any grace period',
    });
  if (p.eligibility.organizationTypes?.length)
    fields.push({
      name: 'eligibleOrganizationTypes',
      fieldType: 'array',
      value: [...p.eligibility.organizationTypes],
      description: "The agency's own organization types that may apply",
    });
  if (p.eligibility.requiredIdentifiers?.length)
    fields.push({
      name: 'requiredIdentifiers',
      fieldType: 'array',
      value: [...p.eligibility.requiredIdentifiers],
      description: 'Identifiers an applicant must have on file (ncesLeaId, uei, stateDistrictCode)',
    });
  return Object.fromEntries(fields.map((f) => [f.name, f]));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
