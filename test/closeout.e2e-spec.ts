import { randomUUID } from 'node:crypto';
import { useTestApp } from './support/use-test-app';
import { openProgram, setClock } from './factories/grants';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  orgApi,
  requestPayment,
  reimbursement,
  unbalancedLedgerTransactions,
  waitFor,
} from './factories/finance';

/** Closeout rules: what blocks closing, refunds, carryover only where the program allows. */
describe('closeout', () => {
  const t = useTestApp({ clock: '2026-10-05T15:00:00Z' });

  const report = (agency: string, org: string, awardId: string, token: string, amount: string) =>
    t.request({
      method: 'POST',
      url: `${orgApi(agency, org)}/awards/${awardId}/closeout`,
      token,
      payload: { expenditures: [{ functionCode: '1000', objectCode: '100', amount }] },
    });
  const close = (
    agency: string,
    awardId: string,
    token: string,
    body: Record<string, unknown> = {},
  ) =>
    t.request({
      method: 'POST',
      url: `${api(agency)}/awards/${awardId}/closeout/close`,
      token,
      headers: { 'idempotency-key': randomUUID() },
      payload: body,
    });

  it('will not close over open requests, unpaid costs, or carryover the program does not allow', async () => {
    const { award, organization, team, officer, financeA } = await activeAward(t, 'mo-dese');
    const org = organization.id;
    const rep = team.representative.token;

    const writer = await report('mo-dese', org, award.id, team.grantWriter.token, '1.00');
    expect(writer.status).toBe(403); // only the authorized representative reports
    expectStatus(await report('mo-dese', org, award.id, rep, '5000.00'), 200, 'report');

    // $5,000 of costs were never requested: the preview says so and closing is refused.
    const view = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/closeout`,
        token: officer.token,
      })
    ).json();
    expect(view.preview).toMatchObject({ problem: 'closeout.unpaid_costs' });
    const unpaid = await close('mo-dese', award.id, financeA.token);
    expect(unpaid.json()).toMatchObject({ code: 'closeout.unpaid_costs', unpaid: '5000.00' });

    const open = await requestPayment(
      t,
      'mo-dese',
      org,
      award.id,
      team.grantWriter,
      reimbursement('5000.00'),
    );
    expectStatus(open, 201, 'request');
    expect((await close('mo-dese', award.id, financeA.token)).json().code).toBe(
      'closeout.open_payment_requests',
    );

    await approve(t, 'mo-dese', open.json().id, financeA);
    setClock(t, '2026-11-05T15:00:00Z');
    const batch = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches`,
      token: financeA.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    await waitFor(
      'the file',
      async () =>
        (
          await t.request({
            method: 'GET',
            url: `${api('mo-dese')}/payment-batches/${batch.json().id}`,
            token: financeA.token,
          })
        ).json().status === 'exported',
    );
    await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches/${batch.json().id}/mark-paid`,
      token: financeA.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: {},
    });

    const nextYear = await openProgram(t, 'mo-dese', { fiscalYear: 2028 }, officer);
    const notAllowed = await close('mo-dese', award.id, financeA.token, {
      carryoverProgramId: nextYear.program.id,
    });
    expect(notAllowed.status).toBe(422);
    expect(notAllowed.json().code).toBe('closeout.carryover_not_allowed');

    // Returned for correction, then resubmitted: reimbursed $5,000, reported $4,000: $1,000 is owed back.
    const returned = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/awards/${award.id}/closeout/return`,
      token: officer.token,
      payload: { reason: 'Attach the final ledger' },
    });
    expect(returned.json()).toMatchObject({
      status: 'returned',
      returnReason: 'Attach the final ledger',
    });
    expect((await close('mo-dese', award.id, financeA.token)).json().code).toBe(
      'closeout.not_submitted',
    );
    expectStatus(await report('mo-dese', org, award.id, rep, '4000.00'), 200, 'resubmitted report');
    const closed = await close('mo-dese', award.id, financeA.token);
    expectStatus(closed, 200, 'close');
    expect(closed.json().settlement).toMatchObject({
      reimbursed: '5000.00',
      expenditures: '4000.00',
      refundDue: '1000.00',
      unspent: '96000.00',
      carryover: '0.00',
    });
    const ledger = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/ledger`,
        token: financeA.token,
      })
    ).json();
    expect(ledger).toMatchObject({
      obligated: '4000.00',
      undisbursed: '0.00',
      disbursed: '5000.00',
      refundReceivable: '1000.00',
    });
    expect((await close('mo-dese', award.id, financeA.token)).json().code).toBe(
      'closeout.award_not_active',
    );
    expect((await report('mo-dese', org, award.id, rep, '1.00')).json().code).toBe(
      'closeout.award_not_active',
    );

    const notices = (
      await t.request({ method: 'GET', url: '/api/v1/me/notifications', token: rep })
    ).json();
    expect(notices.items.map((n: any) => n.template)).toContain('award.closed');
  });

  it('refuses reported costs above the award', async () => {
    const { award, organization, team, financeA } = await activeAward(t, 'ks-ksde');
    expectStatus(
      await report('ks-ksde', organization.id, award.id, team.representative.token, '100000.01'),
      200,
      'report',
    );
    expect((await close('ks-ksde', award.id, financeA.token)).json().code).toBe(
      'closeout.expenditures_exceed_award',
    );
  });

  it('has balanced every transaction this file wrote', async () => {
    const { problems } = await unbalancedLedgerTransactions(t, ['mo-dese', 'ks-ksde']);
    expect(problems).toEqual([]);
  });
});
