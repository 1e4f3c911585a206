import { randomUUID } from 'node:crypto';
import { pdfText } from './support/pdf-text';
import { useTestApp } from './support/use-test-app';
import { asAgencyOwner, signedInStaff } from './factories/identity';
import {
  applicantTeam,
  createOrganization,
  openProgram,
  setClock,
  submittedApplication,
} from './factories/grants';
import {
  acceptAward,
  activeAward,
  api,
  createAward,
  expectStatus,
  offeredAward,
  orgApi,
  reimbursement,
  requestPayment,
  unbalancedLedgerTransactions,
  waitFor,
} from './factories/finance';

/** Awards: 2 CFR 200.332 data, notice PDF, acceptance, amendments, budgets and revisions. */
describe('awards', () => {
  const t = useTestApp();

  it('makes an award with its subaward data, obligates it in the ledger and writes the notice PDF', async () => {
    const { award, organization, team } = await offeredAward(t, 'mo-dese', {
      amount: '90000.00',
    });
    expect(award).toMatchObject({
      status: 'offered',
      version: 1,
      subaward: {
        subrecipientName: organization.legalName,
        subrecipientUei: organization.uei,
        fain: 'S010A260025',
        federalAwardDate: '2026-07-01',
        assistanceListing: {
          number: '84.010',
          title: 'Title I Grants to Local Educational Agencies',
        },
        periodOfPerformance: { start: '2026-07-01', end: '2027-09-30' },
        amountObligatedThisAction: '90000.00',
        totalAmountObligated: '90000.00',
      },
    });

    // The application's budget ($100,000) is scaled to the award ($90,000), line by line.
    const budget = (
      await t.request({
        method: 'GET',
        url: `${orgApi('mo-dese', organization.id)}/awards/${award.id}/budget`,
        token: team.grantWriter.token,
      })
    ).json();
    expect(budget.total).toBe('90000.00');
    expect(budget.lines.map((l: any) => [l.functionCode, l.objectCode, l.amount])).toEqual([
      ['1000', '100', '54000.00'],
      ['1000', '200', '13500.00'],
      ['1000', '600', '15840.00'],
      ['2200', '300', '6660.00'],
    ]);

    const finance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    const ledger = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/ledger`,
        token: finance.token,
      })
    ).json();
    expect(ledger).toMatchObject({
      obligated: '90000.00',
      undisbursed: '90000.00',
      disbursed: '0.00',
      remaining: '90000.00',
    });
    expect(ledger.transactions).toEqual([
      expect.objectContaining({
        kind: 'obligation',
        entries: [
          { account: 'program_funds', side: 'debit', amount: '90000.00' },
          { account: 'undisbursed_obligation', side: 'credit', amount: '90000.00' },
        ],
      }),
    ]);

    const pdf = await waitFor('the award notice', async () => {
      const res = await t.request({
        method: 'GET',
        url: `${orgApi('mo-dese', organization.id)}/awards/${award.id}/notice`,
        token: team.representative.token,
      });
      return res.status === 200 ? res : undefined;
    });
    expect(pdf.headers['content-type']).toContain('application/pdf');

    // While a version's notice job has not written it: 202 with Retry-After and Location
    // (issue 18), then 200 again once it is there.
    const noticeUrl = `${orgApi('mo-dese', organization.id)}/awards/${award.id}/notice`;
    const setNotice = (status: string) =>
      asAgencyOwner(t, 'mo-dese', (client) =>
        client.query(`UPDATE award_notices SET status = $2 WHERE award_id = $1`, [
          award.id,
          status,
        ]),
      );
    await setNotice('pending');
    const waiting = await t.request({
      method: 'GET',
      url: noticeUrl,
      token: team.representative.token,
    });
    expect(waiting.status).toBe(202);
    expect(waiting.headers).toMatchObject({ 'retry-after': '5', location: noticeUrl });
    expect(waiting.json()).toMatchObject({
      status: 'pending',
      code: 'award.notice_not_ready',
      location: noticeUrl,
    });
    await setNotice('ready');
    const again = await t.request({
      method: 'GET',
      url: noticeUrl,
      token: team.representative.token,
    });
    expect(again.status).toBe(200);

    const notice = await pdfText(pdf.rawBody);
    const text = notice.pages.flat().map((line) => line.text);
    expect(text).toEqual(
      expect.arrayContaining([
        'Notice of Subaward',
        `Award ${award.reference} - version 1: Original award`,
        `Subrecipient name: ${organization.legalName}`,
        `Subrecipient UEI: ${organization.uei}`,
        'Federal Award Identification Number (FAIN): S010A260025',
        'Assistance Listing: 84.010 Title I Grants to Local Educational Agencies',
        'Period of performance: 2026-07-01 to 2027-09-30',
        'Amount obligated by this action: $90,000.00',
      ]),
    );

    // The representative heard about it in the app (and by email, through the outbox).
    const notices = (
      await t.request({
        method: 'GET',
        url: '/api/v1/me/notifications',
        token: team.representative.token,
      })
    ).json();
    expect(notices.items.map((n: any) => n.template)).toContain('award.offered');
  });

  it('prints a subrecipient’s name on the notice as written, accents and all', async () => {
    const { application, program, organization, team, officer } = await submittedApplication(
      t,
      'mo-dese',
    );
    const legalName = 'Escuela Núñez – Peña Unified School District (Kāneʻohe)';
    const url = orgApi('mo-dese', organization.id);
    const current = await t.request({ method: 'GET', url, token: team.orgAdmin.token });
    expectStatus(
      await t.request({
        method: 'PATCH',
        url: `${url}/profile`,
        token: team.orgAdmin.token,
        headers: { 'if-match': String(current.headers.etag) },
        payload: { legalName },
      }),
      200,
      'rename organization',
    );
    const award = await createAward(
      t,
      'mo-dese',
      {
        applicationId: application.id,
        programId: program.id,
        organizationId: organization.id,
        amount: '50000.00',
        federalAwardDate: '2026-07-01',
      },
      officer,
    );
    expect(award.subaward.subrecipientName).toBe(legalName);

    const pdf = await waitFor('the award notice', async () => {
      const res = await t.request({
        method: 'GET',
        url: `${url}/awards/${award.id}/notice`,
        token: team.representative.token,
      });
      return res.status === 200 ? res : undefined;
    });
    const lines = (await pdfText(pdf.rawBody)).pages.flat().map((line) => line.text);
    expect(lines).toContain(`Subrecipient name: ${legalName}`);
    expect(lines.join('\n')).not.toContain('?');
  });

  it('is accepted only by the authorized representative, which makes it active', async () => {
    const { award, organization, team } = await offeredAward(t, 'ks-ksde');
    const url = `${orgApi('ks-ksde', organization.id)}/awards/${award.id}/accept`;
    const payload = { name: 'Pat Jones', title: 'Superintendent', accepted: true };
    const byWriter = await t.request({
      method: 'POST',
      url,
      token: team.grantWriter.token,
      payload,
    });
    expect(byWriter.status).toBe(403);
    const accepted = await acceptAward(
      t,
      'ks-ksde',
      organization.id,
      award.id,
      team.representative,
    );
    expect(accepted).toMatchObject({
      status: 'active',
      acceptance: { name: 'Pat Jones', title: 'Superintendent' },
    });
    const again = await t.request({
      method: 'POST',
      url,
      token: team.representative.token,
      payload,
    });
    expect(again.status).toBe(409);
    expect(again.json().code).toBe('award.wrong_status');
  });

  it('refuses a second award from the same funding decision', async () => {
    const submitted = await submittedApplication(t, 'mo-dese');
    const input = {
      sourceId: randomUUID(),
      programId: submitted.program.id,
      organizationId: submitted.organization.id,
      applicationId: submitted.application.id,
      amount: '1000.00',
    };
    await createAward(t, 'mo-dese', input, submitted.officer);
    await expect(createAward(t, 'mo-dese', input, submitted.officer)).rejects.toMatchObject({
      code: 'award.already_exists',
    });
    // At the same moment too: the unique key decides, the loser gets the same coded error.
    const racing = { ...input, sourceId: randomUUID() };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => createAward(t, 'mo-dese', racing, submitted.officer)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(
      outcomes.flatMap((o) =>
        o.status === 'rejected' ? [(o.reason as { code: string }).code] : [],
      ),
    ).toEqual(Array(4).fill('award.already_exists'));
  });

  it('versions amendments, which need a second person to approve and adjust the ledger', async () => {
    const { award, officer } = await activeAward(t, 'mo-dese');
    const second = await signedInStaff(t, 'mo-dese', ['program_officer']);
    const amendments = `${api('mo-dese')}/awards/${award.id}/amendments`;
    const newBudget = [
      { functionCode: '1000', objectCode: '100', amount: '70000.00' },
      { functionCode: '1000', objectCode: '200', amount: '15000.00' },
      { functionCode: '1000', objectCode: '600', amount: '17600.00' },
      { functionCode: '2200', objectCode: '300', amount: '7400.00' },
    ];
    const noBudget = await t.request({
      method: 'POST',
      url: amendments,
      token: officer.token,
      payload: { amount: '110000.00', reason: 'More students' },
    });
    expect(noBudget.json().code).toBe('award.budget_invalid');
    const proposed = await t.request({
      method: 'POST',
      url: amendments,
      token: officer.token,
      payload: {
        amount: '110000.00',
        performanceEnd: '2027-12-31',
        budget: newBudget,
        reason: 'More students',
      },
    });
    expectStatus(proposed, 201, 'propose amendment');
    const id = proposed.json().id;

    const own = await t.request({
      method: 'POST',
      url: `${amendments}/${id}/approve`,
      token: officer.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: {},
    });
    expect(own.status).toBe(403);
    expect(own.json().code).toBe('award.amendment_self_approval');

    const approved = await t.request({
      method: 'POST',
      url: `${amendments}/${id}/approve`,
      token: second.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: {},
    });
    expectStatus(approved, 200, 'approve amendment');
    expect(approved.json()).toMatchObject({ status: 'approved', resultVersion: 2 });

    const after = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}`,
        token: officer.token,
      })
    ).json();
    expect(after).toMatchObject({
      version: 2,
      subaward: {
        amountObligatedThisAction: '10000.00',
        totalAmountObligated: '110000.00',
        periodOfPerformance: { end: '2027-12-31' },
      },
    });
    const versions = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/versions`,
        token: officer.token,
      })
    ).json();
    expect(
      versions.items.map((v: any) => [v.version, v.action, v.amount, v.amountThisAction]),
    ).toEqual([
      [1, 'award', '100000.00', '100000.00'],
      [2, 'amendment', '110000.00', '10000.00'],
    ]);
    const finance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    const ledger = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/ledger`,
        token: finance.token,
      })
    ).json();
    expect(ledger.obligated).toBe('110000.00');
    expect(ledger.transactions.map((x: any) => x.kind)).toEqual(['obligation', 'adjustment']);

    // The amended notice (version 2) is written too.
    await waitFor('the amended notice', async () => {
      const a = (
        await t.request({
          method: 'GET',
          url: `${api('mo-dese')}/awards/${award.id}`,
          token: officer.token,
        })
      ).json();
      return a.notice?.version === 2 && a.notice.status === 'ready';
    });
  });

  it('applies a budget revision within tolerance at once and holds one beyond it for a program officer', async () => {
    const { award, organization, team, officer } = await activeAward(t, 'mo-dese');
    const budgetUrl = `${orgApi('mo-dese', organization.id)}/awards/${award.id}/budget`;
    const read = await t.request({ method: 'GET', url: budgetUrl, token: team.grantWriter.token });
    const etag = String(read.headers.etag);

    // 10% of 60,000 = 6,000 moved from salaries to supplies (17,600: +34%): beyond tolerance.
    const beyond = {
      reason: 'More books',
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '54000.00' },
        { functionCode: '1000', objectCode: '200', amount: '15000.00' },
        { functionCode: '1000', objectCode: '600', amount: '23600.00' },
        { functionCode: '2200', objectCode: '300', amount: '7400.00' },
      ],
    };
    // 1,500 from benefits (10% of 15,000) to supplies (+8.5%): within tolerance.
    const within = {
      reason: 'Rebalance',
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '60000.00' },
        { functionCode: '1000', objectCode: '200', amount: '13500.00' },
        { functionCode: '1000', objectCode: '600', amount: '19100.00' },
        { functionCode: '2200', objectCode: '300', amount: '7400.00' },
      ],
    };
    const revise = (body: unknown, ifMatch?: string) =>
      t.request({
        method: 'POST',
        url: `${budgetUrl}/revisions`,
        token: team.grantWriter.token,
        headers: ifMatch ? { 'if-match': ifMatch } : {},
        payload: body,
      });

    expect((await revise(within)).status).toBe(428);
    const applied = await revise(within, etag);
    expectStatus(applied, 201, 'revise within tolerance');
    expect(applied.json().revision).toMatchObject({ status: 'applied', requiresApproval: false });
    expect((await revise(beyond, etag)).status).toBe(412);

    const pending = await revise(beyond, String(applied.headers.etag));
    expectStatus(pending, 201, 'revise beyond tolerance');
    expect(pending.json().revision).toMatchObject({ status: 'pending', requiresApproval: true });
    expect(pending.json().revision.changes).toContainEqual(
      expect.objectContaining({
        functionCode: '1000',
        objectCode: '600',
        approved: '17600.00',
        proposed: '23600.00',
        beyondTolerance: true,
      }),
    );
    // Pending does not count: the budget is still the applied one.
    expect(pending.json().budget.lines.find((l: any) => l.objectCode === '600').amount).toBe(
      '19100.00',
    );

    const revisionId = pending.json().revision.id;
    const staffUrl = `${api('mo-dese')}/awards/${award.id}/budget/revisions/${revisionId}`;
    const finance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `${staffUrl}/approve`,
          token: finance.token,
          payload: {},
        })
      ).status,
    ).toBe(403);
    const decided = await t.request({
      method: 'POST',
      url: `${staffUrl}/approve`,
      token: officer.token,
      payload: { reason: 'Justified' },
    });
    expectStatus(decided, 200, 'approve revision');
    const now = (
      await t.request({ method: 'GET', url: budgetUrl, token: team.grantWriter.token })
    ).json();
    expect(now.lines.find((l: any) => l.objectCode === '600')).toMatchObject({
      amount: '23600.00',
      approvedAmount: '23600.00',
    });
    expect(now.total).toBe('100000.00');
    const a = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}`,
        token: officer.token,
      })
    ).json();
    expect(a.version).toBe(2);
  });

  it('will not revise a line below what payment requests already charge to it', async () => {
    setClock(t, '2026-10-05T15:00:00Z');
    const { award, organization, team } = await activeAward(t, 'ks-ksde');
    const charged = await requestPayment(
      t,
      'ks-ksde',
      organization.id,
      award.id,
      team.grantWriter,
      {
        ...reimbursement('0'),
        lines: [{ functionCode: '2200', objectCode: '300', amount: '7000.00' }],
      },
    );
    expectStatus(charged, 201, 'request');
    const budgetUrl = `${orgApi('ks-ksde', organization.id)}/awards/${award.id}/budget`;
    const etag = String(
      (await t.request({ method: 'GET', url: budgetUrl, token: team.grantWriter.token })).headers
        .etag,
    );
    const res = await t.request({
      method: 'POST',
      url: `${budgetUrl}/revisions`,
      token: team.grantWriter.token,
      headers: { 'if-match': etag },
      payload: {
        reason: 'Less indirect',
        lines: [
          { functionCode: '1000', objectCode: '100', amount: '61400.00' },
          { functionCode: '1000', objectCode: '200', amount: '15000.00' },
          { functionCode: '1000', objectCode: '600', amount: '17600.00' },
          { functionCode: '2200', objectCode: '300', amount: '6000.00' },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'award.budget_invalid',
      errors: [
        {
          pointer: '/lines/3/amount',
          detail: '2200/300 already carries 7000.00 in payment requests',
        },
      ],
    });
  });

  it('makes an award from a released funding decision read through the reviews module', async () => {
    const submitted = await submittedApplication(t, 'ks-ksde');
    const decisionId = randomUUID();
    // A released approval as the reviews module records it (its own tests cover how it gets there).
    await asAgencyOwner(t, 'ks-ksde', async (client, agencyId) => {
      await client.query(
        `INSERT INTO review_cases (agency_id, application_id, program_id, organization_id, stage, submission_number, submitted_at, amount_requested)
         VALUES ($1, $2, $3, $4, 'final_decision', 1, now(), '100000.00')`,
        [agencyId, submitted.application.id, submitted.program.id, submitted.organization.id],
      );
      await client.query(
        `INSERT INTO funding_decisions (agency_id, id, program_id, application_id, organization_id, amount_requested, outcome, amount, released_at)
         VALUES ($1, $2, $3, $4, $5, '100000.00', 'approved', '80000.00', now())`,
        [
          agencyId,
          decisionId,
          submitted.program.id,
          submitted.application.id,
          submitted.organization.id,
        ],
      );
    });
    const res = await t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/awards`,
      token: submitted.officer.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: { source: 'decision', sourceId: decisionId, federalAwardDate: '2026-07-01' },
    });
    expectStatus(res, 201, 'award from decision');
    expect(res.json()).toMatchObject({
      source: { kind: 'decision', id: decisionId },
      applicationId: submitted.application.id,
      subaward: { totalAmountObligated: '80000.00' },
    });
    const unknown = await t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/awards`,
      token: submitted.officer.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: { source: 'decision', sourceId: randomUUID() },
    });
    expect(unknown.status).toBe(404);
  });

  it('makes an award from a final formula allocation; its first budget is approved like a revision', async () => {
    const { officer, program } = await openProgram(t, 'mo-dese');
    const organization = await createOrganization(t, 'mo-dese');
    const team = await applicantTeam(t, 'mo-dese', organization.id);
    const allocationId = randomUUID();
    // A published final allocation as the allocations module records it.
    await asAgencyOwner(t, 'mo-dese', async (client, agencyId) => {
      const set = await client.query<{ id: string }>(
        `INSERT INTO formula_input_sets (agency_id, program_id, sha256, row_count, factor_names)
         VALUES ($1, $2, 'x', 1, '{enrollment}') RETURNING id`,
        [agencyId, program.id],
      );
      const run = await client.query<{ id: string }>(
        `INSERT INTO allocation_runs (agency_id, program_id, number, input_set_id, status, funds, config, allocated, unallocated, published_at)
         VALUES ($1, $2, 1, $3, 'final', '51000.00', '{}', '51000.00', '0.00', now()) RETURNING id`,
        [agencyId, program.id, set.rows[0].id],
      );
      await client.query(
        `INSERT INTO formula_allocations (agency_id, id, run_id, program_id, organization_id, identifier, weighted_count, proportional_share, amount)
         VALUES ($1, $2, $3, $4, $5, 'D1', '1', '51000.00', '51000.00')`,
        [agencyId, allocationId, run.rows[0].id, program.id, organization.id],
      );
    });
    const res = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/awards`,
      token: officer.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: { source: 'allocation', sourceId: allocationId },
    });
    expectStatus(res, 201, 'award from allocation');
    expect(res.json()).toMatchObject({
      source: { kind: 'allocation', id: allocationId },
      applicationId: null,
      subaward: { totalAmountObligated: '51000.00' },
    });
    const awardId = res.json().id;
    await acceptAward(t, 'mo-dese', organization.id, awardId, team.representative);

    const budgetUrl = `${orgApi('mo-dese', organization.id)}/awards/${awardId}/budget`;
    const empty = await t.request({ method: 'GET', url: budgetUrl, token: team.grantWriter.token });
    expect(empty.json()).toMatchObject({ total: '0.00', lines: [] });
    const proposed = await t.request({
      method: 'POST',
      url: `${budgetUrl}/revisions`,
      token: team.grantWriter.token,
      headers: { 'if-match': String(empty.headers.etag) },
      payload: {
        reason: 'First budget',
        lines: [{ functionCode: '1000', objectCode: '100', amount: '51000.00' }],
      },
    });
    expect(proposed.json().revision).toMatchObject({ status: 'pending' });
    const approved = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/awards/${awardId}/budget/revisions/${proposed.json().revision.id}/approve`,
      token: officer.token,
      payload: {},
    });
    expectStatus(approved, 200, 'approve first budget');
    const budget = (
      await t.request({ method: 'GET', url: budgetUrl, token: team.grantWriter.token })
    ).json();
    expect(budget).toMatchObject({
      total: '51000.00',
      lines: [
        { functionCode: '1000', objectCode: '100', amount: '51000.00', approvedAmount: '51000.00' },
      ],
    });
  });

  it('leaves every ledger transaction this file wrote balanced', async () => {
    const { transactions, problems } = await unbalancedLedgerTransactions(t, [
      'mo-dese',
      'ks-ksde',
    ]);
    expect(transactions).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
