import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobScheduler } from '../src/core/jobs';
import { PURGE_PAYMENT_FILES_SCHEDULE } from '../src/payments/batches/payment-file-retention';
import { useTestApp } from './support/use-test-app';
import { setClock } from './factories/grants';
import { asAgencyOwner, signedInStaff } from './factories/identity';
import {
  activeAward,
  api,
  approve,
  expectStatus,
  requestPayment,
  reimbursement,
  setPayee,
  waitFor,
} from './factories/finance';

const ACCOUNT = '000987654321';
const DAY_MS = 86_400_000;

/**
 * Payment files hold full account numbers. At rest they are envelopes under a key of their own;
 * only a finance officer's download opens one (audited); they are deleted after reconciliation
 * plus the agency's retention days, never before and never while unreconciled.
 */
describe('payment files at rest', () => {
  const t = useTestApp();

  const batchRow = (agency: string, batchId: string) =>
    asAgencyOwner(t, agency, async (client) => {
      const { rows } = await client.query<{
        storage_key: string;
        file_key_id: string;
        file_purged_at: Date | null;
      }>(`SELECT storage_key, file_key_id, file_purged_at FROM payment_batches WHERE id = $1`, [
        batchId,
      ]);
      return rows[0];
    });
  const storedPath = (storageKey: string) => join(t.config.storageDir, ...storageKey.split('/'));
  const auditOf = (agency: string, batchId: string) =>
    asAgencyOwner(t, agency, async (client) =>
      (
        await client.query<{ action: string; actor_user_id: string | null; after: any }>(
          `SELECT action, actor_user_id, after FROM audit_events
            WHERE entity_id = $1 ORDER BY occurred_at, tx_id`,
          [batchId],
        )
      ).rows.map((r) => ({ action: r.action, actor: r.actor_user_id, after: r.after })),
    );
  const getBatch = async (agency: string, batchId: string, token: string) =>
    (
      await t.request({ method: 'GET', url: `${api(agency)}/payment-batches/${batchId}`, token })
    ).json();
  const download = (agency: string, batchId: string, token: string) =>
    t.request({ method: 'GET', url: `${api(agency)}/payment-batches/${batchId}/file`, token });

  /**
   * An exported ACH batch in ks-ksde paying ACCOUNT, for the Kansas window of the 1st to the 15th
   * of `month` (one batch per window); the clock stands at the batch's creation, on the 20th.
   */
  async function exportedAchBatch(month: string) {
    setClock(t, `2026-${month}-10T15:00:00Z`);
    const active = await activeAward(t, 'ks-ksde');
    // Bank details from two officers who neither approve nor batch (separation of duties).
    const changer = await signedInStaff(t, 'ks-ksde', ['finance_officer']);
    await setPayee(t, 'ks-ksde', active.organization.id, changer, {
      payeeName: 'Topeka USD 501',
      accountNumber: ACCOUNT,
    });
    const request = await requestPayment(
      t,
      'ks-ksde',
      active.organization.id,
      active.award.id,
      active.team.grantWriter,
      reimbursement('5000.00', { periodStart: `2026-${month}-01`, periodEnd: `2026-${month}-05` }),
    );
    expectStatus(request, 201, 'payment request');
    expectStatus(await approve(t, 'ks-ksde', request.json().id, active.financeA), 200, 'approve');
    setClock(t, `2026-${month}-20T15:00:00Z`);
    const created = await t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/payment-batches`,
      token: active.financeB.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expectStatus(created, 201, 'batch');
    const batchId: string = created.json().id;
    const batch = await waitFor('the ACH file', async () => {
      const b = await getBatch('ks-ksde', batchId, active.financeB.token);
      return b.status === 'exported' ? b : undefined;
    });
    return { ...active, batchId, batch };
  }

  it('stores the file sealed; a finance officer downloads the exact plaintext, audited; no one else gets it', async () => {
    const { batchId, batch, financeA, financeB, officer, team } = await exportedAchBatch('09');

    // On disk: an envelope, no account number in any form the bank file holds it.
    const row = await batchRow('ks-ksde', batchId);
    expect(row.storage_key).toMatch(/\.sealed$/);
    expect(row.file_key_id).toMatch(/^[0-9a-f]{16}$/);
    const stored = readFileSync(storedPath(row.storage_key));
    expect(stored.subarray(0, 4).toString('ascii')).toBe('GCE1');
    for (const secret of [ACCOUNT, '987654321', '101000019', 'TOPEKA USD 501']) {
      expect(stored.includes(Buffer.from(secret, 'ascii'))).toBe(false);
    }

    // While the file job has not written it: 202, when to ask again, and where (issue 18).
    const setStorageKey = (key: string | null) =>
      asAgencyOwner(t, 'ks-ksde', (client) =>
        client.query(`UPDATE payment_batches SET storage_key = $2 WHERE id = $1`, [batchId, key]),
      );
    await setStorageKey(null);
    const pending = await download('ks-ksde', batchId, financeA.token);
    expect(pending.status).toBe(202);
    const fileUrl = `${api('ks-ksde')}/payment-batches/${batchId}/file`;
    expect(pending.headers).toMatchObject({
      'retry-after': '5',
      location: fileUrl,
      'cache-control': 'no-store',
    });
    expect(pending.json()).toEqual({
      status: 'pending',
      code: 'payment_batch.file_not_ready',
      detail: expect.any(String),
      retryAfter: 5,
      location: fileUrl,
    });
    expect(pending.body).not.toContain(ACCOUNT);
    // The wait is for finance officers only, like the file.
    expect((await download('ks-ksde', batchId, team.grantWriter.token)).status).toBe(403);
    await setStorageKey(row.storage_key);

    // The download is the plaintext file: its length and sha256 are those the batch shows.
    const file = await download('ks-ksde', batchId, financeA.token);
    expectStatus(file, 200, 'download');
    expect(file.headers['cache-control']).toBe('no-store');
    expect(file.body).toContain(ACCOUNT);
    expect(
      file.body
        .split('\n')
        .filter((l) => l.length > 0)
        .every((l) => l.length === 94),
    ).toBe(true);
    expect(Buffer.byteLength(file.body)).toBe(batch.file.bytes);
    expect(createHash('sha256').update(file.body).digest('hex')).toBe(batch.file.sha256);
    expect(batch.file).toMatchObject({ name: expect.stringMatching(/\.ach$/), purgedAt: null });

    let events = await auditOf('ks-ksde', batchId);
    expect(events.filter((e) => e.action === 'payment_batch.file_downloaded')).toEqual([
      {
        action: 'payment_batch.file_downloaded',
        actor: financeA.user.id,
        after: expect.objectContaining({ sha256: batch.file.sha256 }),
      },
    ]);

    // Other roles: the agency's program officer and admin, the organization's own members,
    // another agency's finance officer. None gets a byte, none leaves a download event.
    const outsiders = [
      officer,
      await signedInStaff(t, 'ks-ksde', ['agency_admin']),
      await signedInStaff(t, 'ks-ksde', ['reviewer']),
      team.representative,
      team.orgAdmin,
      await signedInStaff(t, 'mo-dese', ['finance_officer']),
    ];
    for (const who of outsiders) {
      const refused = await download('ks-ksde', batchId, who.token);
      expect([403, 404]).toContain(refused.status);
      expect(refused.body).not.toContain(ACCOUNT);
    }
    const moDese = await download('mo-dese', batchId, outsiders[5].token);
    expect(moDese.status).toBe(404);
    events = await auditOf('ks-ksde', batchId);
    expect(events.filter((e) => e.action === 'payment_batch.file_downloaded')).toHaveLength(1);

    // A second officer's download is audited under their name.
    expectStatus(await download('ks-ksde', batchId, financeB.token), 200, 'second download');
    events = await auditOf('ks-ksde', batchId);
    expect(
      events.filter((e) => e.action === 'payment_batch.file_downloaded').map((e) => e.actor),
    ).toEqual([financeA.user.id, financeB.user.id]);
  });

  it('fails closed when the stored file was changed or swapped: a coded error and no plaintext', async () => {
    const first = await exportedAchBatch('10');
    const row = await batchRow('ks-ksde', first.batchId);
    const path = storedPath(row.storage_key);
    const original = readFileSync(path);
    try {
      // One flipped bit in the ciphertext.
      const tampered = Buffer.from(original);
      tampered[tampered.length - 10] ^= 0x01;
      writeFileSync(path, tampered);
      const refused = await download('ks-ksde', first.batchId, first.financeA.token);
      expect(refused.status).toBe(500);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().code).toBe('payment_batch.file_unreadable');
      expect(refused.body).not.toContain(ACCOUNT);

      // A plaintext file put in its place (as before this change) is not served either.
      writeFileSync(path, Buffer.from(`6220101000019${ACCOUNT}     0000500000\n`));
      const plain = await download('ks-ksde', first.batchId, first.financeA.token);
      expect(plain.json().code).toBe('payment_batch.file_unreadable');
      expect(plain.body).not.toContain(ACCOUNT);
    } finally {
      writeFileSync(path, original);
    }
    const events = await auditOf('ks-ksde', first.batchId);
    expect(events.filter((e) => e.action === 'payment_batch.file_refused')).toHaveLength(2);
    expect(events.filter((e) => e.action === 'payment_batch.file_downloaded')).toHaveLength(0);
    expectStatus(await download('ks-ksde', first.batchId, first.financeA.token), 200, 'restored');
  });

  it('purges the file after reconciliation plus the retention days, not before, and never an unreconciled batch', async () => {
    // An unreconciled batch in mo-dese (CSV), left exported for years.
    setClock(t, '2026-09-25T15:00:00Z');
    const mo = await activeAward(t, 'mo-dese');
    const moRequest = await requestPayment(
      t,
      'mo-dese',
      mo.organization.id,
      mo.award.id,
      mo.team.grantWriter,
      reimbursement('1000.00', { periodEnd: '2026-09-20' }),
    );
    expectStatus(await approve(t, 'mo-dese', moRequest.json().id, mo.financeA), 200, 'approve');
    setClock(t, '2026-10-05T15:00:00Z');
    const moBatch = await t.request({
      method: 'POST',
      url: `${api('mo-dese')}/payment-batches`,
      token: mo.financeB.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expectStatus(moBatch, 201, 'mo-dese batch');
    const moBatchId: string = moBatch.json().id;
    await waitFor('the CSV file', async () => {
      const b = await getBatch('mo-dese', moBatchId, mo.financeB.token);
      return b.status === 'exported';
    });

    // The ACH batch, reconciled on Nov 25 by the server's clock.
    const ks = await exportedAchBatch('11');
    const { batchId, financeB } = ks;
    setClock(t, '2026-11-25T16:00:00Z');
    const paid = await t.request({
      method: 'POST',
      url: `${api('ks-ksde')}/payment-batches/${batchId}/mark-paid`,
      token: financeB.token,
      headers: { 'idempotency-key': randomUUID() },
      payload: { paidOn: '2026-11-25' },
    });
    expectStatus(paid, 200, 'mark paid');
    expect(paid.json()).toMatchObject({ status: 'reconciled' });
    const reconciledAt = new Date(paid.json().reconciledAt).getTime();
    expect(reconciledAt).toBe(Date.parse('2026-11-25T16:00:00Z'));
    const path = storedPath((await batchRow('ks-ksde', batchId)).storage_key);
    const moPath = storedPath((await batchRow('mo-dese', moBatchId)).storage_key);
    const purge = () => t.app.get(JobScheduler).fire(PURGE_PAYMENT_FILES_SCHEDULE);

    // One minute short of 90 days (the default retention): kept.
    setClock(t, new Date(reconciledAt + 90 * DAY_MS - 60_000));
    await purge();
    expect(existsSync(path)).toBe(true);
    expect((await batchRow('ks-ksde', batchId)).file_purged_at).toBeNull();
    expectStatus(await download('ks-ksde', batchId, financeB.token), 200, 'before retention');

    // Past it: the file is deleted and the batch records when; the download answers 410.
    const purgeTime = new Date(reconciledAt + 90 * DAY_MS + 60_000);
    setClock(t, purgeTime);
    await purge();
    expect(existsSync(path)).toBe(false);
    const after = await getBatch('ks-ksde', batchId, financeB.token);
    expect(after).toMatchObject({
      status: 'reconciled',
      file: { sha256: ks.batch.file.sha256, purgedAt: purgeTime.toISOString() },
    });
    const gone = await download('ks-ksde', batchId, financeB.token);
    expect(gone.status).toBe(410);
    expect(gone.json()).toMatchObject({
      code: 'payment_batch.file_purged',
      purgedAt: purgeTime.toISOString(),
    });
    const purged = (await auditOf('ks-ksde', batchId)).filter(
      (e) => e.action === 'payment_batch.file_purged',
    );
    expect(purged).toEqual([
      expect.objectContaining({
        actor: null,
        after: { purgedAt: purgeTime.toISOString(), retentionDays: 90 },
      }),
    ]);

    // Years later: purged once only, and the unreconciled batch keeps its file.
    setClock(t, '2030-01-01T00:00:00Z');
    await purge();
    expect(
      (await auditOf('ks-ksde', batchId)).filter((e) => e.action === 'payment_batch.file_purged'),
    ).toHaveLength(1);
    expect((await batchRow('ks-ksde', batchId)).file_purged_at?.toISOString()).toBe(
      purgeTime.toISOString(),
    );
    expect(existsSync(moPath)).toBe(true);
    expect((await batchRow('mo-dese', moBatchId)).file_purged_at).toBeNull();
    expectStatus(await download('mo-dese', moBatchId, mo.financeB.token), 200, 'unreconciled');
  });

  it('seals a file written in plaintext before this change on the next daily run', async () => {
    const { batchId, batch, financeA } = await exportedAchBatch('12');
    const row = await batchRow('ks-ksde', batchId);
    const plaintext = (await download('ks-ksde', batchId, financeA.token)).body;
    // As main wrote it: plaintext under the old key, no key id.
    const legacyKey = row.storage_key.replace(/\.sealed$/, '');
    writeFileSync(storedPath(legacyKey), plaintext);
    await asAgencyOwner(t, 'ks-ksde', (client) =>
      client.query(
        `UPDATE payment_batches SET storage_key = $2, file_key_id = NULL WHERE id = $1`,
        [batchId, legacyKey],
      ),
    );
    expectStatus(await download('ks-ksde', batchId, financeA.token), 200, 'legacy download');

    await t.app.get(JobScheduler).fire(PURGE_PAYMENT_FILES_SCHEDULE);
    const after = await batchRow('ks-ksde', batchId);
    expect(after).toMatchObject({ storage_key: row.storage_key, file_key_id: row.file_key_id });
    expect(existsSync(storedPath(legacyKey))).toBe(false);
    expect(readFileSync(storedPath(after.storage_key)).includes(Buffer.from(ACCOUNT))).toBe(false);
    const file = await download('ks-ksde', batchId, financeA.token);
    expect(file.body).toBe(plaintext);
    expect(createHash('sha256').update(file.body).digest('hex')).toBe(batch.file.sha256);
    expect(
      (await auditOf('ks-ksde', batchId)).filter((e) => e.action === 'payment_batch.file_sealed'),
    ).toHaveLength(1);
  });
});
