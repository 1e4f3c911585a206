import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig } from '../core/config/env';
import { ResolvedAddress, WebhookResolver } from './webhook-resolver';
import { WebhookSender } from './webhook-sender';

/** Plays DNS: every name is whatever the test says. */
class FakeResolver implements WebhookResolver {
  answer: ResolvedAddress[] = [{ address: '127.0.0.1', family: 4 }];
  asked: string[] = [];
  resolve(hostname: string): Promise<ResolvedAddress[]> {
    this.asked.push(hostname);
    return Promise.resolve(this.answer);
  }
}

function sender(resolver: WebhookResolver, allowPrivateNetworks: boolean): WebhookSender {
  const config = { webhooks: { allowPrivateNetworks, timeoutMs: 300 } } as AppConfig;
  return new WebhookSender(config, resolver);
}

describe('sending one webhook attempt', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') res.writeHead(302, { location: '/target' }).end();
      else if (req.url === '/silent')
        return; // never answers
      else if (req.url === '/big') res.writeHead(200).end('x'.repeat(100_000));
      else res.writeHead(204).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  beforeEach(() => hits.splice(0));

  it('connects to the address its own lookup checked, keeping the name', async () => {
    const resolver = new FakeResolver();
    const outcome = await sender(resolver, true).post(`http://receiver.test:${port}/ok`, {}, '{}');
    expect(outcome).toMatchObject({ succeeded: true, statusCode: 204, error: null });
    expect(resolver.asked).toEqual(['receiver.test']);
    expect(hits).toEqual(['/ok']);
  });

  it('refuses a name with any private address before connecting', async () => {
    const resolver = new FakeResolver();
    resolver.answer = [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const outcome = await sender(resolver, false).post(`http://receiver.test:${port}/ok`, {}, '{}');
    expect(outcome).toMatchObject({ succeeded: false, statusCode: null });
    expect(outcome.error).toMatch(/may not reach/);
    expect(hits).toEqual([]);
  });

  it('refuses a private literal address without a lookup', async () => {
    const resolver = new FakeResolver();
    for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '0x7f000001']) {
      const outcome = await sender(resolver, false).post(`http://${host}:${port}/ok`, {}, '{}');
      expect([host, outcome.succeeded, outcome.error]).toEqual([
        host,
        false,
        expect.stringMatching(/may not reach/),
      ]);
    }
    expect(hits).toEqual([]);
    expect(resolver.asked).toEqual([]);
  });

  it('does not follow redirects', async () => {
    const outcome = await sender(new FakeResolver(), true).post(
      `http://127.0.0.1:${port}/redirect`,
      {},
      '{}',
    );
    expect(outcome).toMatchObject({
      succeeded: false,
      statusCode: 302,
      error: 'HTTP 302: redirects are not followed',
    });
    expect(hits).toEqual(['/redirect']);
  });

  it('gives up at its deadline and keeps only a snippet of an answer', async () => {
    const s = sender(new FakeResolver(), true);
    const silent = await s.post(`http://127.0.0.1:${port}/silent`, {}, '{}');
    expect(silent).toMatchObject({ succeeded: false, statusCode: null });
    expect(silent.error).toMatch(/no answer within 300 ms/);
    const big = await s.post(`http://127.0.0.1:${port}/big`, {}, '{}');
    expect(big.succeeded).toBe(true);
    expect(big.responseSnippet).toHaveLength(512);
  });
});
