import { randomUUID } from 'node:crypto';
import { asAgencyOwner } from './factories/identity';
import { applicationsUrl, readyApplication } from './factories/grants';
import { useTestApp } from './support/use-test-app';

/**
 * The client address recorded with a certification (and its audit event) is request.ip: the
 * socket's, unless the socket is a proxy named in TRUSTED_PROXIES, whose X-Forwarded-For is then
 * believed. Here the trusted proxy is 10.9.9.0/24; inject's default socket (127.0.0.1) is not it.
 */
describe('client address: X-Forwarded-For only from a trusted proxy', () => {
  const t = useTestApp({ env: { TRUSTED_PROXIES: '10.9.9.0/24' } });

  /** Certifies and submits a ready application over a socket from `remoteAddress`. */
  async function submitFrom(remoteAddress: string | undefined) {
    const ready = await readyApplication(t, 'mo-dese');
    const res = await t.app.inject({
      method: 'POST',
      url: `${applicationsUrl('mo-dese', ready.organization.id, ready.application.id)}/submit`,
      remoteAddress,
      headers: {
        authorization: `Bearer ${ready.team.representative.token}`,
        'idempotency-key': randomUUID(),
        'x-forwarded-for': '203.0.113.5',
      },
      payload: { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
    });
    expect(res.statusCode).toBe(201);
    return asAgencyOwner(t, 'mo-dese', async (client) => ({
      certifiedIp: (
        await client.query(
          `SELECT certified_ip FROM application_submissions WHERE application_id = $1`,
          [ready.application.id],
        )
      ).rows[0].certified_ip,
      auditIp: (
        await client.query(
          `SELECT client_ip FROM audit_events
            WHERE action = 'application.submitted' AND entity_id = $1`,
          [ready.application.id],
        )
      ).rows[0].client_ip,
    }));
  }

  it('ignores a spoofed X-Forwarded-For from an untrusted client', async () => {
    expect(await submitFrom(undefined)).toEqual({
      certifiedIp: '127.0.0.1',
      auditIp: '127.0.0.1',
    });
  });

  it('records the forwarded client address when the request comes through a trusted proxy', async () => {
    expect(await submitFrom('10.9.9.9')).toEqual({
      certifiedIp: '203.0.113.5',
      auditIp: '203.0.113.5',
    });
  });
});
