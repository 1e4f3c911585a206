import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { RequestContext } from '../../core/context/request-context';
import { SessionService, SessionSummary } from '../auth/session.service';
import { SessionEndedError, StepUpRequiredError } from '../identity.errors';
import { MfaPolicy, secondFactorIsRecent } from './mfa-policy';
import { EnrolmentStart, SecondFactors } from './second-factors.service';

export interface SecurityState {
  enrolled: boolean;
  recoveryCodesLeft: number;
  required: boolean;
}

/**
 * The signed-in person's own second factor and sessions (GET /me/mfa, /me/sessions and the
 * account pages): re-enrolment, the list of sessions and "sign out everywhere else".
 */
@Injectable()
export class AccountSecurity {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: SessionService,
    private readonly factors: SecondFactors,
    private readonly policy: MfaPolicy,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async state(): Promise<SecurityState> {
    const actor = this.context.requireUser();
    const state = await this.factors.state(actor.userId);
    const required = await this.policy.mustUseSecondFactor(
      actor.userId,
      actor.platformAdmin === true,
    );
    return { ...state, required };
  }

  /**
   * A new secret for re-enrolment (a new phone). Whoever holds a factor proves it first (a
   * recent second factor), so a stolen session cannot swap the factor for its own.
   */
  async beginReenrolment(): Promise<EnrolmentStart> {
    const actor = await this.liveActor();
    const { enrolled } = await this.txHost.withTransaction(() => this.factors.state(actor.userId));
    const maxAge = this.config.auth.stepUpMaxAgeSeconds;
    if (enrolled && !secondFactorIsRecent(actor, maxAge, Date.now())) {
      throw new StepUpRequiredError(maxAge);
    }
    return this.factors.beginEnrolment({ id: actor.userId, email: actor.email ?? '' });
  }

  /** The new secret's first code: it replaces the old factor, with ten new recovery codes. */
  async confirmReenrolment(code: string): Promise<string[]> {
    const actor = await this.liveActor();
    return this.factors.confirmEnrolment(actor.userId, code);
  }

  /** The person's live sessions, this one marked. */
  async list(): Promise<(SessionSummary & { current: boolean })[]> {
    const actor = this.context.requireUser();
    const rows = await this.sessions.listForUser(actor.userId);
    return rows.map((row) => ({ ...row, current: row.id === actor.sessionId }));
  }

  /** Ends every other live session of the person; this one goes on. */
  async signOutOthers(): Promise<number> {
    const actor = this.context.requireUser();
    const count = await this.sessions.revokeOthersForUser(
      actor.userId,
      actor.sessionId,
      'signed_out_elsewhere',
    );
    await this.audit.recordPlatform({
      action: 'auth.signed_out_elsewhere',
      entityType: 'user',
      entityId: actor.userId,
      after: { keptSessionId: actor.sessionId ?? null, signedOut: count },
    });
    return count;
  }

  /** Routes that draw their own transactions check the session themselves. */
  private async liveActor() {
    const actor = this.context.requireUser();
    const live =
      actor.sessionId !== undefined &&
      (await this.txHost.withTransaction(() =>
        this.sessions.isLive(actor.userId, actor.sessionId!),
      ));
    if (!live) throw new SessionEndedError();
    return actor;
  }
}
