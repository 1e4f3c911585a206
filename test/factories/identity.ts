import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from '../../src/core/access/access.decorators';
import { hash, type Options } from '@node-rs/argon2';
import { ARGON2_OPTIONS, PasswordHasher } from '../../src/identity/auth/password-hasher';
import { hashSecretToken, newSecretToken } from '../../src/identity/auth/secret-token';
import { TOTP_STEP_SECONDS, totpCodeAt } from '../../src/identity/mfa/totp';
import type { TestApp } from '../support/test-app';

/**
 * Identity test data in one line. Writes go straight to the database as the OWNER role (with
 * app.agency_id set for tenant tables, since RLS is forced even for the owner): fast setup that
 * does not depend on the API under test. Logging in goes through the real HTTP endpoint.
 */

export const DEFAULT_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface SignedIn {
  user: TestUser;
  token: string;
  refreshToken: string;
}

const pools = new WeakMap<TestApp, Pool>();
const hashes = new Map<string, Promise<string>>();
const agencyIds = new Map<string, string>();

/** The owner-role pool of this test app's database (closed when the database is dropped). */
export function ownerPool(t: TestApp): Pool {
  let pool = pools.get(t);
  if (!pool) {
    pool = new Pool({
      connectionString: t.db.ownerUrl,
      max: 3,
      idleTimeoutMillis: 500,
      allowExitOnIdle: true,
    });
    pool.on('error', () => undefined); // the database is dropped under idle clients at the end
    pools.set(t, pool);
  }
  return pool;
}

/** Runs `work` in one owner transaction with the agency set, as tenant tables require. */
export async function asAgencyOwner<R>(
  t: TestApp,
  agencyCode: string,
  work: (client: PoolClient, agencyId: string) => Promise<R>,
): Promise<R> {
  const id = await agencyId(t, agencyCode);
  const client = await ownerPool(t).connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.agency_id', $1, true)`, [id]);
    const result = await work(client, id);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export async function agencyId(t: TestApp, agencyCode: string): Promise<string> {
  const key = `${t.db.name}/${agencyCode}`;
  const cached = agencyIds.get(key);
  if (cached) return cached;
  const { rows } = await ownerPool(t).query<{ id: string }>(
    'SELECT id FROM agencies WHERE code = $1',
    [agencyCode],
  );
  if (!rows[0]) throw new Error(`no agency ${agencyCode} in the test database`);
  agencyIds.set(key, rows[0].id);
  return rows[0].id;
}

/**
 * Test users' passwords are argon2id at a tiny cost (64 KiB, one pass): the app verifies with the
 * parameters stored in the hash, and the suite signs test users in thousands of times, each a
 * 19 MiB, two-pass verification at production's cost. What the app itself writes keeps
 * production's parameters (ARGON2_OPTIONS; auth.e2e-spec checks a hash the app wrote).
 */
const TEST_USER_ARGON2: Options = { ...ARGON2_OPTIONS, memoryCost: 64, timeCost: 1 };

export function passwordHash(password: string): Promise<string> {
  let stored = hashes.get(password);
  if (!stored) {
    stored = hash(password, TEST_USER_ARGON2);
    hashes.set(password, stored);
  }
  return stored;
}

export async function createUser(
  t: TestApp,
  options: {
    email?: string;
    password?: string | null;
    name?: string;
    platformAdmin?: boolean;
    /** Hashed by the app's PasswordHasher (production's parameters), not at the test cost. */
    hashedByApp?: boolean;
  } = {},
): Promise<TestUser> {
  const email = (options.email ?? `user-${randomUUID().slice(0, 8)}@example.org`).toLowerCase();
  const password = options.password === undefined ? DEFAULT_PASSWORD : options.password;
  const hashOf = (plain: string) =>
    options.hashedByApp ? t.app.get(PasswordHasher).hash(plain) : passwordHash(plain);
  const { rows } = await ownerPool(t).query<{ id: string }>(
    `INSERT INTO users (email, name, password_hash, platform_admin) VALUES ($1, $2, $3, $4)
     RETURNING id`,
    [
      email,
      options.name ?? `Test ${email.split('@')[0]}`,
      password === null ? null : await hashOf(password),
      options.platformAdmin ?? false,
    ],
  );
  return { id: rows[0].id, email, password: password ?? '' };
}

export async function grantAgencyRoles(
  t: TestApp,
  agencyCode: string,
  userId: string,
  roles: string[],
): Promise<void> {
  await asAgencyOwner(t, agencyCode, (client, id) =>
    client.query(
      `INSERT INTO agency_memberships (agency_id, user_id, roles) VALUES ($1, $2, $3)
       ON CONFLICT (agency_id, user_id) DO UPDATE SET roles = EXCLUDED.roles, status = 'active'`,
      [id, userId, roles],
    ),
  );
}

export async function grantOrganizationRoles(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  userId: string,
  roles: string[],
): Promise<void> {
  await asAgencyOwner(t, agencyCode, (client, id) =>
    client.query(
      `INSERT INTO organization_memberships (agency_id, organization_id, user_id, roles)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (agency_id, organization_id, user_id)
       DO UPDATE SET roles = EXCLUDED.roles, status = 'active'`,
      [id, organizationId, userId, roles],
    ),
  );
}

/**
 * A minimal active applicant organization, enough for organization memberships to point at
 * (the organizations module's own factory, when it exists, builds realistic ones).
 */
export async function createTestOrganization(t: TestApp, agencyCode: string): Promise<string> {
  return asAgencyOwner(t, agencyCode, async (client, id) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO organizations (agency_id, legal_name, type, status, address)
       VALUES ($1, $2, 'lea', 'active', '{}'::jsonb) RETURNING id`,
      [id, `Test District ${randomUUID().slice(0, 8)}`],
    );
    return rows[0].id;
  });
}

/** An open invitation for the user; returns the secret an invitation email would carry. */
export async function createInvitation(t: TestApp, userId: string): Promise<string> {
  const token = newSecretToken();
  await ownerPool(t).query(
    `INSERT INTO user_invitations (user_id, token_hash, expires_at)
     VALUES ($1, $2, now() + interval '7 days')`,
    [userId, hashSecretToken(token)],
  );
  return token;
}

/** Test users' TOTP secrets (by email) and the last time step a code was made for. */
const authenticators = new Map<string, { secret: string; lastStep: number }>();
const STEP_MS = TOTP_STEP_SECONDS * 1000;

/** The user's TOTP secret, once the factory (or a test through rememberTotpSecret) enrolled them. */
export function totpSecretOf(email: string): string | undefined {
  return authenticators.get(email.toLowerCase())?.secret;
}

export function rememberTotpSecret(email: string, secret: string): void {
  authenticators.set(email.toLowerCase(), { secret, lastStep: 0 });
}

/** How long a code must stay valid after it is made: the request may reach a busy server late. */
const CODE_MARGIN_MS = 10_000;

/**
 * A code the server has not seen yet, computed from the secret (no waiting): for a time step
 * after the last one used, within the one-step window either side of now. The server takes a
 * code for step s while its own clock is in steps s-1..s+1, so a step that leaves the window
 * within CODE_MARGIN_MS is skipped when a later one is unused (a code for the previous step made
 * at the end of the current one failed on a busy machine).
 */
export function freshTotpCode(email: string): string {
  const entry = authenticators.get(email.toLowerCase());
  if (!entry) throw new Error(`no TOTP secret known for ${email}`);
  const at = Date.now();
  const now = Math.floor(at / STEP_MS);
  const unused = [now - 1, now, now + 1].filter((s) => s > entry.lastStep);
  const step = unused.find((s) => (s + 2) * STEP_MS - at > CODE_MARGIN_MS) ?? unused[0];
  if (step === undefined) throw new Error(`no unused TOTP step left for ${email} right now`);
  entry.lastStep = step;
  return totpCodeAt(entry.secret, step * STEP_MS);
}

/**
 * Signs in through the real endpoints. A person with a second factor gives a fresh code; one
 * whose role needs a factor and has none enrols (the secret is remembered for later codes).
 */
export async function login(t: TestApp, email: string, password: string): Promise<Tokens> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  if (res.status === 200) return res.json<Tokens>();
  const problem = res.json<{ code?: string; challengeToken?: string }>();
  if (problem.code === 'auth.mfa_enrolment_required') {
    const challengeToken = problem.challengeToken!;
    const started = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment',
      payload: { challengeToken },
    });
    if (started.status !== 200) throw new Error(`enrolment of ${email}: ${started.body}`);
    rememberTotpSecret(email, started.json<{ secret: string }>().secret);
    const confirmed = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment/confirm',
      payload: { challengeToken, code: freshTotpCode(email) },
    });
    if (confirmed.status !== 200) throw new Error(`enrolment of ${email}: ${confirmed.body}`);
    return confirmed.json<Tokens>();
  }
  if (problem.code === 'auth.mfa_required' && totpSecretOf(email)) {
    const verified = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { challengeToken: problem.challengeToken, code: freshTotpCode(email) },
    });
    if (verified.status === 200) return verified.json<Tokens>();
    throw new Error(`second factor of ${email} failed: ${verified.status} ${verified.body}`);
  }
  throw new Error(`login of ${email} failed: ${res.status} ${res.body}`);
}

/** A fresh access token for the session after a second factor now (step-up for money). */
export async function stepUp(t: TestApp, signedIn: SignedIn): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/auth/step-up',
    headers: { authorization: `Bearer ${signedIn.token}` },
    payload: { code: freshTotpCode(signedIn.user.email) },
  });
  if (res.status !== 200) throw new Error(`step-up failed: ${res.status} ${res.body}`);
  signedIn.token = res.json<{ accessToken: string }>().accessToken;
  return signedIn.token;
}

async function signIn(t: TestApp, user: TestUser): Promise<SignedIn> {
  const tokens = await login(t, user.email, user.password);
  return { user, token: tokens.accessToken, refreshToken: tokens.refreshToken };
}

/** A new user with these agency roles, signed in. */
export async function signedInStaff(
  t: TestApp,
  agencyCode: string,
  roles: string[],
): Promise<SignedIn> {
  const user = await createUser(t);
  await grantAgencyRoles(t, agencyCode, user.id, roles);
  return signIn(t, user);
}

/** A new user with these roles in one organization of the agency, signed in. */
export async function signedInOrganizationMember(
  t: TestApp,
  agencyCode: string,
  organizationId: string,
  roles: string[],
): Promise<SignedIn> {
  const user = await createUser(t);
  await grantOrganizationRoles(t, agencyCode, organizationId, user.id, roles);
  return signIn(t, user);
}

export async function signedInPlatformAdmin(t: TestApp): Promise<SignedIn> {
  return signIn(t, await createUser(t, { platformAdmin: true }));
}

/** A signed-in user with no membership anywhere. */
export async function signedInUser(t: TestApp): Promise<SignedIn> {
  return signIn(t, await createUser(t));
}

export interface DiscoveredRoute {
  method: string;
  /** Full path with the global prefix, parameters as `:name`. */
  path: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  permission?: string;
}

/**
 * Every HTTP route the booted app's Nest controllers declare, with its access metadata: read
 * from the module container, so routes that other modules add later are found automatically.
 */
export function discoverRoutes(t: TestApp): DiscoveredRoute[] {
  const fastify = t.app.getHttpAdapter().getInstance();
  // The global prefix has exclusions (health probes): ask Fastify which of the two paths exists.
  const exists = (method: string, url: string) => fastify.hasRoute({ method, url });
  const controllers = new Set<Type>();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) controllers.add(wrapper.metatype as Type);
    }
  }
  return [...controllers].flatMap((controller) => routesOf(controller, exists));
}

/** The routes one controller class declares, read from Nest's decorator metadata. */
export function routesOf(
  controller: Type,
  exists: (method: string, url: string) => boolean = () => true,
): DiscoveredRoute[] {
  const reflector = new Reflector();
  const prototype = controller.prototype as Record<string, unknown>;
  const routes: DiscoveredRoute[] = [];
  for (const name of new MetadataScanner().getAllMethodNames(prototype)) {
    const handler = prototype[name] as (...args: unknown[]) => unknown;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as
      RequestMethod | undefined;
    if (requestMethod === undefined) continue;
    const targets = [handler, controller];
    const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true;
    const permission = reflector.getAllAndOverride<string | undefined>(
      REQUIRED_PERMISSION,
      targets,
    );
    const methods =
      requestMethod === RequestMethod.ALL
        ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
        : [RequestMethod[requestMethod]];
    for (const base of paths(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const sub of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
        const bare = `/${[base, sub].map(trimSlashes).filter(Boolean).join('/')}`;
        const prefixed = `/api/v1${bare === '/' ? '' : bare}`;
        for (const method of methods) {
          routes.push({
            method,
            path: exists(method, prefixed) ? prefixed : bare,
            controller: controller.name,
            handler: name,
            isPublic,
            permission,
          });
        }
      }
    }
  }
  return routes;
}

const trimSlashes = (segment: string) => segment.replace(/^\/+|\/+$/g, '');
const paths = (value: unknown): string[] =>
  Array.isArray(value) ? (value as string[]) : [typeof value === 'string' ? value : ''];
