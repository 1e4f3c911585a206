import { randomUUID } from 'node:crypto';
import { storySteps } from './support/story';
import type { TestResponse } from './support/test-app';
import { useTestApp } from './support/use-test-app';
import { multipartFile, openProgram } from './factories/grants';
import { parseCsv } from '../src/core/csv/csv';
import { sumCents, toCents } from '../src/core/money/money';
import { asAgencyOwner, signedInStaff } from './factories/identity';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  orgApi,
  requestPayment,
  reimbursement,
  setPayee,
  unbalancedLedgerTransactions,
  waitFor,
} from './factories/finance';

type Active = Awaited<ReturnType<typeof activeAward>>;

/**
 * The done-when paths: an award from approval to a reconciled payment batch and a closed award,
 * in mo-dese (reimbursements, CSV, a second approver from $25,000, carryover) and in ks-ksde
 * (an advance with cash on hand, NACHA ACH, a second approver from $10,000).
 */
describe('payments lifecycle', () => {
  const t = useTestApp();

  const ledgerOf = async (agency: string, awardId: string, token: string) =>
    (
      await t.request({ method: 'GET', url: `${api(agency)}/awards/${awardId}/ledger`, token })
    ).json();

  describe('mo-dese: reimbursements, dual approval above the threshold, CSV batch, bank confirmation, closeout with carryover', () => {
    const step = storySteps();
    let award: Active['award'];
    let organization: Active['organization'];
    let team: Active['team'];
    let officer: Active['officer'];
    let financeA: Active['financeA'];
    let financeB: Active['financeB'];
    let org: string;
    let bigId: string;
    let small: TestResponse;
    let batchId: string;

    describe('inside the Sep 21 - Oct 1 request window', () => {
      beforeEach(() => t.clock.set('2026-09-25T15:00:00Z'));

      step('pays reimbursements only', async () => {
        ({ award, organization, team, officer, financeA, financeB } = await activeAward(
          t,
          'mo-dese',
        ));
        org = organization.id;

        // Missouri pays reimbursements only.
        const advance = await requestPayment(
          t,
          'mo-dese',
          org,
          award.id,
          team.grantWriter,
          reimbursement('1000.00', { type: 'advance' }),
        );
        expect(advance.status).toBe(422);
        expect(advance.json().code).toBe('payment.type_not_allowed');
      });
      step(
        'needs a second approver from $25,000: bound to the content, never the first approver twice',
        async () => {
          const big = await requestPayment(t, 'mo-dese', org, award.id, team.grantWriter, {
            ...reimbursement('0.00'),
            periodEnd: '2026-09-20',
            lines: [
              { functionCode: '1000', objectCode: '100', amount: '25000.00' },
              { functionCode: '1000', objectCode: '200', amount: '5000.00' },
            ],
          });
          expectStatus(big, 201, 'request $30,000');
          expect(big.json()).toMatchObject({
            amount: '30000.00',
            status: 'submitted',
            approvalChain: { required: 2, approvals: [] },
          });
          bigId = big.json().id;

          const first = await approve(t, 'mo-dese', bigId, financeA);
          expectStatus(first, 200, 'first approval');
          // Its own status (issue 18), and the finance queue's filter finds it.
          expect(first.json().status).toBe('awaiting_second_approval');
          const waiting = await t.request({
            method: 'GET',
            url: `${api('mo-dese')}/payment-requests?status=awaiting_second_approval`,
            token: financeB.token,
          });
          expect(waiting.json().items.map((r: { id: string }) => r.id)).toEqual([bigId]);
          const firstOnly = await t.request({
            method: 'GET',
            url: `${api('mo-dese')}/payment-requests?status=submitted`,
            token: financeB.token,
          });
          expect(firstOnly.json().items.map((r: { id: string }) => r.id)).not.toContain(bigId);
          expect(first.json().approvalChain).toMatchObject({
            required: 2,
            satisfied: false,
            approvals: [
              {
                approverId: financeA.user.id,
                approverEmail: financeA.user.email,
                amount: '30000.00',
                counts: true,
              },
            ],
            pending: [
              {
                step: 2,
                role: 'finance_officer',
                // The requester, the first approver, then the district's other members (by id).
                excludedUserIds: [
                  team.grantWriter.user.id,
                  financeA.user.id,
                  ...[team.orgAdmin.user.id, team.representative.user.id].sort(),
                ],
              },
            ],
          });
          expect(first.json().approvalChain.approvals[0].contentHash).toBe(big.json().contentHash);
          const twice = await approve(t, 'mo-dese', bigId, financeA);
          expect(twice.status).toBe(409);
          expect(twice.json().code).toBe('payment.already_approved');

          const second = await approve(t, 'mo-dese', bigId, financeB);
          expectStatus(second, 200, 'second approval');
          expect(second.json()).toMatchObject({
            status: 'approved',
            approvalChain: { satisfied: true, pending: [] },
          });
        },
      );
      step(
        'approves below the threshold with one approval, and less only with a reason',
        async () => {
          // Below the threshold one approval is enough; an approver may approve less, with a reason.
          small = await requestPayment(
            t,
            'mo-dese',
            org,
            award.id,
            team.grantWriter,
            reimbursement('8000.00', { periodEnd: '2026-09-20' }),
          );
          expectStatus(small, 201, 'request $8,000');
          const noReason = await approve(t, 'mo-dese', small.json().id, financeB, {
            amount: '6000.00',
          });
          expect(noReason.json().code).toBe('payment.invalid_reduction');
          const less = await approve(t, 'mo-dese', small.json().id, financeB, {
            amount: '6000.00',
            reason: 'Receipts support $6,000',
          });
          expectStatus(less, 200, 'approve less');
          expect(less.json()).toMatchObject({
            status: 'approved',
            amountRequested: '8000.00',
            amount: '6000.00',
            reductionReason: 'Receipts support $6,000',
          });
        },
      );
      step('rejects a request with its reason, as stored', async () => {
        // A rejected request never reaches a batch.
        const doubtful = await requestPayment(
          t,
          'mo-dese',
          org,
          award.id,
          team.grantWriter,
          reimbursement('500.00', { periodEnd: '2026-09-20' }),
        );
        const rejected = await t.request({
          method: 'POST',
          url: `${api('mo-dese')}/payment-requests/${doubtful.json().id}/reject`,
          token: financeA.token,
          payload: { reason: 'No invoices attached' },
        });
        expect(rejected.json()).toMatchObject({
          status: 'rejected',
          rejectionReason: 'No invoices attached',
        });
        const storedRejection = await t.request({
          method: 'GET',
          url: `${api('mo-dese')}/payment-requests/${doubtful.json().id}`,
          token: financeA.token,
        });
        expect(rejected.json()).toEqual(storedRejection.json());
      });
    });

    describe('after the Oct 1 cut-off', () => {
      beforeEach(() => t.clock.set('2026-10-05T15:00:00Z'));

      step(
        'batches the window once after its cut-off, payable by Oct 21, without the rejected request',
        async () => {
          // The batch after the Oct 1 cut-off is paid by Oct 21.
          const batch = await t.request({
            method: 'POST',
            url: `${api('mo-dese')}/payment-batches`,
            token: financeA.token,
            headers: { 'idempotency-key': randomUUID() },
          });
          expectStatus(batch, 201, 'create batch');
          expect(batch.json()).toMatchObject({
            window: { start: '2026-09-21', end: '2026-10-01' },
            payBy: '2026-10-21',
            format: 'csv',
            total: '36000.00',
            paymentCount: 2,
            status: 'exporting',
          });
          // Each payment names its amounts as its request does; Missouri has no advances, so
          // the cash paid is the amount approved, and the total adds up the cash.
          const payments = batch.json().payments as Array<{
            id: string;
            reference: string;
            amount: string;
            cashAmount: string;
          }>;
          expect(payments.map((p) => p.id)).toContain(bigId);
          expect(payments.every((p) => p.amount === p.cashAmount)).toBe(true);
          expect(sumCents(payments.map((p) => toCents(p.cashAmount)))).toBe(3_600_000n);
          batchId = batch.json().id;
          const again = await t.request({
            method: 'POST',
            url: `${api('mo-dese')}/payment-batches`,
            token: financeA.token,
            headers: { 'idempotency-key': randomUUID() },
          });
          expect(again.json().code).toBe('payment_batch.window_already_batched');
        },
      );
      step('writes the CSV payment file', async () => {
        await waitFor('the payment file', async () => {
          const b = (
            await t.request({
              method: 'GET',
              url: `${api('mo-dese')}/payment-batches/${batchId}`,
              token: financeA.token,
            })
          ).json();
          return b.status === 'exported';
        });
        const file = await t.request({
          method: 'GET',
          url: `${api('mo-dese')}/payment-batches/${batchId}/file`,
          token: financeA.token,
        });
        expect(file.headers['content-type']).toContain('text/csv');
        const rows = parseCsv(file.body).map((r) => r.fields);
        expect(rows[0]).toEqual([
          'batch_id',
          'effective_date',
          'payment_request_id',
          'payee_name',
          'amount',
        ]);
        expect(
          rows
            .slice(1)
            .map((r) => [r[0], r[1], r[2], r[3], r[4]])
            .sort(),
        ).toEqual(
          [
            [batchId, '2026-10-21', bigId, organization.legalName, '30000.00'],
            [batchId, '2026-10-21', small.json().id, organization.legalName, '6000.00'],
          ].sort(),
        );
      });
      step('refuses a confirmation with a wrong amount as a whole, paying nothing', async () => {
        // The bank's confirmation: a wrong amount refuses the whole file, and nothing is paid.
        const wrong = `payment_request_id,amount,status,paid_on\n${bigId},30000.00,paid,2026-10-20\n${small.json().id},8000.00,paid,2026-10-20\n`;
        const wrongUpload = multipartFile('confirm.csv', Buffer.from(wrong), 'text/csv');
        const refused = await t.request({
          method: 'POST',
          url: `${api('mo-dese')}/payment-batches/${batchId}/confirmation`,
          token: financeA.token,
          headers: { 'idempotency-key': randomUUID(), ...wrongUpload.headers },
          payload: wrongUpload.payload,
        });
        expect(refused.status).toBe(422);
        expect(refused.json()).toMatchObject({
          code: 'payment_batch.confirmation_invalid',
          errors: [{ line: 3 }],
        });
        expect((await ledgerOf('mo-dese', award.id, financeA.token)).disbursed).toBe('0.00');
      });
      step('reconciles the right confirmation: paid, and disbursed in the ledger', async () => {
        const right = `payment_request_id,amount,status,paid_on\n${bigId},30000.00,paid,2026-10-20\n${small.json().id},6000.00,paid,2026-10-20\n`;
        const upload = multipartFile('confirm.csv', Buffer.from(right), 'text/csv');
        const confirmed = await t.request({
          method: 'POST',
          url: `${api('mo-dese')}/payment-batches/${batchId}/confirmation`,
          token: financeA.token,
          headers: { 'idempotency-key': randomUUID(), ...upload.headers },
          payload: upload.payload,
        });
        expectStatus(confirmed, 200, 'confirmation');
        expect(confirmed.json()).toMatchObject({ status: 'reconciled' });
        expect(
          confirmed
            .json()
            .payments.every((p: any) => p.status === 'paid' && p.paidOn === '2026-10-20'),
        ).toBe(true);

        const ledger = await ledgerOf('mo-dese', award.id, financeA.token);
        expect(ledger).toMatchObject({
          obligated: '100000.00',
          undisbursed: '64000.00',
          disbursed: '36000.00',
          committed: '0.00',
          remaining: '64000.00',
        });
        expect(ledger.transactions.map((x: any) => x.kind)).toEqual([
          'obligation',
          'disbursement',
          'disbursement',
        ]);
      });
      step('has told the requester at each step', async () => {
        // The requester was told at each step (in-app here; the same notices go out by email).
        const notices = (
          await t.request({
            method: 'GET',
            url: '/api/v1/me/notifications',
            token: team.grantWriter.token,
          })
        ).json();
        const templates = notices.items.map((n: any) => n.template);
        for (const template of [
          'payment.submitted',
          'payment.approved',
          'payment.rejected',
          'payment.paid',
        ]) {
          expect(templates).toContain(template);
        }
      });
      step("closes out with 15% carried over into next year's program", async () => {
        // Closeout: $36,000 spent; unspent $64,000; Title I-A lets 15% ($15,000) carry over.
        const terms = await t.request({
          method: 'PUT',
          url: `${api('mo-dese')}/programs/${award.programId}/award-terms`,
          token: officer.token,
          payload: { carryoverAllowed: true, carryoverCapPercent: '15' },
        });
        expectStatus(terms, 200, 'carryover terms');
        const nextYear = await openProgram(
          t,
          'mo-dese',
          { fiscalYear: 2028, performanceStart: '2027-07-01', performanceEnd: '2028-09-30' },
          officer,
        );
        const report = await t.request({
          method: 'POST',
          url: `${orgApi('mo-dese', org)}/awards/${award.id}/closeout`,
          token: team.representative.token,
          payload: {
            expenditures: [
              { functionCode: '1000', objectCode: '100', amount: '30000.00' },
              { functionCode: '1000', objectCode: '200', amount: '6000.00' },
            ],
            notes: 'Final report',
          },
        });
        expectStatus(report, 200, 'final expenditure report');
        expect(report.json().preview).toMatchObject({
          unspent: '64000.00',
          carryover: '15000.00',
          refundDue: '0.00',
        });

        const closed = await t.request({
          method: 'POST',
          url: `${api('mo-dese')}/awards/${award.id}/closeout/close`,
          token: financeB.token,
          headers: { 'idempotency-key': randomUUID() },
          payload: { carryoverProgramId: nextYear.program.id },
        });
        expectStatus(closed, 200, 'close award');
        expect(closed.json()).toMatchObject({
          status: 'closed',
          settlement: {
            obligated: '100000.00',
            expenditures: '36000.00',
            reimbursed: '36000.00',
            unspent: '64000.00',
            carryover: '15000.00',
            carryoverCap: '15000.00',
            refundDue: '0.00',
          },
        });
        const closedAward = (
          await t.request({
            method: 'GET',
            url: `${api('mo-dese')}/awards/${award.id}`,
            token: officer.token,
          })
        ).json();
        expect(closedAward.status).toBe('closed');
        const carried = (
          await t.request({
            method: 'GET',
            url: `${api('mo-dese')}/awards/${closed.json().carryoverAwardId}`,
            token: officer.token,
          })
        ).json();
        expect(carried).toMatchObject({
          status: 'offered',
          source: { kind: 'carryover', id: award.id },
          carryoverFromAwardId: award.id,
          programId: nextYear.program.id,
          subaward: {
            totalAmountObligated: '15000.00',
            periodOfPerformance: { start: '2027-07-01', end: '2028-09-30' },
          },
        });
        const final = await ledgerOf('mo-dese', award.id, financeA.token);
        expect(final).toMatchObject({
          obligated: '36000.00',
          undisbursed: '0.00',
          disbursed: '36000.00',
          cashOnHand: '0.00',
        });
        expect(final.transactions.map((x: any) => x.kind)).toEqual([
          'obligation',
          'disbursement',
          'disbursement',
          'deobligation',
        ]);
      });
      step("audits every step of a request in the agency's log, in order", async () => {
        // Every step is in the agency's audit log, in the transaction that made it.
        const audited = await asAgencyOwner(t, 'mo-dese', async (client) =>
          (
            await client.query<{ action: string }>(
              `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at, tx_id`,
              [bigId],
            )
          ).rows.map((r) => r.action),
        );
        expect(audited).toEqual([
          'payment_request.submitted',
          'payment_request.approval_recorded',
          'payment_request.approved',
          'payment_request.paid',
        ]);
      });
      step('takes no request on the closed award; every ledger transaction balances', async () => {
        const closedRequest = await requestPayment(
          t,
          'mo-dese',
          org,
          award.id,
          team.grantWriter,
          reimbursement('1.00'),
        );
        expect(closedRequest.json().code).toBe('payment.award_not_active');
        const { problems } = await unbalancedLedgerTransactions(t, ['mo-dese']);
        expect(problems).toEqual([]);
      });
    });
  });

  describe('ks-ksde: an advance paid by ACH, cash on hand used by a later reimbursement, closeout with a refund due', () => {
    const step = storySteps();
    let award: Active['award'];
    let organization: Active['organization'];
    let team: Active['team'];
    let financeA: Active['financeA'];
    let financeB: Active['financeB'];
    let org: string;
    let batchId: string;

    step(
      'takes bank details chosen by two other finance officers, masked in every answer',
      async () => {
        t.clock.set('2026-09-10T15:00:00Z'); // inside the Sep 1-15 window
        ({ award, team, financeA, financeB, organization } = await activeAward(t, 'ks-ksde'));
        org = organization.id;
        // Bank details chosen by two other finance officers: whoever chose them may not pay them.
        const bankClerk = await signedInStaff(t, 'ks-ksde', ['finance_officer']);
        const payee = await setPayee(t, 'ks-ksde', org, bankClerk, {
          payeeName: 'Topeka USD 501',
          accountNumber: '000123456789',
        });
        expect(payee).toMatchObject({ accountNumber: '****6789', routingNumber: '****0019' });
        expect(JSON.stringify(payee)).not.toContain('000123456789');
      },
    );

    step('needs two approvers for a $40,000 advance', async () => {
      t.clock.set('2026-09-10T15:00:00Z');
      const advance = await requestPayment(t, 'ks-ksde', org, award.id, team.representative, {
        type: 'advance',
        periodStart: '2026-09-01',
        periodEnd: '2026-12-31',
        description: 'Fall semester',
        lines: [{ functionCode: '1000', objectCode: '100', amount: '40000.00' }],
      });
      expectStatus(advance, 201, 'advance');
      expect(advance.json().approvalChain.required).toBe(2); // Kansas: two approvers from $10,000
      expectStatus(await approve(t, 'ks-ksde', advance.json().id, financeA), 200, 'first approval');
      const approved = await approve(t, 'ks-ksde', advance.json().id, financeB);
      expect(approved.json().status).toBe('approved');
    });

    step('pays the Sep 1-15 window in a NACHA ACH file', async () => {
      t.clock.set('2026-09-20T15:00:00Z');
      const batch = await t.request({
        method: 'POST',
        url: `${api('ks-ksde')}/payment-batches`,
        token: financeB.token,
        headers: { 'idempotency-key': randomUUID() },
      });
      expectStatus(batch, 201, 'batch');
      batchId = batch.json().id;
      expect(batch.json()).toMatchObject({
        window: { start: '2026-09-01', end: '2026-09-15' },
        payBy: '2026-09-25',
        format: 'nacha-ach',
        total: '40000.00',
      });
      await waitFor('the ACH file', async () => {
        const b = (
          await t.request({
            method: 'GET',
            url: `${api('ks-ksde')}/payment-batches/${batchId}`,
            token: financeB.token,
          })
        ).json();
        return b.status === 'exported';
      });
      const file = await t.request({
        method: 'GET',
        url: `${api('ks-ksde')}/payment-batches/${batchId}/file`,
        token: financeB.token,
      });
      const lines = file.body.split('\n').filter((l) => l.length > 0);
      expect(lines.every((l) => l.length === 94)).toBe(true);
      expect(lines[0].slice(3, 13)).toBe(' 101900012'); // the agency's achOriginator
      expect(lines[1].slice(50, 53)).toBe('CCD');
      expect(lines[1].slice(69, 75)).toBe('260925'); // effective on the pay-by date
      const entries = lines.filter((l) => l[0] === '6');
      expect(entries).toHaveLength(1);
      expect({
        transactionCode: entries[0].slice(1, 3),
        rdfi: entries[0].slice(3, 12),
        account: entries[0].slice(12, 29).trim(),
        cents: Number(entries[0].slice(29, 39)),
        name: entries[0].slice(54, 76).trim(),
      }).toEqual({
        transactionCode: '22',
        rdfi: '101000019',
        account: '000123456789',
        cents: 4000000,
        name: 'TOPEKA USD 501',
      });
    });

    step('marks the batch paid: the advance is cash on hand', async () => {
      t.clock.set('2026-09-20T15:00:00Z');
      const paid = await t.request({
        method: 'POST',
        url: `${api('ks-ksde')}/payment-batches/${batchId}/mark-paid`,
        token: financeB.token,
        headers: { 'idempotency-key': randomUUID() },
        payload: { paidOn: '2026-09-25' },
      });
      expectStatus(paid, 200, 'mark paid');
      expect(paid.json().status).toBe('reconciled');
      const ledger = await ledgerOf('ks-ksde', award.id, financeA.token);
      expect(ledger).toMatchObject({
        undisbursed: '100000.00',
        cashOnHand: '40000.00',
        disbursed: '40000.00',
        remaining: '60000.00',
      });
    });

    step('settles a later reimbursement from the cash on hand, at approval', async () => {
      t.clock.set('2026-10-02T15:00:00Z');
      // A reimbursement first uses the cash on hand: nothing for the bank to pay, booked at approval.
      const claim = await requestPayment(
        t,
        'ks-ksde',
        org,
        award.id,
        team.grantWriter,
        reimbursement('15000.00'),
      );
      expectStatus(claim, 201, 'reimbursement from cash on hand');
      expect(claim.json()).toMatchObject({ advanceApplied: '15000.00', cashAmount: '0.00' });
      await approve(t, 'ks-ksde', claim.json().id, financeA);
      const settled = await approve(t, 'ks-ksde', claim.json().id, financeB);
      expect(settled.json()).toMatchObject({ status: 'paid', paidOn: '2026-10-02' });
      const ledger = await ledgerOf('ks-ksde', award.id, financeA.token);
      expect(ledger).toMatchObject({
        undisbursed: '85000.00',
        cashOnHand: '25000.00',
        disbursed: '40000.00',
        remaining: '60000.00',
      });
    });

    step('closes out with a refund due; every ledger transaction balances', async () => {
      t.clock.set('2026-10-02T15:00:00Z');
      // Closeout: $35,000 spent in all: $20,000 more of the advance is used, $5,000 is owed back.
      const report = await t.request({
        method: 'POST',
        url: `${orgApi('ks-ksde', org)}/awards/${award.id}/closeout`,
        token: team.representative.token,
        payload: {
          expenditures: [{ functionCode: '1000', objectCode: '100', amount: '35000.00' }],
        },
      });
      expectStatus(report, 200, 'final report');
      const closed = await t.request({
        method: 'POST',
        url: `${api('ks-ksde')}/awards/${award.id}/closeout/close`,
        token: financeA.token,
        headers: { 'idempotency-key': randomUUID() },
        payload: {},
      });
      expectStatus(closed, 200, 'close');
      expect(closed.json().settlement).toMatchObject({
        expenditures: '35000.00',
        reimbursed: '15000.00',
        advanceOutstanding: '25000.00',
        advanceLiquidated: '20000.00',
        refundDue: '5000.00',
        unspent: '65000.00',
        carryover: '0.00',
      });
      const ledger = await ledgerOf('ks-ksde', award.id, financeA.token);
      expect(ledger).toMatchObject({
        obligated: '35000.00',
        undisbursed: '0.00',
        cashOnHand: '0.00',
        disbursed: '40000.00',
        refundReceivable: '5000.00',
      });
      expect(ledger.transactions.map((x: any) => x.kind)).toEqual([
        'obligation',
        'advance',
        'liquidation',
        'liquidation',
        'refund_due',
        'deobligation',
      ]);
      const { transactions, problems } = await unbalancedLedgerTransactions(t, [
        'mo-dese',
        'ks-ksde',
      ]);
      expect(transactions).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    });
  });
});
