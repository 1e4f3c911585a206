import { randomUUID } from 'node:crypto';
import { AwardsService } from '../../src/awards/awards.service';
import { FundingSourceInput } from '../../src/awards/funding/funding-sources';
import { TenantRunner } from '../../src/core/context/tenant-db';
import { expectStatus, type TestApp } from '../support/test-app';
import { waitFor as waitForEvent } from '../jobs/waiting';
import { submittedApplication, type ProgramBody } from './grants';
import { agencyId, asAgencyOwner, SignedIn, signedInStaff } from './identity';

/**
 * Awards and payments test data. Awards are made through AwardsService.createFromFundingSource
 * (the path every funding source takes), in the agency's context as the program officer;
 * everything after that goes through the HTTP API.
 */

export const api = (agencyCode: string) => `/api/v1/agencies/${agencyCode}`;
export const orgApi = (agencyCode: string, organizationId: string) =>
  `${api(agencyCode)}/organizations/${organizationId}`;

export { expectStatus };

/** Runs work in the agency's context (one transaction), as the given user or the system. */
export async function inAgency<R>(
  t: TestApp,
  agencyCode: string,
  work: () => Promise<R>,
  userId?: string,
): Promise<R> {
  const id = await agencyId(t, agencyCode);
  return t.app
    .get(TenantRunner)
    .run(
      { agencyId: id, agencyCode },
      userId ? { kind: 'user', userId } : { kind: 'system' },
      work,
    );
}

export async function createAward(
  t: TestApp,
  agencyCode: string,
  input: Omit<FundingSourceInput, 'sourceId' | 'source'> &
    Partial<Pick<FundingSourceInput, 'source' | 'sourceId'>>,
  officer: SignedIn,
) {
  return inAgency(
    t,
    agencyCode,
    () =>
      t.app.get(AwardsService).createFromFundingSource({
        source: 'decision',
        sourceId: randomUUID(),
        ...input,
      }),
    officer.user.id,
  );
}

/**
 * A submitted application (mo-dese or ks-ksde, the standard $100,000 budget) and an offered
 * award for it of `amount` (default: the amount requested).
 */
export async function offeredAward(
  t: TestApp,
  agencyCode: string,
  options: { amount?: string; program?: ProgramBody; budget?: FundingSourceInput['budget'] } = {},
) {
  const submitted = await submittedApplication(t, agencyCode, options.program ?? {});
  const award = await createAward(
    t,
    agencyCode,
    {
      applicationId: submitted.application.id,
      programId: submitted.program.id,
      organizationId: submitted.organization.id,
      amount: options.amount ?? '100000.00',
      federalAwardDate: '2026-07-01',
      budget: options.budget,
    },
    submitted.officer,
  );
  return { ...submitted, award };
}

export async function acceptAward(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  awardId: string,
  representative: SignedIn,
) {
  const res = await t.request({
    method: 'POST',
    url: `${orgApi(agencyCode, organizationId)}/awards/${awardId}/accept`,
    token: representative.token,
    payload: { name: 'Pat Jones', title: 'Superintendent', accepted: true },
  });
  expectStatus(res, 200, 'accept award');
  return res.json();
}

/** An active award with two finance officers ready to approve. */
export async function activeAward(
  t: TestApp,
  agencyCode: string,
  options: Parameters<typeof offeredAward>[2] = {},
) {
  const offered = await offeredAward(t, agencyCode, options);
  const award = await acceptAward(
    t,
    agencyCode,
    offered.organization.id,
    offered.award.id,
    offered.team.representative,
  );
  const financeA = await signedInStaff(t, agencyCode, ['finance_officer']);
  const financeB = await signedInStaff(t, agencyCode, ['finance_officer']);
  return { ...offered, award, financeA, financeB };
}

export function requestPayment(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  awardId: string,
  member: SignedIn,
  body: Record<string, unknown>,
  idempotencyKey: string = randomUUID(),
) {
  return t.request({
    method: 'POST',
    url: `${orgApi(agencyCode, organizationId)}/awards/${awardId}/payment-requests`,
    token: member.token,
    headers: { 'idempotency-key': idempotencyKey },
    payload: body,
  });
}

export function reimbursement(amount: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'reimbursement',
    periodStart: '2026-09-01',
    periodEnd: '2026-09-30',
    description: 'September salaries',
    lines: [{ functionCode: '1000', objectCode: '100', amount }],
    ...overrides,
  };
}

export function approve(
  t: TestApp,
  agencyCode: string,
  requestId: string,
  officer: SignedIn,
  body: Record<string, unknown> = {},
) {
  return t.request({
    method: 'POST',
    url: `${api(agencyCode)}/payment-requests/${requestId}/approve`,
    token: officer.token,
    headers: { 'idempotency-key': randomUUID() },
    payload: body,
  });
}

/** A finance officer requests new bank details for the organization (pending, pays nobody). */
export async function requestPayeeChange(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  officer: SignedIn,
  body: Record<string, unknown> = {},
) {
  return t.request({
    method: 'POST',
    url: `${orgApi(agencyCode, organizationId)}/payee`,
    token: officer.token,
    payload: {
      payeeName: 'Topeka Public Schools',
      routingNumber: '101000019',
      accountNumber: '000123456789',
      accountType: 'checking',
      ...body,
    },
  });
}

export function activatePayeeChange(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  changeId: string,
  officer: SignedIn,
) {
  return t.request({
    method: 'POST',
    url: `${orgApi(agencyCode, organizationId)}/payee/changes/${changeId}/activate`,
    token: officer.token,
  });
}

/**
 * Bank details in force: `officer` requests them and a second finance officer (made here, so
 * neither of the test's own officers is barred from batching) activates them. Returns the
 * active payee (masked).
 */
export async function setPayee(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  officer: SignedIn,
  body: Record<string, unknown> = {},
  activator?: SignedIn,
) {
  const requested = await requestPayeeChange(t, agencyCode, organizationId, officer, body);
  expectStatus(requested, 201, 'request payee change');
  const second = activator ?? (await signedInStaff(t, agencyCode, ['finance_officer']));
  const res = await activatePayeeChange(t, agencyCode, organizationId, requested.json().id, second);
  expectStatus(res, 200, 'activate payee change');
  return res.json();
}

/** Polls until `probe` returns something truthy; fails only on a hang (see test/jobs/waiting). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false | null>,
  patienceMs?: number,
): Promise<T> {
  return waitForEvent(what, async () => (await probe()) || undefined, patienceMs);
}

/**
 * Every ledger transaction of the agencies whose debits differ from its credits (or that has
 * fewer than two legs): read as the owner, agency by agency (row-level security is forced).
 */
export async function unbalancedLedgerTransactions(t: TestApp, agencyCodes: string[]) {
  const problems: Array<{ agency: string; id: string; net: string; legs: number }> = [];
  let transactions = 0;
  for (const code of agencyCodes) {
    await asAgencyOwner(t, code, async (client, id) => {
      const { rows } = await client.query<{ id: string; net: string; legs: number }>(
        `SELECT t.id,
                COALESCE(SUM(CASE e.side WHEN 'debit' THEN e.amount ELSE -e.amount END), 0)::text AS net,
                COUNT(e.id)::int AS legs
           FROM ledger_transactions t
           LEFT JOIN ledger_entries e ON e.agency_id = t.agency_id AND e.transaction_id = t.id
          WHERE t.agency_id = $1
          GROUP BY t.agency_id, t.id`,
        [id],
      );
      transactions += rows.length;
      for (const row of rows) {
        if (Number(row.net) !== 0 || row.legs < 2) problems.push({ agency: code, ...row });
      }
    });
  }
  return { transactions, problems };
}
