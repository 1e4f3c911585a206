import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Clock } from '../../src/core/clock/clock';
import type { FormDefinition } from '../../src/programs/forms/form-definition';
import { expectStatus, type TestApp } from '../support/test-app';
import { SignedIn, signedInOrganizationMember, signedInStaff } from './identity';

/**
 * Grants test data in one line, built through the real HTTP API (so every rule and audit event
 * applies): programs, organizations, applicant teams, applications with budgets and attachments,
 * submissions. Later capabilities (reviews, awards, payments) start from `submittedApplication`.
 */

const api = (agencyCode: string) => `/api/v1/agencies/${agencyCode}`;

/** The server's clock (the Clock service): stand still at an instant. Reset in afterEach. */
export function setClock(t: TestApp, instant: Date | string): void {
  t.app.get(Clock).setNow(instant);
}
export function resetClock(t: TestApp): void {
  t.app.get(Clock).reset();
}
export function clockNow(t: TestApp): Date {
  return t.app.get(Clock).now();
}

/** A form with every question type: answers from `completeAnswers()` satisfy it. */
export const STANDARD_FORM: FormDefinition = {
  sections: [
    {
      key: 'narrative',
      title: 'Project narrative',
      questions: [
        {
          key: 'summary',
          type: 'text',
          label: 'Project summary',
          required: true,
          multiline: true,
          maxLength: 5000,
        },
        {
          key: 'studentsServed',
          type: 'number',
          label: 'Students served',
          required: true,
          integer: true,
          minimum: 1,
        },
        { key: 'localMatch', type: 'money', label: 'Local match', maximum: '1000000.00' },
        { key: 'startDate', type: 'date', label: 'Planned start date', required: true },
        {
          key: 'gradeBand',
          type: 'choice',
          label: 'Grade band',
          required: true,
          options: [
            { value: 'elementary', label: 'Elementary' },
            { value: 'middle', label: 'Middle' },
            { value: 'high', label: 'High' },
          ],
        },
        {
          key: 'focusAreas',
          type: 'multi-choice',
          label: 'Focus areas',
          options: [
            { value: 'literacy', label: 'Literacy' },
            { value: 'math', label: 'Mathematics' },
            { value: 'attendance', label: 'Attendance' },
          ],
          minSelected: 1,
        },
        { key: 'logicModel', type: 'file', label: 'Logic model (optional file)' },
      ],
    },
    {
      key: 'sites',
      title: 'School sites',
      questions: [
        {
          key: 'schools',
          type: 'group',
          label: 'Schools served',
          repeatable: true,
          required: true,
          minItems: 1,
          questions: [
            { key: 'name', type: 'text', label: 'School name', required: true },
            { key: 'enrollment', type: 'number', label: 'Enrollment', integer: true, minimum: 0 },
          ],
        },
      ],
    },
  ],
};

export function completeAnswers(): Record<string, unknown> {
  return {
    narrative: {
      summary: 'Summer literacy academy for grades K-3.',
      studentsServed: 240,
      localMatch: '5000.00',
      startDate: '2026-07-01',
      gradeBand: 'elementary',
      focusAreas: ['literacy'],
    },
    sites: { schools: [{ name: 'Lincoln Elementary', enrollment: 410 }] },
  };
}

export const STANDARD_RUBRIC = {
  criteria: [
    { key: 'need', title: 'Need for the project', weight: 2, maxPoints: 20 },
    { key: 'design', title: 'Quality of the design', weight: 3, maxPoints: 30 },
    { key: 'budget', title: 'Budget and cost effectiveness', weight: 1, maxPoints: 10 },
  ],
  reviewersPerApplication: 2,
};

export type ProgramBody = Record<string, unknown>;

/** A complete, publishable program body; the window is open around the server's clock. */
export function programBody(t: TestApp, overrides: ProgramBody = {}): ProgramBody {
  const now = clockNow(t).getTime();
  return {
    code: `P-${randomUUID().slice(0, 8)}`,
    title: 'Summer Literacy Grants',
    description: 'Competitive grants for summer literacy programs.',
    kind: 'competitive',
    fundingSource: 'federal',
    assistanceListingNumber: '84.010',
    assistanceListingTitle: 'Title I Grants to Local Educational Agencies',
    fain: 'S010A260025',
    fiscalYear: 2027,
    fundsAvailable: '1500000.00',
    awardFloor: '10000.00',
    awardCeiling: '250000.00',
    performanceStart: '2026-07-01',
    performanceEnd: '2027-09-30',
    opensAt: new Date(now - 86_400_000).toISOString(),
    closesAt: new Date(now + 30 * 86_400_000).toISOString(),
    eligibility: { organizationTypes: ['lea', 'charter'], requiredIdentifiers: ['ncesLeaId'] },
    form: STANDARD_FORM,
    requiredAttachments: [
      { key: 'budgetNarrative', label: 'Budget narrative', allowedTypes: ['application/pdf'] },
    ],
    budgetRules: {
      allowedFunctionCodes: ['1000', '2100', '2200'],
      mustTotalRequested: true,
      indirectCostCapPercent: '8.00',
    },
    rubric: STANDARD_RUBRIC,
    ...overrides,
  };
}

export async function createProgram(
  t: TestApp,
  agencyCode: string,
  officer: SignedIn,
  overrides: ProgramBody = {},
) {
  const res = await t.request({
    method: 'POST',
    url: `${api(agencyCode)}/programs`,
    token: officer.token,
    payload: programBody(t, overrides),
  });
  expectStatus(res, 201, 'create program');
  return res.json();
}

export async function publishProgram(
  t: TestApp,
  agencyCode: string,
  officer: SignedIn,
  programId: string,
) {
  const res = await t.request({
    method: 'POST',
    url: `${api(agencyCode)}/programs/${programId}/publish`,
    token: officer.token,
  });
  expectStatus(res, 200, 'publish program');
  return res.json();
}

/** A program officer of the agency with a published program open for applications. */
export async function openProgram(
  t: TestApp,
  agencyCode: string,
  overrides: ProgramBody = {},
  officer?: SignedIn,
) {
  const po = officer ?? (await signedInStaff(t, agencyCode, ['program_officer']));
  const created = await createProgram(t, agencyCode, po, overrides);
  const program = await publishProgram(t, agencyCode, po, created.id);
  return { officer: po, program };
}

/** Identifiers that are valid and unique: 7-digit NCES id, 12-character UEI, a state code. */
export function districtIdentifiers() {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  const uei = [
    '123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[randomInt(33)],
    ...Array.from({ length: 11 }, () => alphabet[randomInt(alphabet.length)]),
  ].join('');
  return {
    ncesLeaId: String(randomInt(1_000_000, 9_999_999)),
    uei,
    stateDistrictCode: `D${randomBytes(3).toString('hex').toUpperCase()}`,
  };
}

export function organizationBody(overrides: Record<string, unknown> = {}) {
  return {
    legalName: `Test School District ${randomUUID().slice(0, 6)}`,
    type: 'lea',
    ...districtIdentifiers(),
    address: { line1: '100 Main St', city: 'Jefferson City', state: 'MO', postalCode: '65101' },
    contacts: [{ name: 'Pat Jones', email: 'pat.jones@district.example', kind: 'superintendent' }],
    ...overrides,
  };
}

/** An active organization created by agency staff (an agency admin is made when none is given). */
export async function createOrganization(
  t: TestApp,
  agencyCode: string,
  overrides: Record<string, unknown> = {},
  staff?: SignedIn,
) {
  const admin = staff ?? (await signedInStaff(t, agencyCode, ['agency_admin']));
  const res = await t.request({
    method: 'POST',
    url: `${api(agencyCode)}/organizations`,
    token: admin.token,
    payload: organizationBody(overrides),
  });
  expectStatus(res, 201, 'create organization');
  return res.json();
}

export interface ApplicantTeam {
  orgAdmin: SignedIn;
  grantWriter: SignedIn;
  representative: SignedIn;
}

export async function applicantTeam(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
): Promise<ApplicantTeam> {
  return {
    orgAdmin: await signedInOrganizationMember(t, agencyCode, organizationId, ['org_admin']),
    grantWriter: await signedInOrganizationMember(t, agencyCode, organizationId, ['grant_writer']),
    representative: await signedInOrganizationMember(t, agencyCode, organizationId, [
      'authorized_representative',
    ]),
  };
}

export const applicationsUrl = (
  agencyCode: string,
  organizationId: string,
  applicationId?: string,
) =>
  `${api(agencyCode)}/organizations/${organizationId}/applications${applicationId ? `/${applicationId}` : ''}`;

export async function startApplication(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  member: SignedIn,
  programId: string,
) {
  const res = await t.request({
    method: 'POST',
    url: applicationsUrl(agencyCode, organizationId),
    token: member.token,
    payload: { programId, projectTitle: 'Summer Literacy Academy' },
  });
  expectStatus(res, 201, 'start application');
  return res.json();
}

/** PATCH with the current ETag; returns the response (status not checked). */
export async function saveApplication(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  applicationId: string,
  member: SignedIn,
  body: Record<string, unknown>,
  etag?: string,
) {
  const ifMatch = etag ?? (await currentEtag(t, agencyCode, organizationId, applicationId, member));
  return t.request({
    method: 'PATCH',
    url: applicationsUrl(agencyCode, organizationId, applicationId),
    token: member.token,
    headers: { 'if-match': ifMatch },
    payload: body,
  });
}

export async function currentEtag(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  applicationId: string,
  member: SignedIn,
) {
  const res = await t.request({
    method: 'GET',
    url: applicationsUrl(agencyCode, organizationId, applicationId),
    token: member.token,
  });
  expectStatus(res, 200, 'read application');
  return String(res.headers.etag);
}

export async function putBudget(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  applicationId: string,
  member: SignedIn,
  body: { lines: Array<Record<string, unknown>>; amountRequested?: string },
) {
  return t.request({
    method: 'PUT',
    url: `${applicationsUrl(agencyCode, organizationId, applicationId)}/budget`,
    token: member.token,
    headers: {
      'if-match': await currentEtag(t, agencyCode, organizationId, applicationId, member),
    },
    payload: body,
  });
}

/** A multipart/form-data body with one file part, as a browser would send it. */
export function multipartFile(
  filename: string,
  content: Buffer,
  contentType = 'application/octet-stream',
) {
  const boundary = `----gc${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

export async function uploadAttachment(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  applicationId: string,
  member: SignedIn,
  file: { filename: string; content: Buffer; contentType?: string; requirementKey?: string },
) {
  const { payload, headers } = multipartFile(file.filename, file.content, file.contentType);
  const query = file.requirementKey ? `?requirementKey=${file.requirementKey}` : '';
  return t.request({
    method: 'POST',
    url: `${applicationsUrl(agencyCode, organizationId, applicationId)}/attachments${query}`,
    token: member.token,
    headers,
    payload,
  });
}

export const STANDARD_BUDGET = {
  amountRequested: '100000.00',
  lines: [
    { functionCode: '1000', objectCode: '100', description: 'Summer teachers', amount: '60000.00' },
    { functionCode: '1000', objectCode: '200', description: 'Benefits', amount: '15000.00' },
    {
      functionCode: '1000',
      objectCode: '600',
      description: 'Books and supplies',
      amount: '17600.00',
    },
    {
      functionCode: '2200',
      objectCode: '300',
      description: 'Indirect costs',
      amount: '7400.00',
      indirect: true,
    },
  ],
};

export async function submitApplication(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  applicationId: string,
  representative: SignedIn,
  idempotencyKey: string = randomUUID(),
) {
  return t.request({
    method: 'POST',
    url: `${applicationsUrl(agencyCode, organizationId, applicationId)}/submit`,
    token: representative.token,
    headers: { 'idempotency-key': idempotencyKey },
    payload: { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
  });
}

/**
 * An open program, an approved district with its team, and an application with complete
 * answers, a budget that totals, and the required attachment: ready to submit.
 */
export async function readyApplication(
  t: TestApp,
  agencyCode: string,
  programOverrides: ProgramBody = {},
) {
  const { officer, program } = await openProgram(t, agencyCode, programOverrides);
  const organization = await createOrganization(t, agencyCode);
  const team = await applicantTeam(t, agencyCode, organization.id);
  const application = await startApplication(
    t,
    agencyCode,
    organization.id,
    team.grantWriter,
    program.id,
  );
  const saved = await saveApplication(
    t,
    agencyCode,
    organization.id,
    application.id,
    team.grantWriter,
    { answers: completeAnswers() },
  );
  expectStatus(saved, 200, 'save answers');
  expectStatus(
    await putBudget(
      t,
      agencyCode,
      organization.id,
      application.id,
      team.grantWriter,
      STANDARD_BUDGET,
    ),
    200,
    'save budget',
  );
  expectStatus(
    await uploadAttachment(t, agencyCode, organization.id, application.id, team.grantWriter, {
      filename: 'budget-narrative.pdf',
      content: SAMPLE_PDF,
      contentType: 'application/pdf',
      requirementKey: 'budgetNarrative',
    }),
    201,
    'upload attachment',
  );
  return { officer, program, organization, team, application };
}

/** A submitted application (version 1), for review, award and payment tests. */
export async function submittedApplication(
  t: TestApp,
  agencyCode: string,
  programOverrides: ProgramBody = {},
) {
  const ready = await readyApplication(t, agencyCode, programOverrides);
  const res = await submitApplication(
    t,
    agencyCode,
    ready.organization.id,
    ready.application.id,
    ready.team.representative,
  );
  expectStatus(res, 201, 'submit application');
  return { ...ready, receipt: res.json() };
}
