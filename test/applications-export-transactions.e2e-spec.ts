import { Readable } from 'node:stream';
import { ApplicationLists } from '../src/applications/application-lists.service';
import { parseCsv } from '../src/core/csv/csv';
import { readyApplication } from './factories/grants';
import { asAgencyOwner } from './factories/identity';
import { waitFor } from './jobs/waiting';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';
import { TEST_APP } from './support/test-database-env';

/**
 * The streamed CSV export holds no transaction while the client is slow (issue 13, item 13):
 * each keyset page is read in a short transaction of its own (access checked again), so a
 * client that stops reading mid-way leaves no connection 'idle in transaction'.
 */
describe('applications CSV export: a slow client holds no transaction', () => {
  const t = useTestApp();
  let url: string;
  let token: string;
  let officerId: string;
  let full: string;

  beforeAll(async () => {
    // Small pages: many of them, so the client can stop reading with pages still to come.
    t.app.get(ApplicationLists).exportPageSize = 40;
    const { officer, program, organization } = await readyApplication(t, 'mo-dese');
    await asAgencyOwner(t, 'mo-dese', (client, agencyId) =>
      client.query(
        `INSERT INTO applications (agency_id, program_id, organization_id, form_version, status, amount_requested, project_title, created_at)
         SELECT $1, $2, $3, 1, 'draft', (g * 10)::numeric(14,2), 'Bulk application number ' || g, now() - g * interval '1 second'
           FROM generate_series(1, 900) AS g`,
        [agencyId, program.id, organization.id],
      ),
    );
    url = `/api/v1/agencies/mo-dese/programs/${program.id}/applications/export.csv`;
    token = officer.token;
    officerId = officer.user.id;
    const res = await t.request({ method: 'GET', url, token });
    expect(res.status).toBe(200);
    full = res.body;
    expect(parseCsv(full)).toHaveLength(1 + 901);
  });

  /** This database's app-role connections, by state. */
  /**
   * The app's connection states; with `openSince`, only transactions already open then (the
   * export's would be; a background job's that began since is not the export's).
   */
  async function appSessions(openSince?: Date): Promise<string[]> {
    const admin = await connect(t.db.adminUrl);
    try {
      const { rows } = await admin.query<{ state: string }>(
        `SELECT state FROM pg_stat_activity WHERE datname = $1 AND usename = $2
            AND ($3::timestamptz IS NULL OR xact_start <= $3)`,
        [t.db.name, TEST_APP, openSince ?? null],
      );
      return rows.map((r) => r.state);
    } finally {
      await admin.end();
    }
  }

  /** Starts the export and lets the client stop reading: the server stalls on backpressure. */
  async function pausedExport(): Promise<Readable> {
    const res = await t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      payloadAsStream: true,
    });
    expect(res.statusCode).toBe(200);
    const stream = res.stream();
    stream.pause();
    // Paused mid-way: the client's buffer is full and no statement or transaction is open.
    await waitFor('the export to stall with no transaction open', async () => {
      const states = await appSessions();
      return (
        stream.readableLength >= stream.readableHighWaterMark &&
        !states.some((s) => s === 'active' || s.startsWith('idle in transaction'))
      );
    });
    expect(stream.readableEnded).toBe(false);
    return stream;
  }

  async function readAll(stream: Readable): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  it('leaves no connection idle in transaction while paused, and the output is the same', async () => {
    const stream = await pausedExport();
    const paused = new Date();
    expect(stream.readableLength).toBeLessThan(Buffer.byteLength(full));
    expect((await appSessions(paused)).filter((s) => s.startsWith('idle in transaction'))).toEqual(
      [],
    );
    expect(await readAll(stream)).toBe(full);
  });

  it('stops the stream when the caller loses access mid-way', async () => {
    const stream = await pausedExport();
    await asAgencyOwner(t, 'mo-dese', (client, agencyId) =>
      client.query(
        `UPDATE agency_memberships SET roles = '{reviewer}' WHERE agency_id = $1 AND user_id = $2`,
        [agencyId, officerId],
      ),
    );
    const received = await readAll(stream).catch(() => 'cut');
    expect(received === 'cut' || received.length < full.length).toBe(true);
  });
});
