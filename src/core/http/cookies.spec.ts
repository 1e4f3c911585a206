import Fastify from 'fastify';
import { clearCookie, cookiesOf, setCookie } from './cookies';

describe('cookies', () => {
  const app = Fastify();
  app.get('/', (request, reply) => {
    const before = { ...cookiesOf(request) };
    setCookie(reply, 'a', 'first', { path: '/' });
    setCookie(reply, 'b', 'kept', { path: '/', httpOnly: true });
    setCookie(reply, 'a', 'second', { path: '/' }); // replaces the first, keeps b
    clearCookie(reply, 'gone', { path: '/' });
    return { before, after: cookiesOf(request) };
  });
  afterAll(() => app.close());

  it('parses on first read, sets each cookie once (the last value wins) and clears', async () => {
    const res = await app.inject({ url: '/', headers: { cookie: 'x=1; gone=old' } });
    expect(res.json()).toEqual({
      before: { x: '1', gone: 'old' },
      after: { x: '1', gone: '', a: 'second', b: 'kept' },
    });
    expect([...(res.headers['set-cookie'] as string[])].sort()).toEqual([
      'a=second; Path=/',
      'b=kept; Path=/; HttpOnly',
      expect.stringMatching(/^gone=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970/),
    ]);
  });

  it('reads no cookies when the request sends none', async () => {
    const app2 = Fastify();
    app2.get('/', (request) => cookiesOf(request));
    expect((await app2.inject({ url: '/' })).json()).toEqual({});
    await app2.close();
  });
});
