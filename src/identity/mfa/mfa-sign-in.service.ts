import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { RequestContext } from '../../core/context/request-context';
import { DomainError } from '../../core/errors/domain-error';
import {
  AuthMethod,
  SessionService,
  SessionUser,
  TokenPair,
  WebTicket,
} from '../auth/session.service';
import {
  MfaAlreadyEnrolledError,
  MfaChallengeInvalidError,
  MfaEnrolmentRequiredError,
  MfaRequiredError,
} from '../identity.errors';
import { MfaChallenge, MfaChallengeCodec } from './mfa-challenge';
import { MfaPolicy } from './mfa-policy';
import { EnrolmentStart, SecondFactors } from './second-factors.service';

/** After the password (or a provider): nothing more, a code, or enrolment first. */
export type NextStep = 'none' | 'verify' | 'enrol';
export type SignInChannel = MfaChallenge['channel'];

/** A web sign-in's ticket and the person's saved language (the page sets its cookie from it). */
export type WebSignIn = WebTicket & { locale: string | null };

/**
 * The second step of signing in. A person with a factor always gives a code; a person whose
 * role their agency protects and who has none is sent to enrolment and gets no session until
 * enrolled. Between the steps they hold only a challenge token (MfaChallengeCodec), which no
 * other route accepts. Methods draw their own transactions (their routes are
 * @WithoutTransaction): a wrong code must still be counted and audited.
 */
@Injectable()
export class MfaSignIn {
  private readonly challenges: MfaChallengeCodec;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: SessionService,
    private readonly factors: SecondFactors,
    private readonly policy: MfaPolicy,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.challenges = new MfaChallengeCodec(
      config.auth.tokenSecret,
      config.publicAppUrl,
      config.auth.mfaChallengeTtlSeconds,
    );
  }

  /** What the person must still do after the first factor (in the caller's transaction). */
  async nextStep(user: SessionUser): Promise<NextStep> {
    const { enrolled } = await this.factors.state(user.id);
    if (enrolled) return 'verify';
    return (await this.policy.mustUseSecondFactor(user.id, user.platformAdmin)) ? 'enrol' : 'none';
  }

  /**
   * The coded refusal that carries the challenge (auth.mfa_required or
   * auth.mfa_enrolment_required), audited: the first factor passed, no session yet.
   */
  async challenge(
    user: SessionUser & { locale?: string | null },
    step: Exclude<NextStep, 'none'>,
    channel: SignInChannel,
    firstFactor: 'pwd' | 'oidc' = 'pwd',
  ): Promise<DomainError> {
    const { token, expiresAt } = await this.challenges.issue({
      userId: user.id,
      email: user.email,
      platformAdmin: user.platformAdmin,
      purpose: step,
      channel,
      locale: user.locale ?? null,
      firstFactor,
    });
    await this.audit.recordIndependently({
      action: step === 'verify' ? 'auth.mfa_challenged' : 'auth.mfa_enrolment_required',
      entityType: 'user',
      entityId: user.id,
      actorUserId: user.id,
      after: { channel, firstFactor },
    });
    return step === 'verify'
      ? new MfaRequiredError(token, expiresAt)
      : new MfaEnrolmentRequiredError(token, expiresAt);
  }

  /** Who a challenge token is for, when it is valid for this channel (web pages show it). */
  async challengeOf(token: string, channel: SignInChannel): Promise<MfaChallenge> {
    return this.challenges.verify(token, channel);
  }

  async completeApi(challengeToken: string, code: string, userAgent?: string): Promise<TokenPair> {
    const challenge = await this.expect(challengeToken, 'api', 'verify');
    const method = await this.factors.verify(challenge.userId, code);
    const started = await this.txHost.withTransaction(() =>
      this.sessions.start(
        this.userOf(challenge),
        { ip: this.context.ip, userAgent },
        {
          methods: [first(challenge), method],
          secondFactorAt: new Date(),
        },
      ),
    );
    await this.auditSignIn(challenge.userId, started.sessionId, [first(challenge), method]);
    return started.tokens;
  }

  async completeWeb(challengeToken: string, code: string, userAgent?: string): Promise<WebSignIn> {
    const challenge = await this.expect(challengeToken, 'web', 'verify');
    const method = await this.factors.verify(challenge.userId, code);
    return this.startWeb(challenge, [first(challenge), method], userAgent);
  }

  /** Enrolment at sign-in: the secret and its QR code (the same while it is pending). */
  async beginEnrolment(challengeToken: string, channel: SignInChannel): Promise<EnrolmentStart> {
    const challenge = await this.expect(challengeToken, channel, 'enrol');
    const { enrolled } = await this.txHost.withTransaction(() =>
      this.factors.state(challenge.userId),
    );
    if (enrolled) throw new MfaAlreadyEnrolledError();
    return this.factors.beginEnrolment({ id: challenge.userId, email: challenge.email });
  }

  async confirmEnrolmentApi(
    challengeToken: string,
    code: string,
    userAgent?: string,
  ): Promise<{ recoveryCodes: string[]; tokens: TokenPair }> {
    const challenge = await this.expect(challengeToken, 'api', 'enrol');
    const recoveryCodes = await this.factors.confirmEnrolment(challenge.userId, code);
    const started = await this.txHost.withTransaction(() =>
      this.sessions.start(
        this.userOf(challenge),
        { ip: this.context.ip, userAgent },
        {
          methods: [first(challenge), 'otp'],
          secondFactorAt: new Date(),
        },
      ),
    );
    await this.auditSignIn(challenge.userId, started.sessionId, [first(challenge), 'otp']);
    return { recoveryCodes, tokens: started.tokens };
  }

  async confirmEnrolmentWeb(
    challengeToken: string,
    code: string,
    userAgent?: string,
  ): Promise<{ recoveryCodes: string[]; signIn: WebSignIn }> {
    const challenge = await this.expect(challengeToken, 'web', 'enrol');
    const recoveryCodes = await this.factors.confirmEnrolment(challenge.userId, code);
    return {
      recoveryCodes,
      signIn: await this.startWeb(challenge, [first(challenge), 'otp'], userAgent),
    };
  }

  private async startWeb(
    challenge: MfaChallenge,
    methods: AuthMethod[],
    userAgent?: string,
  ): Promise<WebSignIn> {
    const ticket = await this.txHost.withTransaction(() =>
      this.sessions.startWeb(
        this.userOf(challenge),
        { ip: this.context.ip, userAgent },
        {
          methods,
          secondFactorAt: new Date(),
        },
      ),
    );
    await this.auditSignIn(challenge.userId, ticket.sessionId, methods);
    return { ...ticket, locale: challenge.locale ?? null };
  }

  private async expect(
    token: string,
    channel: SignInChannel,
    purpose: MfaChallenge['purpose'],
  ): Promise<MfaChallenge> {
    const challenge = await this.challenges.verify(token, channel);
    if (challenge.purpose !== purpose) throw new MfaChallengeInvalidError();
    return challenge;
  }

  private userOf(challenge: MfaChallenge): SessionUser {
    return { id: challenge.userId, email: challenge.email, platformAdmin: challenge.platformAdmin };
  }

  private auditSignIn(userId: string, sessionId: string, methods: string[]): Promise<void> {
    return this.audit.recordIndependently({
      action: 'auth.login_succeeded',
      entityType: 'session',
      entityId: sessionId,
      actorUserId: userId,
      after: { userId, methods },
    });
  }
}

/** The first factor the challenge records (a password unless a provider's sign-in said so). */
function first(challenge: MfaChallenge): AuthMethod {
  return challenge.firstFactor ?? 'pwd';
}
