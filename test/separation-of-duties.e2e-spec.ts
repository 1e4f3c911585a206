import { randomUUID } from 'node:crypto';
import { OrganizationMemberships } from '../src/identity/memberships/organization-memberships.service';
import { InvitationService } from '../src/identity/staff/invitation.service';
import { useTestApp } from './support/use-test-app';
import { grantOrganizationRoles, signedInStaff, SignedIn } from './factories/identity';
import { setClock } from './factories/grants';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  inAgency,
  orgApi,
  reimbursement,
  requestPayment,
} from './factories/finance';

/**
 * Issue 13, item 2: whoever decides about money is not the requester, not a member of the
 * requesting organization (any role, active) and not whoever invited the requester. One rule
 * (src/identity/duties/separation-of-duties.ts) on every path: payment approvals and
 * rejections, payee activation (payments-payee.e2e-spec.ts), budget revisions, amendments.
 */
describe('separation of duties between people', () => {
  const t = useTestApp({ clock: '2026-10-05T15:00:00Z' });

  const post = (url: string, who: SignedIn, payload: Record<string, unknown> = {}) =>
    t.request({
      method: 'POST',
      url,
      token: who.token,
      headers: { 'idempotency-key': randomUUID() },
      payload,
    });
  const get = async (url: string, who: SignedIn) =>
    (await t.request({ method: 'GET', url, token: who.token })).json();

  /** Someone with `roles` in the agency who also sits in the organization (any role). */
  async function memberOf(organizationId: string, roles: string[], orgRoles = ['grant_writer']) {
    const person = await signedInStaff(t, 'mo-dese', roles);
    await grantOrganizationRoles(t, 'mo-dese', organizationId, person.user.id, orgRoles);
    return person;
  }

  /** Someone with `roles` in the agency who once invited `invitee`. */
  async function inviterOf(invitee: SignedIn, roles: string[]) {
    const person = await signedInStaff(t, 'mo-dese', roles);
    await inAgency(
      t,
      'mo-dese',
      () => t.app.get(InvitationService).issue(invitee.user.id, person.user.id),
      person.user.id,
    );
    return person;
  }

  const refusedFor = (reason: string, subject: string) => ({
    code: 'separation_of_duties.conflict',
    subject,
    reason,
  });

  it('payment requests: a finance officer in the district, or who invited the requester, neither approves nor rejects', async () => {
    const { award, organization, team, financeA } = await activeAward(t, 'mo-dese');
    const created = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('1200.00'),
    );
    expectStatus(created, 201, 'request');
    const url = `${api('mo-dese')}/payment-requests/${created.json().id}`;
    const insider = await memberOf(organization.id, ['finance_officer'], ['org_admin']);
    const inviter = await inviterOf(team.grantWriter, ['finance_officer']);
    const ledgerUrl = `${api('mo-dese')}/awards/${award.id}/ledger`;
    const ledgerBefore = await get(ledgerUrl, financeA);

    for (const [who, reason] of [
      [insider, 'organization_member'],
      [inviter, 'inviter'],
    ] as const) {
      const approval = await approve(t, 'mo-dese', created.json().id, who);
      expect(approval.status).toBe(403);
      expect(approval.json()).toMatchObject(refusedFor(reason, 'payment_request'));
      const rejection = await post(`${url}/reject`, who, { reason: 'No' });
      expect(rejection.status).toBe(403);
      expect(rejection.json()).toMatchObject(refusedFor(reason, 'payment_request'));
    }
    // Nothing changed, and the chain names both as excluded.
    const after = await get(url, financeA);
    expect(after).toMatchObject({ status: 'submitted', contentHash: created.json().contentHash });
    expect(after.approvalChain.approvals).toEqual([]);
    expect(after.approvalChain.pending[0].excludedUserIds).toEqual(
      expect.arrayContaining([team.grantWriter.user.id, insider.user.id, inviter.user.id]),
    );
    expect(after.approvalChain.pending[0].excludedUserIds).not.toContain(financeA.user.id);
    expect(after.approvalChain.pending[0].description).toContain('whoever invited the requester');
    expect(await get(ledgerUrl, financeA)).toEqual(ledgerBefore);
    // The requester keeps the older, specific code.
    const own = await memberOf(organization.id, ['finance_officer']);
    const byRequester = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      own,
      reimbursement('10.00'),
    );
    expectStatus(byRequester, 201, 'a finance officer who is also a district member requests');
    expect((await approve(t, 'mo-dese', byRequester.json().id, own)).json().code).toBe(
      'payment.self_approval',
    );

    // Only active memberships count: once the insider leaves the district, they may decide.
    await inAgency(t, 'mo-dese', () =>
      t.app.get(OrganizationMemberships).deactivate(organization.id, insider.user.id),
    );
    const approved = await approve(t, 'mo-dese', created.json().id, insider);
    expectStatus(approved, 200, 'approve once no longer a member');
    expect(approved.json().status).toBe('approved');

    // Creating the batch that pays it is a decision too: not by whoever invited the requester.
    setClock(t, '2026-11-05T15:00:00Z'); // after the Oct 21 - Nov 1 window closed
    const batches = `${api('mo-dese')}/payment-batches`;
    const byInviter = await post(batches, inviter);
    expect(byInviter.status).toBe(403);
    expect(byInviter.json()).toMatchObject({
      ...refusedFor('inviter', 'payment_batch'),
      paymentRequestId: created.json().id,
    });
    expect((await get(batches, financeA)).items).toEqual([]);
    expect((await get(url, financeA)).status).toBe('approved');
    expectStatus(await post(batches, financeA), 201, 'batch by an unrelated officer');
  });

  it('budget revisions: a program officer in the district, or who invited the proposer, does not decide', async () => {
    const { award, organization, team, officer } = await activeAward(t, 'mo-dese');
    const budgetUrl = `${orgApi('mo-dese', organization.id)}/awards/${award.id}/budget`;
    const read = await t.request({ method: 'GET', url: budgetUrl, token: team.grantWriter.token });
    const pending = await t.request({
      method: 'POST',
      url: `${budgetUrl}/revisions`,
      token: team.grantWriter.token,
      headers: { 'if-match': String(read.headers.etag) },
      payload: {
        reason: 'More books',
        lines: [
          { functionCode: '1000', objectCode: '100', amount: '54000.00' },
          { functionCode: '1000', objectCode: '200', amount: '15000.00' },
          { functionCode: '1000', objectCode: '600', amount: '23600.00' },
          { functionCode: '2200', objectCode: '300', amount: '7400.00' },
        ],
      },
    });
    expectStatus(pending, 201, 'revise beyond tolerance');
    expect(pending.json().revision.status).toBe('pending');
    const staffUrl = `${api('mo-dese')}/awards/${award.id}/budget/revisions/${pending.json().revision.id}`;
    const insider = await memberOf(organization.id, ['program_officer']);
    const inviter = await inviterOf(team.grantWriter, ['program_officer']);
    const budgetBefore = await get(budgetUrl, team.grantWriter);

    for (const [who, reason] of [
      [insider, 'organization_member'],
      [inviter, 'inviter'],
    ] as const) {
      for (const decision of ['approve', 'reject']) {
        const res = await post(`${staffUrl}/${decision}`, who, { reason: 'Fine' });
        expect(res.status).toBe(403);
        expect(res.json()).toMatchObject(refusedFor(reason, 'budget_revision'));
      }
    }
    expect(await get(budgetUrl, team.grantWriter)).toEqual(budgetBefore);
    const revisions = await get(`${api('mo-dese')}/awards/${award.id}/budget/revisions`, officer);
    expect(revisions.items.at(-1)).toMatchObject({ status: 'pending', decidedBy: null });
    expectStatus(await post(`${staffUrl}/approve`, officer, { reason: 'Fine' }), 200, 'approve');
  });

  it('amendments: an award manager in the district, or who invited the proposer, does not approve', async () => {
    const { award, organization, officer, financeA } = await activeAward(t, 'mo-dese');
    const amendments = `${api('mo-dese')}/awards/${award.id}/amendments`;
    const proposed = await post(amendments, officer, {
      performanceEnd: '2027-12-31',
      reason: 'More time',
    });
    expectStatus(proposed, 201, 'propose amendment');
    const insider = await memberOf(
      organization.id,
      ['program_officer'],
      ['authorized_representative'],
    );
    const inviter = await inviterOf(officer, ['program_officer']);
    const awardBefore = await get(`${api('mo-dese')}/awards/${award.id}`, officer);
    const ledgerBefore = await get(`${api('mo-dese')}/awards/${award.id}/ledger`, financeA);

    for (const [who, reason] of [
      [insider, 'organization_member'],
      [inviter, 'inviter'],
    ] as const) {
      const res = await post(`${amendments}/${proposed.json().id}/approve`, who);
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject(refusedFor(reason, 'award_amendment'));
    }
    const awardAfter = await get(`${api('mo-dese')}/awards/${award.id}`, officer);
    expect(awardAfter.version).toBe(awardBefore.version);
    expect(awardAfter.periodOfPerformance).toEqual(awardBefore.periodOfPerformance);
    expect(await get(`${api('mo-dese')}/awards/${award.id}/ledger`, financeA)).toEqual(
      ledgerBefore,
    );
    expect((await get(amendments, officer)).items[0]).toMatchObject({ status: 'proposed' });
    const second = await signedInStaff(t, 'mo-dese', ['program_officer']);
    expectStatus(
      await post(`${amendments}/${proposed.json().id}/approve`, second),
      200,
      'approve by an unrelated officer',
    );
  });
});
