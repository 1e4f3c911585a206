import { createCipheriv, randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../src/core/config/config.module';
import { AppConfig } from '../src/core/config/env';
import { InvitationService } from '../src/identity/staff/invitation.service';
import { PermanentJobError } from '../src/core/jobs';
import { PaymentFileJobHandler } from '../src/payments/batches/payment-file.job';
import { Payees } from '../src/payments/payees/payees.service';
import { useTestApp } from './support/use-test-app';
import {
  asAgencyOwner,
  grantOrganizationRoles,
  signedInOrganizationMember,
  signedInStaff,
  SignedIn,
} from './factories/identity';
import { createOrganization, setClock } from './factories/grants';
import {
  activatePayeeChange,
  activeAward,
  api,
  approve,
  expectStatus,
  inAgency,
  orgApi,
  requestPayeeChange,
  requestPayment,
  setPayee,
  waitFor,
} from './factories/finance';

/**
 * Issue 13, items 1 and 5: one finance officer cannot redirect an approved payment by changing
 * the payee; a change needs a second person, is announced to the district, lapses approvals;
 * sealed bank details are bound to their organization.
 */
describe('payees: a change needs a second person and never pays an approval to another account', () => {
  const t = useTestApp();

  const get = (url: string, who: SignedIn) => t.request({ method: 'GET', url, token: who.token });
  const createBatch = (who: SignedIn) =>
    t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/payment-batches`,
      token: who.token,
      headers: { 'idempotency-key': randomUUID() },
    });
  const batchCount = () =>
    asAgencyOwner(t, 'ks-ksde', async (client, id) => {
      const { rows } = await client.query(
        'SELECT count(*)::int AS n FROM payment_batches WHERE agency_id = $1',
        [id],
      );
      return rows[0].n as number;
    });
  const inApp = async (who: SignedIn) =>
    (await get('/api/v1/me/notifications', who))
      .json()
      .items.filter((n: any) => n.template === 'payee.change')
      .map((n: any) => n.subject as string);

  it('an approved payment is not redirected: the change waits for a different, unrelated finance officer, is announced, and sends the payment back', async () => {
    setClock(t, '2026-09-10T15:00:00Z'); // inside Kansas's Sep 1-15 window
    const { award, organization, team, financeA, financeB } = await activeAward(t, 'ks-ksde');
    const org = organization.id;
    const staff = () => signedInStaff(t, 'ks-ksde', ['finance_officer']);
    const [financeC, financeD, financeE] = [await staff(), await staff(), await staff()];
    const original = await setPayee(
      t,
      'ks-ksde',
      org,
      financeC,
      { accountNumber: '000111222333' },
      financeD,
    );
    expect(original).toMatchObject({
      version: 1,
      accountNumber: '****2333',
      activatedBy: financeD.user.id,
    });

    const created = await requestPayment(t, 'ks-ksde', org, award.id, team.grantWriter, {
      type: 'advance',
      periodStart: '2026-09-01',
      periodEnd: '2026-12-31',
      lines: [{ functionCode: '1000', objectCode: '100', amount: '40000.00' }],
    });
    expectStatus(created, 201, 'advance');
    const requestId = created.json().id;
    expect(created.json().payee).toEqual({ id: original.id, version: 1 });
    const first = await approve(t, 'ks-ksde', requestId, financeA);
    expect(first.json().status).toBe('awaiting_second_approval'); // $40,000: two approvals
    const approved = await approve(t, 'ks-ksde', requestId, financeB);
    expect(approved.json().status).toBe('approved');
    const requestUrl = `${api('ks-ksde')}/payment-requests/${requestId}`;
    const payeeUrl = `${orgApi('ks-ksde', org)}/payee`;

    // The attack: one of the approvers swaps in their own account.
    const attack = await requestPayeeChange(t, 'ks-ksde', org, financeA, {
      payeeName: 'Mallory LLC',
      accountNumber: '999888777666',
    });
    expectStatus(attack, 201, 'request a change');
    expect(attack.json()).toMatchObject({ status: 'pending', accountNumber: '****7666' });
    expect(attack.body).not.toContain('999888777666');
    const changeId = attack.json().id;

    // Alone, or with an insider, it goes nowhere.
    const self = await activatePayeeChange(t, 'ks-ksde', org, changeId, financeA);
    expect(self.status).toBe(403);
    expect(self.json().code).toBe('payee_change.self_activation');
    const member = await staff();
    await grantOrganizationRoles(t, 'ks-ksde', org, member.user.id, ['grant_writer']);
    const byMember = await activatePayeeChange(t, 'ks-ksde', org, changeId, member);
    expect(byMember.status).toBe(403);
    expect(byMember.json()).toMatchObject({
      code: 'separation_of_duties.conflict',
      subject: 'payee_change',
      reason: 'organization_member',
    });
    // Nor may the insider decide it the other way (a rejection is a decision too).
    const rejectedByMember = await t.request({
      method: 'POST',
      url: `${orgApi('ks-ksde', org)}/payee/changes/${changeId}/reject`,
      token: member.token,
      payload: { reason: 'not ours' },
    });
    expect(rejectedByMember.status).toBe(403);
    expect(rejectedByMember.json()).toMatchObject({
      code: 'separation_of_duties.conflict',
      reason: 'organization_member',
    });
    const inviter = await staff();
    await inAgency(
      t,
      'ks-ksde',
      () => t.app.get(InvitationService).issue(financeA.user.id, inviter.user.id),
      inviter.user.id,
    );
    const byInviter = await activatePayeeChange(t, 'ks-ksde', org, changeId, inviter);
    expect(byInviter.status).toBe(403);
    expect(byInviter.json()).toMatchObject({
      code: 'separation_of_duties.conflict',
      reason: 'inviter',
    });
    // Nothing moved: the payee in force, the approved request, the pending change.
    expect((await get(payeeUrl, team.grantWriter)).json()).toMatchObject({
      version: 1,
      accountNumber: '****2333',
      payeeName: 'Topeka Public Schools',
    });
    expect((await get(requestUrl, financeB)).json()).toMatchObject({
      status: 'approved',
      approvalChain: { satisfied: true },
    });
    const pending = (await get(`${payeeUrl}/changes?status=pending`, financeB)).json();
    expect(pending.items.map((c: any) => c.id)).toEqual([changeId]);
    expect(JSON.stringify(pending)).not.toContain('999888777666');

    // The district hears of the request, by email and in the app.
    // Newest first: this request, then the original set-up's activation and request.
    expect(await inApp(team.orgAdmin)).toEqual([
      expect.stringContaining('change requested'),
      expect.stringContaining('change activated'),
      expect.stringContaining('change requested'),
    ]);
    expect(await inApp(team.representative)).toHaveLength(3);
    expect(await inApp(team.grantWriter)).toEqual([]);
    const emailed = await asAgencyOwner(t, 'ks-ksde', async (client, id) => {
      const { rows } = await client.query(
        `SELECT n AS notice FROM jobs_outbox, jsonb_array_elements(payload->'notices') n
          WHERE agency_id = $1 AND name = 'notification.email' AND n->>'template' = 'payee.change'`,
        [id],
      );
      return rows.map((r) => r.notice);
    });
    expect(emailed).toHaveLength(3);
    expect(emailed.at(-1).recipients).toEqual(
      expect.arrayContaining([
        { userId: team.orgAdmin.user.id },
        { userId: team.representative.user.id },
      ]),
    );
    expect(JSON.stringify(emailed)).not.toContain('999888777666');

    // Activated by a second, unrelated officer, the change lapses the approvals: back to submitted.
    const activated = await activatePayeeChange(t, 'ks-ksde', org, changeId, financeE);
    expectStatus(activated, 200, 'activate');
    expect(activated.json()).toMatchObject({
      version: 2,
      accountNumber: '****7666',
      updatedBy: financeA.user.id,
      activatedBy: financeE.user.id,
    });
    const sentBack = (await get(requestUrl, financeB)).json();
    expect(sentBack).toMatchObject({
      status: 'submitted',
      approvedAt: null,
      payee: { id: original.id, version: 2 },
      approvalChain: { satisfied: false },
    });
    expect(sentBack.approvalChain.approvals.map((a: any) => a.counts)).toEqual([false, false]);
    const rebound = await asAgencyOwner(t, 'ks-ksde', async (client, id) => {
      const { rows } = await client.query(
        `SELECT before->>'status' AS before, after->>'status' AS after FROM audit_events
          WHERE agency_id = $1 AND action = 'payment_request.payee_rebound' AND entity_id = $2`,
        [id, requestId],
      );
      return rows;
    });
    expect(rebound).toEqual([{ before: 'approved', after: 'submitted' }]);
    expect((await inApp(team.orgAdmin))[0]).toContain('change activated');

    // Nothing to pay until it is approved again; no batch is written.
    setClock(t, '2026-09-20T15:00:00Z');
    const refused = await createBatch(financeD);
    expect(refused.status).toBe(409);
    expect(refused.json().code).toBe('payment_batch.nothing_to_pay');
    expect(await batchCount()).toBe(0);

    // Approved again for the new account, not by who asked for it; its activator may approve
    // (redirecting still needs two people), but neither of them may batch it.
    setClock(t, '2026-09-10T15:00:00Z');
    const byChanger = await approve(t, 'ks-ksde', requestId, financeA);
    expect(byChanger.status).toBe(403);
    expect(byChanger.json()).toMatchObject({
      code: 'separation_of_duties.conflict',
      reason: 'payee_changer',
    });
    const excluded = (await get(requestUrl, financeB)).json().approvalChain.pending[0]
      .excludedUserIds;
    expect(excluded).toContain(financeA.user.id);
    expect(excluded).not.toContain(financeE.user.id);
    expect((await approve(t, 'ks-ksde', requestId, financeE)).json().status).toBe(
      'awaiting_second_approval',
    );
    expect((await approve(t, 'ks-ksde', requestId, financeC)).json().status).toBe('approved');
    setClock(t, '2026-09-20T15:00:00Z');
    for (const who of [financeA, financeE]) {
      const conflicted = await createBatch(who);
      expect(conflicted.status).toBe(403);
      expect(conflicted.json()).toMatchObject({
        code: 'payment_batch.payee_duty_conflict',
        organizationIds: [org],
      });
    }
    expect(await batchCount()).toBe(0);
    expectStatus(await createBatch(financeD), 201, 'batch by an unrelated officer');
  });

  it('a batch refuses, writing nothing, a request whose payee changed behind its approvals', async () => {
    setClock(t, '2026-10-10T15:00:00Z'); // the Oct 1-15 window (September's is batched)
    const { award, organization, team, financeA, financeB } = await activeAward(t, 'ks-ksde');
    await setPayee(t, 'ks-ksde', organization.id, financeA);
    const created = await requestPayment(
      t,
      'ks-ksde',
      organization.id,
      award.id,
      team.grantWriter,
      {
        type: 'reimbursement',
        periodStart: '2026-09-01',
        periodEnd: '2026-09-09',
        lines: [{ functionCode: '1000', objectCode: '100', amount: '900.00' }],
      },
    );
    await approve(t, 'ks-ksde', created.json().id, financeB);
    // A payee row changed outside the activation path (a bug, a hand edit): the binding shows it.
    const bump = (delta: number) =>
      asAgencyOwner(t, 'ks-ksde', (client, id) =>
        client.query(
          'UPDATE payees SET version = version + $3 WHERE agency_id = $1 AND organization_id = $2',
          [id, organization.id, delta],
        ),
      );
    await bump(1);
    setClock(t, '2026-10-20T15:00:00Z');
    const before = await batchCount();
    const refused = await createBatch(financeB);
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'payment_batch.payee_changed',
      paymentRequestIds: [created.json().id],
    });
    expect(await batchCount()).toBe(before);
    expect(
      (await get(`${api('ks-ksde')}/payment-requests/${created.json().id}`, financeB)).json(),
    ).toMatchObject({ status: 'approved', batchId: null });
    await bump(-1);

    // The payment file checks too: a batch whose payee changed before its file was written
    // gets no file (the job refuses for good, nothing is stored).
    const batch = await createBatch(financeB);
    expectStatus(batch, 201, 'batch once the binding holds');
    const batchId = batch.json().id;
    await waitFor(
      'the payment file',
      async () =>
        (await get(`${api('ks-ksde')}/payment-batches/${batchId}`, financeB)).json().status ===
        'exported',
    );
    await asAgencyOwner(t, 'ks-ksde', (client, id) =>
      client.query(
        `UPDATE payment_batches SET status = 'exporting', storage_key = NULL, exported_at = NULL
          WHERE agency_id = $1 AND id = $2`,
        [id, batchId],
      ),
    );
    await bump(1);
    const agencyId = await asAgencyOwner(t, 'ks-ksde', (_client, id) => Promise.resolve(id));
    await expect(
      inAgency(t, 'ks-ksde', () =>
        t.app.get(PaymentFileJobHandler).handle(
          { agencyId, batchId },
          {
            jobId: randomUUID(),
            name: 'payment.batch_file',
            attempt: 1,
            agencyId,
            agencyCode: 'ks-ksde',
            claimEffect: () => Promise.resolve(true),
            claimEffects: (keys: string[]) => Promise.resolve(new Set(keys)),
            releaseEffects: () => Promise.resolve(),
          },
        ),
      ),
    ).rejects.toBeInstanceOf(PermanentJobError);
    const after = (await get(`${api('ks-ksde')}/payment-batches/${batchId}`, financeB)).json();
    expect(after).toMatchObject({ status: 'exporting', file: null });
    await bump(-1);

    // And no payee change is activated while a file with the district's payments is written.
    const change = await requestPayeeChange(t, 'ks-ksde', organization.id, financeA, {
      accountNumber: '444555666777',
    });
    const second = await signedInStaff(t, 'ks-ksde', ['finance_officer']);
    const blocked = await activatePayeeChange(
      t,
      'ks-ksde',
      organization.id,
      change.json().id,
      second,
    );
    expect(blocked.status).toBe(409);
    expect(blocked.json()).toMatchObject({
      code: 'payee_change.batch_in_progress',
      batchIds: [batchId],
    });
    const payee = (await get(`${orgApi('ks-ksde', organization.id)}/payee`, financeB)).json();
    expect(payee).toMatchObject({ version: 1, accountNumber: '****6789' });
  });

  it('sealed bank details open only on their own organization’s row; v1 values still open', async () => {
    const { organization, financeA } = await activeAward(t, 'mo-dese');
    const other = await createOrganization(t, 'mo-dese');
    const payee = await setPayee(t, 'mo-dese', organization.id, financeA, {
      accountNumber: '000123456789',
    });
    const details = (orgId: string) =>
      inAgency(t, 'mo-dese', () => t.app.get(Payees).bankDetails([orgId]));
    expect((await details(organization.id)).get(organization.id)?.accountNumber).toBe(
      '000123456789',
    );
    const stored = await asAgencyOwner(t, 'mo-dese', async (client, id) => {
      const { rows } = await client.query('SELECT * FROM payees WHERE agency_id = $1 AND id = $2', [
        id,
        payee.id,
      ]);
      return rows[0];
    });
    expect(stored.account_number_sealed).toMatch(/^v2\./);

    // The row, sealed values and all, moved to another organization: its numbers do not open.
    const move = (to: string) =>
      asAgencyOwner(t, 'mo-dese', (client, id) =>
        client.query('UPDATE payees SET organization_id = $3 WHERE agency_id = $1 AND id = $2', [
          id,
          payee.id,
          to,
        ]),
      );
    await move(other.id);
    await expect(details(other.id)).rejects.toThrow();
    await move(organization.id);

    // A value sealed before the organization was bound (v1) still opens where it belongs.
    const key = t.app.get<AppConfig>(APP_CONFIG).payeeEncryptionKey;
    const agencyId = stored.agency_id as string;
    const v1 = (plain: string, field: string) => {
      const iv = Buffer.alloc(12, 3);
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
      cipher.setAAD(Buffer.from(`payee:${agencyId}:${payee.id}:${field}`, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    };
    await asAgencyOwner(t, 'mo-dese', (client, id) =>
      client.query(
        `UPDATE payees SET account_number_sealed = $3, routing_number_sealed = $4
          WHERE agency_id = $1 AND id = $2`,
        [id, payee.id, v1('000555666777', 'account'), v1('101000019', 'routing')],
      ),
    );
    expect((await details(organization.id)).get(organization.id)).toMatchObject({
      accountNumber: '000555666777',
      routingNumber: '101000019',
    });
  });
  it("the district's administrator or representative sends new bank details; they stay pending until a finance officer outside the district activates them", async () => {
    const organization = await createOrganization(t, 'ks-ksde');
    const member = (roles: string[]) =>
      signedInOrganizationMember(t, 'ks-ksde', organization.id, roles);
    const writer = await member(['grant_writer']);
    const refused = await requestPayeeChange(t, 'ks-ksde', organization.id, writer);
    expect(refused.status).toBe(403);
    const admin = await member(['org_admin']);
    const sent = await requestPayeeChange(t, 'ks-ksde', organization.id, admin);
    expectStatus(sent, 201, 'org admin requests');
    expect(sent.json()).toMatchObject({ status: 'pending', requestedBy: admin.user.id });
    const representative = await member(['authorized_representative']);
    const replaced = await requestPayeeChange(t, 'ks-ksde', organization.id, representative, {
      accountNumber: '000999888777',
    });
    expectStatus(replaced, 201, 'representative requests');
    // Nobody of the district activates it; a finance officer does.
    const self = await activatePayeeChange(
      t,
      'ks-ksde',
      organization.id,
      replaced.json().id,
      admin,
    );
    expect(self.status).toBe(403);
    const finance = await signedInStaff(t, 'ks-ksde', ['finance_officer']);
    const active = await activatePayeeChange(
      t,
      'ks-ksde',
      organization.id,
      replaced.json().id,
      finance,
    );
    expectStatus(active, 200, 'finance activates');
    expect(active.json()).toMatchObject({
      accountNumber: '****8777',
      updatedBy: representative.user.id,
    });
  });

  it('a request waiting for its second approval goes back to submitted when the payee changes', async () => {
    setClock(t, '2026-09-10T15:00:00Z');
    const { award, organization, team, financeA } = await activeAward(t, 'ks-ksde');
    const org = organization.id;
    const staff = () => signedInStaff(t, 'ks-ksde', ['finance_officer']);
    const [changer, activator] = [await staff(), await staff()];
    await setPayee(t, 'ks-ksde', org, changer, { accountNumber: '000111222333' }, activator);
    const created = await requestPayment(t, 'ks-ksde', org, award.id, team.grantWriter, {
      type: 'advance',
      periodStart: '2026-09-01',
      periodEnd: '2026-12-31',
      lines: [{ functionCode: '1000', objectCode: '100', amount: '40000.00' }],
    });
    expectStatus(created, 201, 'advance');
    const requestId: string = created.json().id;
    const first = await approve(t, 'ks-ksde', requestId, financeA);
    expect(first.json().status).toBe('awaiting_second_approval');

    const change = await requestPayeeChange(t, 'ks-ksde', org, changer, {
      payeeName: 'Topeka Public Schools',
      accountNumber: '444555666777',
    });
    expectStatus(change, 201, 'request a change');
    const activated = await activatePayeeChange(t, 'ks-ksde', org, change.json().id, activator);
    expectStatus(activated, 200, 'activate');

    // The first approval was for the old account: it no longer counts, so no approval is left.
    const after = (await get(`${api('ks-ksde')}/payment-requests/${requestId}`, financeA)).json();
    expect(after).toMatchObject({ status: 'submitted', approvalChain: { satisfied: false } });
    expect(after.approvalChain.approvals.map((a: any) => a.counts)).toEqual([false]);
    const rebound = await asAgencyOwner(t, 'ks-ksde', async (client, id) => {
      const { rows } = await client.query(
        `SELECT before->>'status' AS before, after->>'status' AS after FROM audit_events
          WHERE agency_id = $1 AND action = 'payment_request.payee_rebound' AND entity_id = $2`,
        [id, requestId],
      );
      return rows;
    });
    expect(rebound).toEqual([{ before: 'awaiting_second_approval', after: 'submitted' }]);
  });
});
