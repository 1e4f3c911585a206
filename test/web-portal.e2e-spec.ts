import type { Browser } from 'playwright-core';
import {
  accessibilityViolations,
  launchBrowser,
  listen,
  newContext,
  screenshot,
} from './support/browser';
import { bootTestApp, TestApp } from './support/test-app';
import { createUser } from './factories/identity';

/**
 * The web foundation: the deployment's front page, each agency's portal in its own branding,
 * both languages, sign-in and sign-out on a cookie session, CSRF, the page security policy, and
 * the assets. Every page visited is checked by axe for WCAG 2.1 AA.
 */
describe('web portal foundation', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await bootTestApp();
    base = await listen(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the agencies on the front page, in English and in Spanish, with no axe violations', async () => {
    for (const locale of ['en-US', 'es-MX']) {
      const context = await newContext(browser, base, { locale });
      const page = await context.newPage();
      const response = await page.goto('/');
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe(locale.slice(0, 2));
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Grant Commons',
      );
      const cards = await page.locator('.usa-card__heading').allTextContents();
      expect(cards).toEqual(
        expect.arrayContaining([
          'Kansas State Department of Education',
          'Missouri Department of Elementary and Secondary Education',
        ]),
      );
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `front-page-${locale.slice(0, 2)}`);
      await context.close();
    }
  });

  it("shows each agency's portal in its own name and colours, and switches language on request", async () => {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    await page.goto('/mo-dese');
    expect(await page.title()).toBe('Home – Missouri DESE Grants');
    expect(await page.locator('.usa-logo').textContent()).toBe('Missouri DESE Grants');
    const theme = await page.locator('link[href*="theme-mo-dese"]').getAttribute('href');
    const css = await (await fetch(`${base}${theme}`)).text();
    expect(css).toContain('#003B71');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'portal-home-en');

    await page.getByRole('link', { name: 'Ver esta página en español' }).click();
    await page.waitForURL(`${base}/mo-dese`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Missouri DESE Grants',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'portal-home-es');

    await page.goto('/ks-ksde');
    expect(await page.locator('.usa-logo').textContent()).toBe('KSDE Grants Portal');
    expect(await page.getAttribute('html', 'lang')).toBe('es'); // the choice is remembered
    await context.close();
  });

  it('answers an unknown agency or page with an accessible 404 page, not JSON', async () => {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    const response = await page.goto('/no-such-agency');
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('text/html');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();

    const api = await fetch(`${base}/api/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  it('signs in with a cookie session, comes back to the page asked for, and signs out for good', async () => {
    const user = await createUser(t);
    const context = await newContext(browser, base);
    const page = await context.newPage();

    await page.goto('/account');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.title()).toMatch(/^Error: Sign in/);
    expect(await page.locator('#error-summary a').textContent()).toContain('not right');
    expect(await page.getByLabel('Email address').inputValue()).toBe(user.email);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-error-en');

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/account`);
    expect(await page.locator('main').textContent()).toContain(user.email);

    const [session] = (await context.cookies()).filter((c) => c.name === 'gc_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    // The cookie opens pages only: the JSON API takes bearer tokens, so a browser's cookie
    // cannot be ridden into it from another site.
    const viaApi = await fetch(`${base}/api/v1/me`, {
      headers: { cookie: `gc_session=${session.value}` },
    });
    expect(viaApi.status).toBe(401);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?signedOut=1$/);
    expect(await page.locator('.usa-alert').textContent()).toContain('You have signed out');

    // The old cookie, replayed, no longer opens the page: sign-out revoked the session row.
    const replay = await fetch(`${base}/account`, {
      headers: { cookie: `gc_session=${session.value}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/sign-in?next=%2Faccount');
    await context.close();
  });

  it('refuses a form sent without its CSRF token, or with another browser’s, and changes nothing', async () => {
    const user = await createUser(t);
    const noToken = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ email: user.email, password: user.password }).toString(),
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain('This form has expired');
    expect(noToken.headers.get('set-cookie') ?? '').not.toContain('gc_session=');

    // A token from one browser's page with another browser's CSRF cookie.
    const page1 = await fetch(`${base}/sign-in`);
    const token1 = /name="_csrf" value="([^"]+)"/.exec(await page1.text())![1];
    const page2 = await fetch(`${base}/sign-in`);
    const cookie2 = page2.headers.get('set-cookie')!.split(';')[0];
    const crossed = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie2 },
      body: new URLSearchParams({
        _csrf: token1,
        email: user.email,
        password: user.password,
      }).toString(),
      redirect: 'manual',
    });
    expect(crossed.status).toBe(403);
    expect(crossed.headers.get('set-cookie') ?? '').not.toContain('gc_session=');
  });

  it('sends pages with a policy that allows no inline script, and assets cached for a year, compressed', async () => {
    const home = await fetch(`${base}/mo-dese`);
    const csp = home.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await home.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);

    const css = /href="(\/assets\/uswds\/[^"]+\.css)"/.exec(html)![1];
    const asset = await fetch(`${base}${css}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('br');

    const outside = await fetch(`${base}${css.replace('css/uswds.min.css', '../package.json')}`);
    expect(outside.status).toBe(404);
  });

  it("keeps the pages' hooks on the pages: the API answers with its own policy and ignores form tokens", async () => {
    const api = await fetch(`${base}/api/v1/agencies/mo-dese/profile`, {
      headers: { cookie: 'gc_csrf=forged; gc_session=forged' },
    });
    expect(api.status).toBe(200);
    expect(api.headers.get('content-security-policy')).toContain("'unsafe-inline'");
    expect(api.headers.get('set-cookie')).toBeNull();

    // A page POST without its form token never reaches the handler, and gets the page policy.
    const post = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'email=a%40b.example&password=x',
      redirect: 'manual',
    });
    expect(post.status).toBe(403);
    expect(post.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(await post.text()).toContain('<html');
  });

  it('weighs under 150 KB compressed on a first visit', async () => {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    let bytes = 0;
    page.on('response', (response) => {
      void response
        .request()
        .sizes()
        .then((sizes) => (bytes += sizes.responseBodySize));
    });
    await page.goto('/mo-dese', { waitUntil: 'networkidle' });
    await page.waitForTimeout(0);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(150 * 1024);
    await context.close();
  });
});

describe('web sign-in limits', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await bootTestApp({ RATE_LIMIT_AUTH_PER_IP: '2' });
    base = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts the sign-in form with the API sign-in routes per client address, and says so on a page', async () => {
    const post = () =>
      fetch(`${base}/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: 'email=a%40example.org&password=x',
        redirect: 'manual',
      });
    await post();
    await post();
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.text()).toContain('Too many requests');
  });
});
