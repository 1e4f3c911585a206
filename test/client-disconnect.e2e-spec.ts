import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { waitFor } from './jobs/waiting';
import { signedInStaff, SignedIn } from './factories/identity';
import { connect } from './support/database';
import { TEST_APP } from './support/test-database-env';
import { useTestApp } from './support/use-test-app';

/**
 * A client that goes away while its request holds a transaction: the request pipeline has no
 * RxJS stream to tear down, so the transaction must still end (commit or roll back) and give its
 * connection back, and the server must keep serving.
 */
describe('a client that disconnects mid-request', () => {
  const t = useTestApp();
  let officer: SignedIn;
  let port: number;
  let admin: Client;

  /** The app role's connections to this test's database that are not plain idle. */
  const busyConnections = async () =>
    (
      await admin.query<{ state: string; wait_event_type: string | null; in_tx: boolean }>(
        `SELECT state, wait_event_type, xact_start IS NOT NULL AS in_tx
           FROM pg_stat_activity WHERE datname = $1 AND usename = $2 AND state <> 'idle'`,
        [t.db.name, TEST_APP],
      )
    ).rows;

  beforeAll(async () => {
    officer = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    admin = await connect(t.db.adminUrl);
  });
  t.cleanup(async () => {
    await admin?.end();
  });

  it('ends the transaction the request opened and keeps serving', async () => {
    // Hold the request inside its transaction: its first statement (BEGIN, the tenant and the
    // caller's grants) waits for a lock on the memberships it reads.
    const owner = await connect(t.db.ownerUrl);
    try {
      await owner.query('BEGIN');
      await owner.query('LOCK TABLE agency_memberships IN ACCESS EXCLUSIVE MODE');

      const aborted = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'GET',
        path: '/api/v1/agencies/mo-dese/staff',
        headers: { authorization: `Bearer ${officer.token}` },
      });
      const gone = new Promise<void>((resolve) => aborted.on('close', resolve));
      aborted.on('error', () => undefined);
      aborted.end();

      const waiting = await waitFor(
        'the request to wait on the lock inside its transaction',
        async () => {
          const busy = await busyConnections();
          return busy.some((c) => c.wait_event_type === 'Lock' && c.in_tx) && busy;
        },
      );
      expect(waiting.length).toBeGreaterThan(0);

      aborted.destroy();
      await gone;
      await owner.query('COMMIT');
    } finally {
      await owner.end();
    }

    // The request finishes after its client left; nothing stays active or idle in transaction.
    await waitFor(
      'every app connection back to idle',
      async () => (await busyConnections()).length === 0,
    );
    expect(await busyConnections()).toEqual([]);

    const after = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/mo-dese/staff',
      token: officer.token,
    });
    expect(after.status).toBe(200);
  });
});
