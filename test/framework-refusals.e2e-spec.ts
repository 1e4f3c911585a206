import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { useTestApp } from './support/use-test-app';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes on a fresh socket and reads until the server closes it (or one answer is in). */
function rawRequest(port: number, bytes: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const parse = (): RawAnswer | undefined => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? NaN);
      const body = text.slice(end + 4);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return undefined;
      return { status: Number(statusLine.split(' ')[1]), headers, body };
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const answer = parse();
      if (answer) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', () => undefined); // the server may reset after answering
    socket.on('close', () => {
      const answer = parse();
      if (answer) resolve(answer);
      else reject(new Error(`no answer: ${Buffer.concat(chunks).toString('utf8')}`));
    });
    socket.write(bytes);
  });
}

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
  expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code, requestId: answer.headers['x-request-id'] });
  expect(problem.type).toBe(`urn:grant-commons:problem:${code}`);
}

/**
 * What Fastify and Node's HTTP parser refuse before any route runs answers like everything else:
 * a problem document with a request id and the security headers. Over a real socket, since some
 * of these refusals happen before there is a request object at all.
 */
describe('framework refusals over a real socket', () => {
  let port: number;
  const warnings: string[] = [];
  const onWarning = (warning: Error & { code?: string }) =>
    warnings.push(`${warning.code ?? warning.name}: ${warning.message}`);

  // The warnings of the boot only: listening from just before it to just after it.
  beforeAll(() => process.on('warning', onWarning));
  const t = useTestApp();
  beforeAll(async () => {
    process.off('warning', onWarning);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  const request = (head: string, body = '') =>
    `${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`;

  it('boots with one error handler (no FSTWRN004 override warning)', () => {
    expect(warnings.filter((w) => w.startsWith('FSTWRN004'))).toEqual([]);
  });

  it('answers oversized headers with a 431 problem', async () => {
    const answer = await rawRequest(
      port,
      `GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(40_000)}\r\n\r\n`,
    );
    expectProblem(answer, 431, 'request.headers_too_large');
  });

  it('answers a malformed request line with a 400 problem', async () => {
    const answer = await rawRequest(port, 'GET\x01 not a request line\r\n\r\n');
    expectProblem(answer, 400, 'request.malformed');
  });

  it('answers invalid JSON with a 400 problem', async () => {
    const answer = await rawRequest(
      port,
      request(
        'POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: application/json',
        '{"email": "a@b.example", ',
      ),
    );
    expectProblem(answer, 400, 'request.malformed');
  });

  it('answers an unsupported content type with a 415 problem', async () => {
    const answer = await rawRequest(
      port,
      request('POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: text/x-unknown', 'hello'),
    );
    expectProblem(answer, 415, 'request.unsupported_media_type');
  });

  it('answers an over-long path parameter with a 414 problem that does not echo it', async () => {
    const long = 'a'.repeat(5_000);
    const answer = await rawRequest(
      port,
      request(`GET /api/v1/agencies/mo-dese/programs/${long} HTTP/1.1`),
    );
    expectProblem(answer, 414, 'request.uri_too_long');
    expect(answer.body).not.toContain(long.slice(0, 200));
  });

  it('answers a malformed URL with a 400 problem', async () => {
    const answer = await rawRequest(port, request('GET /api/v1/agencies/%E0%A4%A HTTP/1.1'));
    expectProblem(answer, 400, 'request.malformed');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const answer = await rawRequest(port, request('DELETE /api/v1/no-such-thing HTTP/1.1'));
    expectProblem(answer, 404, 'route.not_found');
  });

  it('answers a body larger than the limit with a 413 problem', async () => {
    const big = JSON.stringify({ email: 'a'.repeat(1_100_000) });
    const answer = await rawRequest(
      port,
      request('POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: application/json', big),
    );
    expectProblem(answer, 413, 'request.too_large');
  });
});
