import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { useTestApp } from './support/use-test-app';
import { connect } from './support/database';
import { agencyId, signedInStaff } from './factories/identity';
import { Ledger } from '../src/ledger/ledger';
import {
  api,
  expectStatus,
  inAgency,
  offeredAward,
  orgApi,
  unbalancedLedgerTransactions,
} from './factories/finance';

/** The ledger's walls: double entry checked by the database, append-only for everyone. */
describe('ledger', () => {
  const t = useTestApp();
  let owner: Client;
  let app: Client;
  let moId: string;

  beforeAll(async () => {
    owner = await connect(t.db.ownerUrl);
    app = await connect(t.db.appUrl);
    moId = await agencyId(t, 'mo-dese');
  });
  t.cleanup(async () => {
    await owner?.end();
    await app?.end();
  });

  /** Runs statements in one transaction with the agency set; returns the error, if any. */
  async function attempt(
    client: Client,
    statements: Array<[string, unknown[]?]>,
  ): Promise<{ code?: string; message?: string } | undefined> {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('app.agency_id', $1, true)`, [moId]);
      for (const [sql, params] of statements) await client.query(sql, params);
      await client.query('COMMIT');
      return undefined;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      return error as { code?: string; message?: string };
    }
  }

  it('refuses UPDATE, DELETE and TRUNCATE of postings, even to the table owner', async () => {
    await offeredAward(t, 'mo-dese');
    for (const table of ['ledger_entries', 'ledger_transactions']) {
      for (const sql of [
        `UPDATE ${table} SET agency_id = agency_id`,
        `DELETE FROM ${table}`,
        `TRUNCATE ${table} CASCADE`,
      ]) {
        const ownerError = await attempt(owner, [[sql]]);
        expect(ownerError?.message).toMatch(/append-only|refused/);
        const appError = await attempt(app, [[sql]]);
        expect(appError?.code).toBe('42501'); // no privilege, or the trigger's insufficient_privilege
      }
    }
  });

  it('refuses at commit a posting whose debits and credits differ', async () => {
    const { award } = await offeredAward(t, 'mo-dese');
    const txId = randomUUID();
    const error = await attempt(app, [
      [
        `INSERT INTO ledger_transactions (agency_id, id, award_id, kind, source_type, source_id, memo)
         VALUES ($1, $2, $3, 'adjustment', 'test', $4, 'unbalanced')`,
        [moId, txId, award.id, randomUUID()],
      ],
      [
        `INSERT INTO ledger_entries (agency_id, transaction_id, award_id, account, side, amount) VALUES
           ($1, $2, $3, 'program_funds', 'debit', 100.00), ($1, $2, $3, 'undisbursed_obligation', 'credit', 99.99)`,
        [moId, txId, award.id],
      ],
    ]);
    expect(error?.code).toBe('23514');
    expect(error?.message).toContain('does not balance');
    const lonely = await attempt(app, [
      [
        `INSERT INTO ledger_transactions (agency_id, id, award_id, kind, source_type, source_id, memo)
         VALUES ($1, $2, $3, 'adjustment', 'test', $4, 'no legs')`,
        [moId, randomUUID(), award.id, randomUUID()],
      ],
    ]);
    expect(lonely?.code).toBe('23514');
    // The service never even tries.
    await expect(
      inAgency(t, 'mo-dese', () =>
        t.app.get(Ledger).post({
          awardId: award.id,
          kind: 'adjustment',
          sourceType: 'test',
          sourceId: randomUUID(),
          memo: 'x',
          legs: [
            { account: 'program_funds', debit: 100n },
            { account: 'undisbursed_obligation', credit: 99n },
          ],
        }),
      ),
    ).rejects.toThrow('does not balance');
  });

  it('books a source once: a second posting of the same kind for it is refused', async () => {
    const { award } = await offeredAward(t, 'mo-dese');
    const post = () =>
      inAgency(t, 'mo-dese', () =>
        t.app.get(Ledger).post({
          awardId: award.id,
          kind: 'obligation',
          sourceType: 'award',
          sourceId: award.id,
          memo: 'again',
          legs: [
            { account: 'program_funds', debit: 100n },
            { account: 'undisbursed_obligation', credit: 100n },
          ],
        }),
      );
    await expect(post()).rejects.toMatchObject({ code: '23505' });
  });

  it('corrects by a reversing entry: a declined award reverses its obligation', async () => {
    const { award, organization, team } = await offeredAward(t, 'mo-dese', { amount: '42000.00' });
    const declined = await t.request({
      method: 'POST',
      url: `${orgApi('mo-dese', organization.id)}/awards/${award.id}/decline`,
      token: team.representative.token,
      payload: { reason: 'The board declined the grant' },
    });
    expectStatus(declined, 200, 'decline');
    expect(declined.json().status).toBe('declined');
    const finance = await signedInStaff(t, 'mo-dese', ['finance_officer']);
    const ledger = (
      await t.request({
        method: 'GET',
        url: `${api('mo-dese')}/awards/${award.id}/ledger`,
        token: finance.token,
      })
    ).json();
    expect(ledger).toMatchObject({ obligated: '0.00', undisbursed: '0.00', remaining: '0.00' });
    expect(ledger.transactions.map((x: any) => [x.kind, x.entries])).toEqual([
      [
        'obligation',
        [
          { account: 'program_funds', side: 'debit', amount: '42000.00' },
          { account: 'undisbursed_obligation', side: 'credit', amount: '42000.00' },
        ],
      ],
      [
        'reversal',
        [
          { account: 'undisbursed_obligation', side: 'debit', amount: '42000.00' },
          { account: 'program_funds', side: 'credit', amount: '42000.00' },
        ],
      ],
    ]);
    expect(ledger.transactions[1].source).toEqual({
      type: 'ledger_transaction',
      id: ledger.transactions[0].id,
    });
  });

  it('has balanced every transaction this file wrote', async () => {
    const { transactions, problems } = await unbalancedLedgerTransactions(t, [
      'mo-dese',
      'ks-ksde',
    ]);
    expect(transactions).toBeGreaterThanOrEqual(5);
    expect(problems).toEqual([]);
  });
});
