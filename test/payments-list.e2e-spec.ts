import { DataSource, QueryRunner } from 'typeorm';
import { TestResponse } from './support/test-app';
import { useTestApp } from './support/use-test-app';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  orgApi,
  requestPayment,
  reimbursement,
} from './factories/finance';

/**
 * Payment request lists load a page's lines and approvals in one query each: the number of
 * statements a list request runs does not grow with the page, and every item is the same view
 * the single-request endpoint returns.
 */
describe('payment request lists', () => {
  const t = useTestApp({ clock: '2026-10-05T15:00:00Z' });

  /**
   * Sends one request and returns the SQL its transaction ran. Every statement TypeORM runs goes
   * through the DataSource's logger with its query runner; the request's transaction is the
   * runner that read payment_requests (the in-process job relay runs on other runners).
   */
  async function statementsOf(send: () => Promise<TestResponse>) {
    const logger = t.app.get(DataSource).logger;
    const seen: Array<{ sql: string; runner?: QueryRunner }> = [];
    const spy = jest
      .spyOn(logger, 'logQuery')
      .mockImplementation((sql: string, _parameters?: unknown, runner?: QueryRunner) => {
        seen.push({ sql, runner });
      });
    try {
      const res = await send();
      expectStatus(res, 200, 'list');
      const runner = seen.find((s) => /FROM "payment_requests"/.test(s.sql))?.runner;
      const statements = seen.filter((s) => s.runner === runner).map((s) => s.sql);
      return {
        body: res.json(),
        total: statements.length,
        lines: statements.filter((sql) => /FROM "payment_request_lines"/.test(sql)).length,
        approvals: statements.filter((sql) => /FROM "payment_approvals"/.test(sql)).length,
        requests: statements.filter((sql) => /FROM "payment_requests"/.test(sql)).length,
      };
    } finally {
      spy.mockRestore();
    }
  }

  it('runs the same statements for a page of one and a page of five, and lists the single-request views', async () => {
    const { award, organization, team, financeA, financeB } = await activeAward(t, 'mo-dese', {
      budget: [
        { functionCode: '1000', objectCode: '100', amount: '92600.00' },
        { functionCode: '2200', objectCode: '300', amount: '7400.00' },
      ],
    });
    const ask = async (body: Record<string, unknown>) => {
      const res = await requestPayment(
        t,
        'mo-dese',
        organization.id,
        award.id,
        team.grantWriter,
        body,
      );
      expectStatus(res, 201, 'request payment');
      return res.json().id as string;
    };
    const approvedByA = await ask(reimbursement('1000.00'));
    const twoLines = await ask(
      reimbursement('0', {
        lines: [
          { functionCode: '2200', objectCode: '300', amount: '300.00' },
          { functionCode: '1000', objectCode: '100', amount: '500.00' },
        ],
      }),
    );
    const halfApproved = await ask(reimbursement('26000.00')); // dual approval from $25,000
    const approvedByB = await ask(reimbursement('100.00'));
    const untouched = await ask(reimbursement('50.00'));
    expectStatus(await approve(t, 'mo-dese', approvedByA, financeA), 200, 'approve');
    expectStatus(await approve(t, 'mo-dese', halfApproved, financeA), 200, 'first approval');
    expectStatus(await approve(t, 'mo-dese', approvedByB, financeB), 200, 'approve');

    const agencyList = (limit: number) => () =>
      t.request({
        method: 'GET',
        url: `${api('mo-dese')}/payment-requests?awardId=${award.id}&limit=${limit}`,
        token: financeA.token,
      });
    const one = await statementsOf(agencyList(1));
    const five = await statementsOf(agencyList(5));

    expect(one.body.items).toHaveLength(1);
    // Newest first; the clock is fixed, so equal times fall back to id (descending).
    const ids = five.body.items.map((r: { id: string }) => r.id);
    expect([...ids].sort()).toEqual(
      [untouched, approvedByB, halfApproved, twoLines, approvedByA].sort(),
    );
    expect(ids).toEqual([...ids].sort().reverse());
    // The page, its lines, its approvals: three reads whatever the page size (was 1 + 2N).
    for (const page of [one, five]) {
      expect({ requests: page.requests, lines: page.lines, approvals: page.approvals }).toEqual({
        requests: 1,
        lines: 1,
        approvals: 1,
      });
    }
    expect(five.total).toBe(one.total);

    // Each item is exactly what the request's own endpoint returns (lines and approvals grouped
    // under the right request, in the same order).
    for (const item of five.body.items) {
      const single = await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/payment-requests/${item.id}`,
        token: financeA.token,
      });
      expect(item).toEqual(single.json());
    }
    const byId = new Map(five.body.items.map((r: { id: string }) => [r.id, r]));
    expect((byId.get(twoLines) as any).lines).toEqual([
      { functionCode: '1000', objectCode: '100', amountRequested: '500.00', amount: '500.00' },
      { functionCode: '2200', objectCode: '300', amountRequested: '300.00', amount: '300.00' },
    ]);
    expect((byId.get(halfApproved) as any).approvalChain).toMatchObject({
      required: 2,
      satisfied: false,
      approvals: [{ approverId: financeA.user.id, amount: '26000.00', counts: true }],
      pending: [{ step: 2 }],
    });
    expect(
      [approvedByA, approvedByB].map((id) =>
        (byId.get(id) as any).approvalChain.approvals.map((a: any) => a.approverId),
      ),
    ).toEqual([[financeA.user.id], [financeB.user.id]]);
    expect((byId.get(untouched) as any).approvalChain.approvals).toEqual([]);

    // The organization's list pages with the same views, and the same constant cost.
    const orgList = (query: string) => () =>
      t.request({
        method: 'GET',
        url: `${orgApi('mo-dese', organization.id)}/payment-requests?${query}`,
        token: team.grantWriter.token,
      });
    const first = await statementsOf(orgList('limit=2'));
    const rest = await statementsOf(orgList(`limit=3&cursor=${first.body.nextCursor}`));
    expect([...first.body.items, ...rest.body.items]).toEqual(five.body.items);
    expect(rest.body.nextCursor).toBeNull();
    expect([first.lines, first.approvals, rest.lines, rest.approvals]).toEqual([1, 1, 1, 1]);
    expect(rest.total).toBe(first.total);
  });
});
