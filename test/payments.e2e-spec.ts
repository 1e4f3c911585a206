import { randomUUID } from 'node:crypto';
import { useTestApp } from './support/use-test-app';
import {
  asAgencyOwner,
  grantOrganizationRoles,
  signedInOrganizationMember,
  signedInStaff,
} from './factories/identity';
import { createOrganization, setClock } from './factories/grants';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  offeredAward,
  orgApi,
  requestPayment,
  reimbursement,
  setPayee,
} from './factories/finance';

/** Payment requests and approvals: every coded refusal, segregation of duties, payees. */
describe('payment requests and approvals', () => {
  const t = useTestApp({ clock: '2026-10-05T15:00:00Z' });

  it('refuses requests with coded errors and changes nothing', async () => {
    const offered = await offeredAward(t, 'mo-dese');
    const notActive = await requestPayment(
      t,
      'mo-dese',
      offered.organization.id,
      offered.award.id,
      offered.team.grantWriter,
      reimbursement('10.00'),
    );
    expect(notActive.status).toBe(409);
    expect(notActive.json().code).toBe('payment.award_not_active');

    const { award, organization, team, financeA } = await activeAward(t, 'mo-dese', {
      budget: [
        { functionCode: '1000', objectCode: '100', amount: '92600.00' },
        { functionCode: '2200', objectCode: '300', amount: '7400.00' },
      ],
    });
    const ask = (body: Record<string, unknown>) =>
      requestPayment(t, 'mo-dese', organization.id, award.id, team.grantWriter, body);

    const overBalance = await ask(reimbursement('100000.01'));
    expect(overBalance.status).toBe(409);
    expect(overBalance.json()).toMatchObject({
      code: 'payment.exceeds_balance',
      requested: '100000.01',
      available: '100000.00',
    });

    const overLine = await ask(
      reimbursement('0', {
        lines: [{ functionCode: '2200', objectCode: '300', amount: '8140.01' }],
      }),
    );
    expect(overLine.status).toBe(409);
    expect(overLine.json()).toMatchObject({
      code: 'payment.exceeds_budget_line',
      errors: [
        {
          pointer: '/lines/0/amount',
          functionCode: '2200',
          objectCode: '300',
          available: '8140.00',
        },
      ],
    });
    // Up to the line plus the agency's 10% tolerance is fine.
    expectStatus(
      await ask(
        reimbursement('0', {
          lines: [{ functionCode: '2200', objectCode: '300', amount: '8140.00' }],
        }),
      ),
      201,
      'line at tolerance',
    );

    const unknownLine = await ask(
      reimbursement('0', { lines: [{ functionCode: '2100', objectCode: '100', amount: '1.00' }] }),
    );
    expect(unknownLine.status).toBe(422);
    expect(unknownLine.json()).toMatchObject({
      code: 'payment.unknown_budget_line',
      errors: [{ pointer: '/lines/0' }],
    });

    const beforePeriod = await ask(
      reimbursement('10.00', { periodStart: '2026-06-01', periodEnd: '2026-06-30' }),
    );
    expect(beforePeriod.status).toBe(422);
    expect(beforePeriod.json()).toMatchObject({
      code: 'payment.outside_period_of_availability',
      periodOfAvailability: { start: '2026-07-01', end: '2027-09-30' },
    });
    const futureCosts = await ask(
      reimbursement('10.00', { periodStart: '2026-10-01', periodEnd: '2026-10-31' }),
    );
    expect(futureCosts.status).toBe(422);
    expect(futureCosts.json().code).toBe('payment.future_costs');

    const noKey = await t.request({
      method: 'POST',
      url: `${orgApi('mo-dese', organization.id)}/awards/${award.id}/payment-requests`,
      token: team.grantWriter.token,
      payload: reimbursement('10.00'),
    });
    expect(noKey.status).toBe(400);
    expect(noKey.json().code).toBe('idempotency.key_required');

    const list = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/payment-requests?awardId=${award.id}`,
        token: financeA.token,
      })
    ).json();
    expect(list.items).toHaveLength(1); // only the request at tolerance exists
  });

  it('refuses a finance officer approving (or rejecting) a request they created', async () => {
    const { award, organization, financeA } = await activeAward(t, 'mo-dese');
    // A finance officer who is also a grant writer of the district: allowed to request, never to approve it.
    await grantOrganizationRoles(t, 'mo-dese', organization.id, financeA.user.id, ['grant_writer']);
    const own = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      financeA,
      reimbursement('500.00'),
    );
    expectStatus(own, 201, 'request by a finance officer');
    const approval = await approve(t, 'mo-dese', own.json().id, financeA);
    expect(approval.status).toBe(403);
    expect(approval.json().code).toBe('payment.self_approval');
    const rejection = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-requests/${own.json().id}/reject`,
      token: financeA.token,
      payload: { reason: 'mine' },
    });
    expect(rejection.json().code).toBe('payment.self_approval');
    const after = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/payment-requests/${own.json().id}`,
        token: financeA.token,
      })
    ).json();
    expect(after).toMatchObject({ status: 'submitted', approvalChain: { approvals: [] } });
  });

  it('only finance officers approve; other agencies and other organizations see nothing', async () => {
    const { award, organization, team } = await activeAward(t, 'ks-ksde');
    const created = await requestPayment(
      t,
      'ks-ksde',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('500.00'),
    );
    const officer = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    expect((await approve(t, 'ks-ksde', created.json().id, officer)).status).toBe(403);
    const moFinance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    expect((await approve(t, 'ks-ksde', created.json().id, moFinance)).status).toBe(404);
    const otherOrg = await createOrganization(t, 'ks-ksde');
    const stranger = await signedInOrganizationMember(t, 'ks-ksde', otherOrg.id, ['grant_writer']);
    const peek = await t.request({
      method: 'GET',
      url: `${orgApi('ks-ksde', otherOrg.id)}/payment-requests/${created.json().id}`,
      token: stranger.token,
    });
    expect(peek.status).toBe(404);
  });

  it('binds each approval to the content approved: a reduction voids earlier approvals and re-applies the threshold', async () => {
    const { award, organization, team, financeA, financeB } = await activeAward(t, 'mo-dese');
    const financeC = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    const created = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      {
        ...reimbursement('0'),
        lines: [
          { functionCode: '1000', objectCode: '100', amount: '20000.00' },
          { functionCode: '1000', objectCode: '200', amount: '10000.00' },
        ],
      },
    );
    const id = created.json().id;
    await approve(t, 'mo-dese', id, financeA);
    // B approves $28,000 (still above $25,000): A's approval of $30,000 no longer counts.
    const reduced = await approve(t, 'mo-dese', id, financeB, {
      amount: '28000.00',
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '18000.00' },
        { functionCode: '1000', objectCode: '200', amount: '10000.00' },
      ],
      reason: 'One invoice is outside the period',
    });
    expectStatus(reduced, 200, 'approve less');
    const chain = reduced.json().approvalChain;
    expect(reduced.json()).toMatchObject({
      status: 'awaiting_second_approval',
      amount: '28000.00',
      amountRequested: '30000.00',
    });
    expect(chain.approvals.map((a: any) => [a.approverId, a.amount, a.counts])).toEqual([
      [financeA.user.id, '30000.00', false],
      [financeB.user.id, '28000.00', true],
    ]);
    expect(chain.pending).toEqual([
      expect.objectContaining({
        step: 2,
        excludedUserIds: [
          team.grantWriter.user.id,
          financeB.user.id,
          ...[team.orgAdmin.user.id, team.representative.user.id].sort(),
        ],
      }),
    ]);
    expect(reduced.json().contentHash).not.toBe(created.json().contentHash);
    // The decision's answer is the request as stored (it is built without reading it again).
    const stored = async () =>
      (
        await t.request({
          method: 'GET',
          url: `${api('mo-dese')}/payment-requests/${id}`,
          token: financeA.token,
        })
      ).json();
    expect(reduced.json()).toEqual(await stored());
    // Lines can only shrink and must add up.
    const grow = await approve(t, 'mo-dese', id, financeC, {
      amount: '29000.00',
      lines: [{ functionCode: '1000', objectCode: '100', amount: '19000.00' }],
      reason: 'x',
    });
    expect(grow.json().code).toBe('payment.invalid_reduction');
    // A may approve the new content.
    const done = await approve(t, 'mo-dese', id, financeA);
    expect(done.json()).toMatchObject({ status: 'approved', approvalChain: { satisfied: true } });
    expect(done.json()).toEqual(await stored());
    expect(done.json().lines).toEqual([
      { functionCode: '1000', objectCode: '100', amountRequested: '20000.00', amount: '18000.00' },
      { functionCode: '1000', objectCode: '200', amountRequested: '10000.00', amount: '10000.00' },
    ]);
    const closed = await approve(t, 'mo-dese', id, financeC);
    expect(closed.json().code).toBe('payment.not_awaiting_approval');

    // Reduced below the threshold, one approval is enough.
    const second = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('26000.00'),
    );
    const below = await approve(t, 'mo-dese', second.json().id, financeC, {
      amount: '24000.00',
      reason: 'Capped',
    });
    expect(below.json()).toMatchObject({
      status: 'approved',
      approvalChain: { required: 1, satisfied: true },
    });
  });

  it('keeps payee bank details sealed at rest and masked in every response; ACH batches need them', async () => {
    setClock(t, '2026-09-10T15:00:00Z');
    const { award, organization, team, financeA, financeB } = await activeAward(t, 'ks-ksde');
    const created = await requestPayment(
      t,
      'ks-ksde',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('900.00', { periodEnd: '2026-09-09' }),
    );
    await approve(t, 'ks-ksde', created.json().id, financeA);
    setClock(t, '2026-09-20T15:00:00Z');
    const noPayee = await t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/payment-batches`,
      token: financeB.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(noPayee.status).toBe(422);
    expect(noPayee.json()).toMatchObject({
      code: 'payment_batch.payee_missing',
      organizationIds: [organization.id],
    });

    const bad = await t.request({
      method: 'POST',
      url: `${orgApi('ks-ksde', organization.id)}/payee`,
      token: financeA.token,
      payload: {
        payeeName: 'X',
        routingNumber: '101000018',
        accountNumber: '1',
        accountType: 'checking',
      },
    });
    expect(bad.json()).toMatchObject({
      code: 'payee.invalid',
      errors: [{ pointer: '/routingNumber' }],
    });
    const byWriter = await t.request({
      method: 'POST',
      url: `${orgApi('ks-ksde', organization.id)}/payee`,
      token: team.grantWriter.token,
      payload: {
        payeeName: 'X',
        routingNumber: '101000019',
        accountNumber: '1',
        accountType: 'checking',
      },
    });
    expect(byWriter.status).toBe(403);

    const saved = await setPayee(t, 'ks-ksde', organization.id, financeA, {
      accountNumber: '987654321012',
    });
    expect(saved).toMatchObject({ accountNumber: '****1012', routingNumber: '****0019' });
    const read = await t.request({
      method: 'GET',
      url: `${orgApi('ks-ksde', organization.id)}/payee`,
      token: team.grantWriter.token,
    });
    expect(read.body).not.toContain('987654321012');
    expect(read.json().accountNumber).toBe('****1012');
    const stored = await asAgencyOwner(
      t,
      'ks-ksde',
      async (client) =>
        (await client.query('SELECT * FROM payees WHERE organization_id = $1', [organization.id]))
          .rows[0],
    );
    expect(JSON.stringify(stored)).not.toContain('987654321012');
    expect(JSON.stringify(stored)).not.toContain('101000019');
    expect(stored.account_number_sealed).toMatch(/^v2\./);

    // The request was approved before any payee existed: the new payee lapsed that approval.
    const lapsed = await t.request({
      method: 'GET',
      url: `${api('ks-ksde')}/payment-requests/${created.json().id}`,
      token: financeB.token,
    });
    expect(lapsed.json()).toMatchObject({
      status: 'submitted',
      payee: { id: saved.id, version: 1 },
      approvalChain: {
        satisfied: false,
        approvals: [{ approverId: financeA.user.id, counts: false }],
      },
    });
    setClock(t, '2026-09-10T15:00:00Z'); // re-approved inside the window
    // financeA requested these bank details: someone else approves paying into them.
    const byChanger = await approve(t, 'ks-ksde', created.json().id, financeA);
    expect(byChanger.json()).toMatchObject({
      code: 'separation_of_duties.conflict',
      reason: 'payee_changer',
    });
    expectStatus(await approve(t, 'ks-ksde', created.json().id, financeB), 200, 're-approve');
    setClock(t, '2026-09-20T15:00:00Z');

    const batch = await t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/payment-batches`,
      token: financeB.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expectStatus(batch, 201, 'batch with payee');
    expect(batch.body).not.toContain('987654321012');
  });
});
