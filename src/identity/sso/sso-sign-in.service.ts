import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { generators } from 'openid-client';
import { AgencyDirectory } from '../../agencies/agency-directory';
import type { SsoProviderConfig } from '../../agencies/sso-config';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { NotFoundError } from '../../core/errors/domain-error';
import { AgencyTransactions } from '../accounts/agency-transactions';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import { SessionService, WebTicket } from '../auth/session.service';
import { MfaSignIn } from '../mfa/mfa-sign-in.service';
import { AgencyMembership } from '../entities/agency-membership.entity';
import { SsoSignInFlow } from '../entities/sso-sign-in-flow.entity';
import { User } from '../entities/user.entity';
import { UserIdentity } from '../entities/user-identity.entity';
import {
  admit,
  emailFrom,
  ProviderClaims,
  secondFactorAt,
  SsoRefusal,
  StaffStanding,
} from './sso-admission-rules';
import { SsoFlowFailure, SsoSignInRefusedError } from './sso.errors';
import { SsoProviders } from './sso-providers';

/** How long a person may take at the provider before the flow (state, nonce) lapses. */
export const SSO_FLOW_SECONDS = 600;

const INSERT_FLOW = sql(
  'identity.sso-flow-insert',
  `INSERT INTO sso_sign_in_flows
     (agency_id, provider_id, state_hash, nonce, code_verifier, browser_hash, return_to, expires_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
);
/**
 * Flows abandoned at the provider, removed as the next sign-in starts: the table holds about ten
 * minutes of sign-ins, so no schedule is needed to keep it small.
 */
const PRUNE_FLOWS = sql(
  'identity.sso-flows-prune',
  `DELETE FROM sso_sign_in_flows WHERE agency_id = $1 AND expires_at < $2`,
);
/** Deleted as it is read: a state works once, whatever happens next. */
const TAKE_FLOW = entitySql(
  'identity.sso-flow-take',
  SsoSignInFlow,
  'f',
  `DELETE FROM sso_sign_in_flows f WHERE f.agency_id = $1 AND f.state_hash = $2 RETURNING {columns}`,
  {
    pick: ['providerId', 'nonce', 'codeVerifier', 'browserHash', 'returnTo', 'expiresAt'],
  },
);
const LINKED_USER = entitySql(
  'identity.sso-identity-by-subject',
  UserIdentity,
  'ui',
  `SELECT {columns} FROM user_identities ui
    WHERE ui.agency_id = $1 AND ui.provider_id = $2 AND ui.subject = $3`,
  { pick: ['userId'] },
);
const USER_BY_EMAIL = entitySql(
  'identity.sso-user-by-email',
  User,
  'u',
  `SELECT {columns} FROM users u WHERE u.email = $1`,
  { pick: ['id', 'email', 'platformAdmin', 'emailVerifiedAt', 'locale'] },
);
const USER_BY_ID = entitySql(
  'identity.sso-user-by-id',
  User,
  'u',
  `SELECT {columns} FROM users u WHERE u.id = $1`,
  { pick: ['id', 'email', 'platformAdmin', 'emailVerifiedAt', 'locale'] },
);
const STAFF_STANDING = entitySql(
  'identity.sso-staff-standing',
  AgencyMembership,
  'm',
  `SELECT {columns} FROM agency_memberships m WHERE m.agency_id = $1 AND m.user_id = $2`,
  { pick: ['status'] },
);
// A person has one link per provider: a new subject for the same account replaces the old one.
const LINK = sql(
  'identity.sso-identity-link',
  `INSERT INTO user_identities (agency_id, provider_id, subject, user_id, email, last_used_at)
   VALUES ($1, $2, $3, $4, $5, now())
   ON CONFLICT (agency_id, provider_id, user_id)
   DO UPDATE SET subject = EXCLUDED.subject, email = EXCLUDED.email, last_used_at = now()`,
);
const TOUCH = sql(
  'identity.sso-identity-touch',
  `UPDATE user_identities SET last_used_at = now()
    WHERE agency_id = $1 AND provider_id = $2 AND subject = $3`,
);
// Just in time: the provider proved the address, so the account starts verified, no password.
const CREATE_USER = sql<Pick<User, 'id'>>(
  'identity.sso-user-create',
  `INSERT INTO users (email, name, email_verified_at) VALUES ($1, $2, now())
   ON CONFLICT (email) DO NOTHING RETURNING id`,
);
/**
 * An account whose address was never confirmed may have been opened by someone else with the
 * owner's address (pre-account takeover): when the provider proves the address, the owner takes
 * the account over and the stranger's password stops working.
 */
const CLAIM_UNVERIFIED = sql(
  'identity.sso-user-claim-unverified',
  `UPDATE users SET password_hash = NULL, email_verified_at = now(), updated_at = now()
    WHERE id = $1 AND email_verified_at IS NULL`,
);

export interface SsoStart {
  /** The provider's authorization URL to send the browser to. */
  url: string;
  /** The flow cookie's value: only this browser can finish the sign-in. */
  browserToken: string;
}

export interface SsoSignIn extends WebTicket {
  locale: string | null;
  returnTo: string | null;
}

type Person = ReturnType<typeof USER_BY_ID.shape>[number];

/**
 * Sign-in through an agency's OpenID Connect provider (issue 16): authorization code flow with
 * PKCE, state and nonce kept on the server, ID token checked by openid-client (issuer,
 * audience, expiry, nonce, signature with the pinned algorithm), then the admission rules
 * (sso-admission-rules.ts). Like the password sign-in it draws its own transactions: none is
 * open while the provider is called, and a refusal is audited even though nothing else is
 * written.
 */
@Injectable()
export class SsoSignInService {
  private readonly logger = new Logger('SingleSignOn');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly providers: SsoProviders,
    private readonly agencies: AgencyDirectory,
    private readonly inAgency: AgencyTransactions,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly mfa: MfaSignIn,
  ) {}

  /** The agency's provider as offered now, or 404 (unknown, disabled, no secret). */
  provider(agencyCode: string, providerId: string): { agencyId: string; sso: SsoProviderConfig } {
    const agency = this.agencies.findByCode(agencyCode);
    const sso = agency && this.providers.find(agency.agencyId, providerId);
    if (!agency || !sso) throw new NotFoundError('sign-in provider', 'auth.sso_provider_not_found');
    return { agencyId: agency.agencyId, sso };
  }

  async start(agencyCode: string, providerId: string, returnTo?: string): Promise<SsoStart> {
    const { agencyId, sso } = this.provider(agencyCode, providerId);
    const client = await this.providers.client(agencyId, sso);
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    const browserToken = newSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + SSO_FLOW_SECONDS * 1000);
    await this.inAgency.run(agencyCode, async () => {
      await sqlRows(this.txHost.tx, PRUNE_FLOWS, [agencyId, this.clock.now()]);
      await sqlRows(this.txHost.tx, INSERT_FLOW, [
        agencyId,
        sso.id,
        hashSecretToken(state),
        nonce,
        codeVerifier,
        hashSecretToken(browserToken),
        returnTo ?? null,
        expiresAt,
      ]);
    });
    const url = client.authorizationUrl({
      redirect_uri: this.providers.redirectUri(agencyCode, sso.id),
      scope: sso.scopes.join(' '),
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      // When the agency trusts the provider's word on a second factor, ask for it in the ID
      // token (OIDC Core 5.5): most providers send amr unasked; the others then do.
      ...(sso.trustAmr ? { claims: { id_token: { amr: null, acr: null, auth_time: null } } } : {}),
    });
    return { url, browserToken };
  }

  /**
   * The provider's answer at the callback. `params` is the callback's query; `browserToken` the
   * flow cookie. Throws SsoSignInRefusedError (audited) when it ends without a session.
   */
  async finish(
    agencyCode: string,
    providerId: string,
    params: Record<string, string>,
    browserToken: string | undefined,
    userAgent?: string,
  ): Promise<SsoSignIn> {
    const { agencyId, sso } = this.provider(agencyCode, providerId);
    const refuse = async (
      reason: SsoRefusal | SsoFlowFailure,
      detail: Record<string, unknown> = {},
    ): Promise<never> => {
      await this.audit.recordIndependently({
        agencyId,
        action: 'auth.sso_refused',
        entityType: 'sso_provider',
        entityId: sso.id,
        actorUserId: detail.userId as string | undefined,
        after: { provider: sso.id, reason, ...detail },
      });
      throw new SsoSignInRefusedError(reason);
    };

    const state = typeof params.state === 'string' ? params.state : '';
    const [flow] = state
      ? await this.inAgency.run(agencyCode, () =>
          sqlRows(this.txHost.tx, TAKE_FLOW, [agencyId, hashSecretToken(state)]),
        )
      : [];
    if (!flow) return refuse('state_unknown');
    if (flow.providerId !== sso.id) return refuse('state_other_provider');
    if (!browserToken || hashSecretToken(browserToken) !== flow.browserHash) {
      return refuse('state_other_browser');
    }
    if (flow.expiresAt.getTime() <= this.clock.now().getTime()) return refuse('state_expired');
    if (params.error)
      return refuse('provider_error', { error: String(params.error).slice(0, 100) });

    const client = await this.providers.client(agencyId, sso);
    let claims: ProviderClaims;
    try {
      const tokens = await client.callback(this.providers.redirectUri(agencyCode, sso.id), params, {
        state,
        nonce: flow.nonce,
        code_verifier: flow.codeVerifier,
        response_type: 'code',
      });
      claims = tokens.claims();
    } catch (error) {
      this.logger.warn({ provider: sso.id, err: error }, 'the provider answer was refused');
      return refuse('id_token_invalid', { error: (error as Error).message.slice(0, 200) });
    }
    const subject = String(claims.sub);
    // OpenID Connect caps `sub` at 255 ASCII characters; a longer one is not a subject we store.
    if (subject.length > 255) return refuse('id_token_invalid', { error: 'sub too long' });
    const vouched = emailFrom(sso, claims);
    if ('refused' in vouched) return refuse(vouched.refused, { subject });
    const email = vouched.email;
    const secondFactor = secondFactorAt(sso, claims);

    const outcome = await this.inAgency.run(agencyCode, async () => {
      const [linked] = await sqlRows(this.txHost.tx, LINKED_USER, [agencyId, sso.id, subject]);
      const [byEmail]: (Person | undefined)[] = linked
        ? []
        : await sqlRows(this.txHost.tx, USER_BY_EMAIL, [email]);
      const known: Person | undefined = linked
        ? (await sqlRows(this.txHost.tx, USER_BY_ID, [linked.userId]))[0]
        : byEmail;
      const staff = known ? await this.staffStanding(agencyId, known.id) : 'none';
      const decision = admit(sso, {
        linkedUserId: linked?.userId,
        userByEmailId: byEmail?.id,
        staff,
        platformAdmin: known?.platformAdmin,
      });
      if (decision.kind === 'refuse') return { refused: decision.reason, userId: known?.id };
      const person = decision.kind === 'create' ? await this.create(email, claims) : known;
      if (!person) throw new Error('an admitted person has an account');
      if (decision.kind === 'create' || decision.link) {
        await this.link(agencyId, sso, subject, person, email, decision.kind === 'create');
      } else {
        await sqlRows(this.txHost.tx, TOUCH, [agencyId, sso.id, subject]);
      }
      // A role that must use a second factor, signing in through a provider whose MFA the
      // agency does not trust: the code (or enrolment) page next, as after a password. The
      // link above is kept; the session starts when the code is right (oidc + otp).
      const user = { id: person.id, email: person.email, platformAdmin: person.platformAdmin };
      const step = secondFactor ? 'none' : await this.mfa.nextStep(user);
      if (step !== 'none') {
        return {
          secondStep: await this.mfa.challenge(
            { ...user, locale: person.locale },
            step,
            'web',
            'oidc',
          ),
        };
      }
      const ticket = await this.startSession(person, secondFactor, userAgent);
      await this.audit.record({
        action: 'auth.sso_signed_in',
        entityType: 'session',
        entityId: ticket.sessionId,
        after: {
          userId: person.id,
          provider: sso.id,
          secondFactorAt: secondFactor?.toISOString() ?? null,
        },
      });
      return { ticket, person };
    });
    if ('refused' in outcome) {
      return refuse(outcome.refused!, { subject, userId: outcome.userId });
    }
    if ('secondStep' in outcome) throw outcome.secondStep as Error;
    return { ...outcome.ticket, locale: outcome.person.locale, returnTo: flow.returnTo };
  }

  /**
   * The web session, recording how the person authenticated: `oidc`, single-factor, unless the
   * provider's amr/acr says a second factor was used and the agency trusts it (secondFactorAt is
   * set only then, see secondFactorAt()); then also `mfa` (RFC 8176), with when it happened.
   */
  private startSession(
    person: Person,
    secondFactorAt: Date | undefined,
    userAgent: string | undefined,
  ): Promise<WebTicket> {
    return this.sessions.startWeb(
      { id: person.id, email: person.email, platformAdmin: person.platformAdmin },
      { ip: this.context.ip, userAgent },
      secondFactorAt ? { methods: ['oidc', 'mfa'], secondFactorAt } : { methods: ['oidc'] },
    );
  }

  private async staffStanding(agencyId: string, userId: string): Promise<StaffStanding> {
    const [membership] = await sqlRows(this.txHost.tx, STAFF_STANDING, [agencyId, userId]);
    return membership?.status ?? 'none';
  }

  private async create(email: string, claims: ProviderClaims): Promise<Person> {
    const name =
      typeof claims.name === 'string' && claims.name.trim()
        ? claims.name.trim().slice(0, 200)
        : email.slice(0, email.indexOf('@'));
    const [created] = await sqlRows(this.txHost.tx, CREATE_USER, [email, name]);
    if (!created) {
      // Someone signed up with the address a moment ago: the transaction retries nothing, so
      // the person simply tries again and is linked to that account by the usual rule.
      throw new SsoSignInRefusedError('state_unknown');
    }
    await this.audit.record({
      action: 'user.created_by_sso',
      entityType: 'user',
      entityId: created.id,
      after: { email, name },
    });
    return {
      id: created.id,
      email,
      platformAdmin: false,
      emailVerifiedAt: new Date(),
      locale: null,
    };
  }

  private async link(
    agencyId: string,
    sso: SsoProviderConfig,
    subject: string,
    person: Person,
    email: string,
    created: boolean,
  ): Promise<void> {
    if (!created && person.emailVerifiedAt === null) {
      await sqlRows(this.txHost.tx, CLAIM_UNVERIFIED, [person.id]);
    }
    await sqlRows(this.txHost.tx, LINK, [agencyId, sso.id, subject, person.id, email]);
    await this.audit.record({
      action: 'auth.sso_linked',
      entityType: 'user',
      entityId: person.id,
      after: {
        provider: sso.id,
        subject,
        email,
        passwordRemoved: !created && person.emailVerifiedAt === null,
      },
    });
  }
}
