import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { RequestContext } from '../../core/context/request-context';
import { JobQueue } from '../../core/jobs';
import { consumeOrRefuse, RateLimitStore } from '../../core/http/rate-limits';
import { hashSecretToken } from '../auth/secret-token';
import { PasswordHasher } from '../auth/password-hasher';
import { InvitationInvalidError, InvitationRateLimitedError } from '../identity.errors';
import { INVITATION_EMAIL_JOB, INVITATION_TTL_DAYS } from './invitation-email';
import { entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { UserInvitation } from '../entities/user-invitation.entity';

// Supersedes only this inviter's own open invitations: a second inviter must not be able
// to cancel someone else's invitation (issue 13, item 8).
const CLOSE_OWN_OPEN = sql(
  'identity.invitations-close-own-open',
  `UPDATE user_invitations SET closed_at = now()
    WHERE user_id = $1 AND closed_at IS NULL AND invited_by_user_id IS NOT DISTINCT FROM $2`,
);
// No token hash yet: the invitation cannot be accepted until its email job mints one.
const INSERT = sql<Pick<UserInvitation, 'id'>>(
  'identity.invitation-insert',
  `INSERT INTO user_invitations (user_id, token_hash, invited_by_user_id, expires_at)
   VALUES ($1, NULL, $2, $3) RETURNING id`,
);
const LOCK_OPEN_BY_TOKEN = entitySql(
  'identity.invitation-lock-open-by-token',
  UserInvitation,
  'i',
  `SELECT {columns} FROM user_invitations i
    WHERE i.token_hash = $1 AND i.closed_at IS NULL AND i.expires_at > now()
      FOR UPDATE`,
  { pick: ['id', 'userId'] },
);
const SET_PASSWORD = sql(
  'identity.user-set-password',
  `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`,
);
const CLOSE_ALL_OPEN = sql(
  'identity.invitations-close-all-open',
  `UPDATE user_invitations SET closed_at = now() WHERE user_id = $1 AND closed_at IS NULL`,
);

/** What callers learn about an invitation: never its secret (that goes only into the email). */
export interface IssuedInvitation {
  invitationId: string;
  expiresAt: Date;
}

/** Where the invitee was invited to, for the email's wording. */
export interface InvitationContext {
  organizationName?: string;
  /** Counts against this organization's hourly invitation limit too. */
  organizationId?: string;
}

/**
 * Invitations let a user created by an admin set their first password. Issuing one closes the
 * same inviter's earlier open invitations for the user, so only their newest link works.
 *
 * Issuing writes the invitation without a secret and enqueues `identity.invitation_email` (in
 * the same transaction: nothing is sent if the invite rolls back) with the invitation's id only.
 * The job mints the secret (InvitationEmailHandler): it exists in clear only in that job's
 * memory and in the email, never in the outbox, the job effects, notices or audit events. It
 * rides in the link's fragment (`#token=`), which browsers never send to servers, so it stays
 * out of access logs and Referer headers.
 *
 * Each invitation is an email, so besides the per-IP limit on the routes, invitations count per
 * agency and per organization per hour, after authorization (a stranger cannot use up an
 * agency's budget; a compromised admin cannot send thousands).
 */
@Injectable()
export class InvitationService {
  private readonly perAgency: RateLimiterAbstract;
  private readonly perOrganization: RateLimiterAbstract;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly jobs: JobQueue,
    limits: RateLimitStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.perAgency = limits.counter(
      'invitations:agency:',
      config.abuse.invitationsPerAgencyPerHour,
      3600,
    );
    this.perOrganization = limits.counter(
      'invitations:organization:',
      config.abuse.invitationsPerOrganizationPerHour,
      3600,
    );
  }

  /** Needs the agency context: the email goes out from the inviting agency's sender. */
  async issue(
    userId: string,
    invitedByUserId: string | undefined,
    invitedTo: InvitationContext = {},
  ): Promise<IssuedInvitation> {
    const agencyId = this.context.requireTenant().agencyId;
    await this.countInvitationEmail(invitedTo);
    const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
    // Supersedes only this inviter's own open invitations: a second inviter must not be able
    // to cancel someone else's invitation (issue 13, item 8).
    await sqlRows(this.txHost.tx, CLOSE_OWN_OPEN, [userId, invitedByUserId ?? null]);
    // No token hash yet: the invitation cannot be accepted until its email job mints one.
    const rows = await sqlRows(this.txHost.tx, INSERT, [
      userId,
      invitedByUserId ?? null,
      expiresAt,
    ]);
    await this.jobs.enqueue(INVITATION_EMAIL_JOB.name, {
      agencyId,
      invitationId: rows[0].id,
      organizationName: invitedTo.organizationName,
    });
    return { invitationId: rows[0].id, expiresAt };
  }

  /**
   * Counts one invitation email against the hourly limits (429 past them). Also called for an
   * account that already has a password (its membership invitation is an email too), so the
   * limit answers alike whether or not the invited email had an account.
   */
  async countInvitationEmail(invitedTo: InvitationContext = {}): Promise<void> {
    const agencyId = this.context.requireTenant().agencyId;
    const refuse = (retryAfter: number) => new InvitationRateLimitedError(retryAfter);
    if (invitedTo.organizationId) {
      await consumeOrRefuse(this.perOrganization, invitedTo.organizationId, refuse);
    }
    await consumeOrRefuse(this.perAgency, agencyId, refuse);
  }

  async accept(token: string, password: string): Promise<void> {
    const rows = await sqlRows(this.txHost.tx, LOCK_OPEN_BY_TOKEN, [hashSecretToken(token)]);
    const invitation = rows[0];
    if (!invitation) throw new InvitationInvalidError();
    const passwordHash = await this.passwords.hash(password);
    await sqlRows(this.txHost.tx, SET_PASSWORD, [invitation.userId, passwordHash]);
    await sqlRows(this.txHost.tx, CLOSE_ALL_OPEN, [invitation.userId]);
    await this.audit.recordPlatform({
      action: 'user.invitation_accepted',
      entityType: 'user',
      entityId: invitation.userId,
      after: { invitationId: invitation.id, passwordSet: true },
    });
  }
}
