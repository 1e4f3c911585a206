import { PATH_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, DiscoveryService } from '@nestjs/core';
import { AuthenticationGuard } from '../src/core/access/authentication.guard';
import {
  agencyId,
  asAgencyOwner,
  grantAgencyRoles,
  grantOrganizationRoles,
  signedInStaff,
  signedInUser,
  SignedIn,
} from './factories/identity';
import { createProgram, publishProgram } from './factories/grants';
import { connect } from './support/database';
import { useTestApp } from './support/use-test-app';

const claimsOf = (s: SignedIn) =>
  JSON.parse(Buffer.from(s.token.split('.')[1], 'base64url').toString()) as {
    sub: string;
    sid: string;
  };

/**
 * The request's first statement: BEGIN, the tenant and the caller's grants in one round trip,
 * through the request_access_* functions (as the app role, RLS applies).
 */
describe('request access: tenant and grants in the first statement', () => {
  const t = useTestApp();
  let officer: SignedIn;
  let mo: string;
  let ks: string;

  beforeAll(async () => {
    officer = await signedInStaff(t, 'mo-dese', ['program_officer']);
    mo = await agencyId(t, 'mo-dese');
    ks = await agencyId(t, 'ks-ksde');
  });

  it('runs each request through one guard and no interceptor (no pass-throughs)', () => {
    const config = t.app.get(ApplicationConfig);
    expect(config.getGlobalGuards().map((g) => g.constructor)).toEqual([AuthenticationGuard]);
    // The transaction and idempotency run in the wrapped handlers (request-pipeline.ts).
    expect(config.getGlobalInterceptors()).toEqual([]);
  });

  it('wraps every route handler once at boot, keeping all its metadata', () => {
    let routes = 0;
    for (const controller of t.app.get(DiscoveryService).getControllers()) {
      const instance = controller.instance as Record<string, object>;
      const prototype = Object.getPrototypeOf(instance) as Record<string, object>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const original = prototype[name];
        // The class carries the controller's own path: not a route.
        if (
          name === 'constructor' ||
          typeof original !== 'function' ||
          !Reflect.hasMetadata(PATH_METADATA, original)
        )
          continue;
        routes++;
        const wrapped = instance[name];
        expect(Object.prototype.hasOwnProperty.call(instance, name)).toBe(true);
        expect(wrapped).not.toBe(original);
        for (const key of Reflect.getMetadataKeys(original)) {
          expect(Reflect.getMetadata(key, wrapped)).toBe(Reflect.getMetadata(key, original));
        }
      }
    }
    expect(routes).toBeGreaterThan(50);
  });

  it('sets the agency for the transaction only, and returns the live session’s roles there', async () => {
    const { sub, sid } = claimsOf(officer);
    await grantAgencyRoles(t, 'ks-ksde', sub, ['reviewer']);
    const app = await connect(t.db.appUrl);
    try {
      await app.query('BEGIN');
      const { rows } = await app.query(`SELECT * FROM request_access_in_agency($1, $2, $3)`, [
        mo,
        sid,
        sub,
      ]);
      expect(rows).toEqual([
        { platformAdmin: false, agencyRoles: ['program_officer'], organizationRoles: {} },
      ]);
      const seen = await app.query(
        `SELECT current_setting('app.agency_id') AS agency,
                (SELECT array_agg(DISTINCT agency_id) FROM agency_memberships) AS visible`,
      );
      expect(seen.rows[0]).toEqual({ agency: mo, visible: [mo] });
      await app.query('COMMIT');
      // Transaction-local: nothing is left on the pooled connection.
      const after = await app.query(`SELECT current_setting('app.agency_id', true) AS agency`);
      expect(after.rows[0].agency ?? '').toBe('');

      // Another agency in the next transaction sees its own roles only.
      await app.query('BEGIN');
      const other = await app.query(`SELECT * FROM request_access_in_agency($1, $2, $3)`, [
        ks,
        sid,
        sub,
      ]);
      expect(other.rows[0].agencyRoles).toEqual(['reviewer']);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('returns no grants for an ended session or a session of someone else, but still sets the agency', async () => {
    const ended = await signedInStaff(t, 'mo-dese', ['reviewer']);
    const { sub, sid } = claimsOf(ended);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: ended.token })).status,
    ).toBe(204);
    const app = await connect(t.db.appUrl);
    try {
      await app.query('BEGIN');
      const revoked = await app.query(`SELECT * FROM request_access_in_agency($1, $2, $3)`, [
        mo,
        sid,
        sub,
      ]);
      expect(revoked.rows).toEqual([]);
      const setting = await app.query(`SELECT current_setting('app.agency_id') AS agency`);
      expect(setting.rows[0].agency).toBe(mo);
      const stolen = await app.query(`SELECT * FROM request_access_in_agency($1, $2, $3)`, [
        mo,
        claimsOf(officer).sid,
        sub,
      ]);
      expect(stolen.rows).toEqual([]);
      await app.query('ROLLBACK');

      await app.query('BEGIN');
      const outside = await app.query(`SELECT * FROM request_access_outside_agency($1, $2)`, [
        sid,
        sub,
      ]);
      expect(outside.rows).toEqual([]);
      const user = await app.query(`SELECT current_setting('app.user_id', true) AS "user"`);
      expect(user.rows[0].user ?? '').toBe('');
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('counts organization roles only where the organization is active, or pending and registered by the caller', async () => {
    const member = await signedInUser(t);
    const { sub, sid } = claimsOf(member);
    const organization = (status: string, registeredBy: string | null) =>
      asAgencyOwner(t, 'mo-dese', async (client, id) => {
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO organizations (agency_id, legal_name, type, status, address, registered_by)
           VALUES ($1, $2, 'lea', $3, '{}'::jsonb, $4) RETURNING id`,
          [id, `Access ${status} ${Math.random()}`, status, registeredBy],
        );
        return rows[0].id;
      });
    const active = await organization('active', null);
    const ownPending = await organization('pending', sub);
    const othersPending = await organization('pending', claimsOf(officer).sub);
    const inactive = await organization('inactive', null);
    const rejected = await organization('rejected', sub);
    for (const id of [active, ownPending, othersPending, inactive, rejected])
      await grantOrganizationRoles(t, 'mo-dese', id, sub, ['org_admin']);

    const app = await connect(t.db.appUrl);
    try {
      await app.query('BEGIN');
      const { rows } = await app.query(`SELECT * FROM request_access_in_agency($1, $2, $3)`, [
        mo,
        sid,
        sub,
      ]);
      expect(rows).toEqual([
        {
          platformAdmin: false,
          agencyRoles: [],
          organizationRoles: { [active]: ['org_admin'], [ownPending]: ['org_admin'] },
        },
      ]);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('outside agencies sets app.user_id for a live session only, for the transaction', async () => {
    const { sub, sid } = claimsOf(officer);
    const app = await connect(t.db.appUrl);
    try {
      await app.query('BEGIN');
      const { rows } = await app.query(`SELECT * FROM request_access_outside_agency($1, $2)`, [
        sid,
        sub,
      ]);
      expect(rows).toEqual([{ platformAdmin: false }]);
      const own = await app.query('SELECT DISTINCT user_id FROM agency_memberships');
      expect(own.rows).toEqual([{ user_id: sub }]);
      await app.query('COMMIT');
      const after = await app.query(`SELECT current_setting('app.user_id', true) AS "user"`);
      expect(after.rows[0].user ?? '').toBe('');
    } finally {
      await app.end();
    }
  });

  it('gives every verdict through the one-round-trip access statement, again and again', async () => {
    // Sequential requests reuse pooled connections: PL/pgSQL's cached plans on a connection
    // must not carry one caller's or one agency's answer over to the next.
    const ended = await signedInStaff(t, 'mo-dese', ['reviewer']);
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: ended.token });
    const kansan = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    const admin = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const staff = '/api/v1/agencies/mo-dese/staff';
    for (let i = 0; i < 12; i++) {
      const own = await t.request({ method: 'GET', url: staff, token: admin.token });
      expect(own.status).toBe(200);
      const forbidden = await t.request({ method: 'GET', url: staff, token: officer.token });
      expect([forbidden.status, forbidden.json().code]).toEqual([403, 'auth.forbidden']);
      const foreign = await t.request({ method: 'GET', url: staff, token: kansan.token });
      expect([foreign.status, foreign.json().code]).toEqual([404, 'agency.not_found']);
      const gone = await t.request({ method: 'GET', url: staff, token: ended.token });
      expect([gone.status, gone.json().code]).toEqual([401, 'auth.session_ended']);
      const me = await t.request({ method: 'GET', url: '/api/v1/me', token: kansan.token });
      expect(me.status).toBe(200);
      expect(JSON.stringify(me.json())).toContain('ks-ksde');
      const meEnded = await t.request({ method: 'GET', url: '/api/v1/me', token: ended.token });
      expect(meEnded.json().code).toBe('auth.session_ended');
    }
  });

  it('serves a public agency route its agency’s data to anonymous, ended and outside callers alike', async () => {
    const program = await createProgram(t, 'mo-dese', officer, {
      title: 'Request Access Literacy',
      fiscalYear: 2029,
    });
    await publishProgram(t, 'mo-dese', officer, program.id);
    const ended = await signedInStaff(t, 'mo-dese', ['reviewer']);
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: ended.token });
    const outsider = await signedInUser(t);
    const url = '/api/v1/agencies/mo-dese/programs/published?fiscalYear=2029';
    for (const token of [undefined, ended.token, outsider.token, officer.token]) {
      const res = await t.request({ method: 'GET', url, token });
      expect(res.status).toBe(200);
      expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([program.id]);
    }
    // The same caller with the same token on another agency's path sees that agency's only.
    const kansas = await t.request({
      method: 'GET',
      url: '/api/v1/agencies/ks-ksde/programs/published?fiscalYear=2029',
      token: officer.token,
    });
    expect(kansas.json().items).toEqual([]);
  });
});
