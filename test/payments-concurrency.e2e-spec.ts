import { randomUUID } from 'node:crypto';
import { useTestApp } from './support/use-test-app';
import { asAgencyOwner } from './factories/identity';
import { setClock } from './factories/grants';
import {
  activeAward,
  api,
  approve,
  requestPayment,
  reimbursement,
  unbalancedLedgerTransactions,
  waitFor,
} from './factories/finance';

/**
 * Money under concurrency on real PostgreSQL: the award row lock serializes balance checks, the
 * request row lock serializes approvals, the Idempotency-Key row makes a retried POST one POST.
 */
describe('payments under concurrency', () => {
  const t = useTestApp({ env: { DATABASE_POOL_SIZE: '20' }, clock: '2026-10-05T15:00:00Z' });

  async function committedOnAward(awardId: string): Promise<{ count: number; total: string }> {
    return asAgencyOwner(t, 'mo-dese', async (client) => {
      const { rows } = await client.query<{ count: number; total: string }>(
        `SELECT COUNT(*)::int AS count, COALESCE(SUM(amount), 0)::text AS total
           FROM payment_requests WHERE award_id = $1 AND status <> 'rejected'`,
        [awardId],
      );
      return rows[0];
    });
  }

  it('100 concurrent requests, each approved as soon as it exists, never pass a budget line beyond tolerance', async () => {
    const { award, organization, team, financeA } = await activeAward(t, 'mo-dese');
    // $800 of supplies each: the $17,600 line takes $19,360 with Missouri's 10%, so 24 fit.
    const body = reimbursement('0.00', {
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '1200.00' },
        { functionCode: '1000', objectCode: '600', amount: '800.00' },
      ],
    });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const created = await requestPayment(
          t,
          'mo-dese',
          organization.id,
          award.id,
          team.grantWriter,
          body,
        );
        if (created.status !== 201)
          return { created: created.status, code: created.json().code as string };
        const approved = await approve(t, 'mo-dese', created.json().id, financeA);
        return {
          created: 201,
          approved: approved.status,
          status: approved.json().status as string,
        };
      }),
    );
    const created = outcomes.filter((o) => o.created === 201);
    expect(created).toHaveLength(24);
    expect(created.every((o) => o.approved === 200 && o.status === 'approved')).toBe(true);
    expect(outcomes.filter((o) => o.created !== 201).map((o) => `${o.created} ${o.code}`)).toEqual(
      Array(76).fill('409 payment.exceeds_budget_line'),
    );
    expect(await committedOnAward(award.id)).toEqual({ count: 24, total: '48000.00' });
  });

  it('100 concurrent requests against the award balance alone: exactly 50 fit, and approvals stay within it', async () => {
    const { award, organization, team, financeA, financeB } = await activeAward(t, 'mo-dese', {
      budget: [{ functionCode: '1000', objectCode: '100', amount: '100000.00' }],
    });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const created = await requestPayment(
          t,
          'mo-dese',
          organization.id,
          award.id,
          team.grantWriter,
          reimbursement('2000.00'),
        );
        if (created.status !== 201)
          return { created: created.status, code: created.json().code as string };
        const approved = await approve(
          t,
          'mo-dese',
          created.json().id,
          i % 2 ? financeA : financeB,
        );
        return { created: 201, approved: approved.status };
      }),
    );
    const created = outcomes.filter((o) => o.created === 201);
    expect(created).toHaveLength(50);
    expect(created.every((o) => o.approved === 200)).toBe(true);
    expect(
      outcomes
        .filter((o) => o.created !== 201)
        .every((o) => o.created === 409 && o.code === 'payment.exceeds_balance'),
    ).toBe(true);
    expect(await committedOnAward(award.id)).toEqual({ count: 50, total: '100000.00' });
    const position = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/ledger`,
        token: financeA.token,
      })
    ).json();
    expect(position).toMatchObject({ committed: '100000.00', remaining: '0.00' });
    const oneCent = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('0.01'),
    );
    expect(oneCent.json()).toMatchObject({
      code: 'payment.exceeds_balance',
      requested: '0.01',
      available: '0.00',
    });

    // Paid in the next batch: the ledger shows the whole award disbursed, not a cent more.
    setClock(t, '2026-11-05T15:00:00Z');
    const batch = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches`,
      token: financeA.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(batch.status).toBe(201);
    await waitFor('the payment file', async () => {
      const b = (
        await t.request({
          method: 'GET',
          url: `${api('mo-dese')}/payment-batches/${batch.json().id}`,
          token: financeA.token,
        })
      ).json();
      return b.status === 'exported';
    });
    const paid = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches/${batch.json().id}/mark-paid`,
      token: financeA.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: {},
    });
    expect(paid.json().status).toBe('reconciled');
    const ledger = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/ledger`,
        token: financeA.token,
      })
    ).json();
    expect(ledger).toMatchObject({
      obligated: '100000.00',
      disbursed: '100000.00',
      undisbursed: '0.00',
      remaining: '0.00',
    });
    expect(ledger.transactions.filter((x: any) => x.kind === 'disbursement')).toHaveLength(50);
  });

  it('lets one finance officer approve a request once, however many times they click at once', async () => {
    const { award, organization, team, financeA } = await activeAward(t, 'mo-dese');
    const created = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('30000.00'),
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, () => approve(t, 'mo-dese', created.json().id, financeA)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.json().code)).toEqual(
      Array(9).fill('payment.already_approved'),
    );
    const request = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/payment-requests/${created.json().id}`,
        token: financeA.token,
      })
    ).json();
    expect(request).toMatchObject({
      status: 'awaiting_second_approval',
      approvalChain: { required: 2, satisfied: false },
    });
    expect(request.approvalChain.approvals).toHaveLength(1);
  });

  it('50 concurrent POSTs with one Idempotency-Key make one request and answer alike', async () => {
    const { award, organization, team } = await activeAward(t, 'mo-dese');
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        requestPayment(
          t,
          'mo-dese',
          organization.id,
          award.id,
          team.grantWriter,
          reimbursement('1234.56'),
          key,
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
    expect(await committedOnAward(award.id)).toEqual({ count: 1, total: '1234.56' });

    const reused = await requestPayment(
      t,
      'mo-dese',
      organization.id,
      award.id,
      team.grantWriter,
      reimbursement('1234.57'),
      key,
    );
    expect(reused.status).toBe(422);
    expect(reused.json().code).toBe('idempotency.key_reused');
    expect(await committedOnAward(award.id)).toEqual({ count: 1, total: '1234.56' });
  });

  it('leaves every ledger transaction this file wrote balanced', async () => {
    const { problems } = await unbalancedLedgerTransactions(t, ['mo-dese']);
    expect(problems).toEqual([]);
  });
});
