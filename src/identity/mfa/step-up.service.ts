import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { SessionService, WebTicket } from '../auth/session.service';
import { SessionEndedError } from '../identity.errors';
import { SecondFactors } from './second-factors.service';

/**
 * Step-up: a signed-in person proves the second factor again before a money action. The
 * session records when (second_factor_at) and a fresh access token or web cookie carries it
 * (`sfa`); the access policy compares it with the agency's limit on routes marked
 * @RequireRecentSecondFactor. Draws its own transactions (a wrong code must still count).
 */
@Injectable()
export class StepUp {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: SessionService,
    private readonly factors: SecondFactors,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
  ) {}

  /** For the API: a new access token for the same session, carrying the new second-factor time. */
  async api(code: string): Promise<{ accessToken: string; accessTokenExpiresAt: string }> {
    const { user, sessionId, facts } = await this.check(code);
    const { token, expiresAt } = await this.sessions.accessTokenFor(user, sessionId, facts);
    return { accessToken: token, accessTokenExpiresAt: expiresAt.toISOString() };
  }

  /** For the web pages: a new session cookie carrying the new second-factor time. */
  async web(code: string): Promise<WebTicket> {
    const { user, sessionId, facts } = await this.check(code);
    return this.sessions.webTokenFor(user, sessionId, facts);
  }

  private async check(code: string) {
    const actor = this.context.requireUser();
    const sessionId = actor.sessionId;
    if (!sessionId) throw new SessionEndedError();
    const method = await this.factors.verify(actor.userId, code);
    const facts = await this.txHost.withTransaction(() =>
      this.sessions.recordSecondFactor(actor.userId, sessionId, method),
    );
    if (!facts) throw new SessionEndedError();
    await this.audit.recordIndependently({
      action: 'auth.step_up',
      entityType: 'session',
      entityId: sessionId,
      actorUserId: actor.userId,
      after: { method },
    });
    const user = {
      id: actor.userId,
      email: actor.email ?? '',
      platformAdmin: actor.platformAdmin === true,
    };
    return { user, sessionId, facts };
  }
}
