import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { RequestContext } from '../../core/context/request-context';
import { consumeOrRefuse, RateLimitStore } from '../../core/http/rate-limits';
import { NotificationService } from '../../notifications/notification.service';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import { PasswordHasher } from '../auth/password-hasher';
import { InvitationInvalidError, InvitationRateLimitedError } from '../identity.errors';

export const INVITATION_TTL_DAYS = 7;

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

/** The web app's page that reads the token from the fragment and posts it with a password. */
export const ACCEPT_INVITATION_PATH = '/accept-invitation';

/**
 * Invitations let a user created by an admin set their first password. Issuing one closes the
 * user's earlier open invitations, so only the newest link works.
 *
 * The secret exists in clear only here and in the invitation email, which is enqueued through
 * the outbox in the same transaction (nothing is sent if the invite rolls back). It rides in the
 * link's fragment (`#token=`), which browsers never send to servers, so it stays out of access
 * logs and Referer headers.
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
    private readonly notifications: NotificationService,
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
    const refuse = (retryAfter: number) => new InvitationRateLimitedError(retryAfter);
    if (invitedTo.organizationId) {
      await consumeOrRefuse(this.perOrganization, invitedTo.organizationId, refuse);
    }
    await consumeOrRefuse(this.perAgency, agencyId, refuse);
    const token = newSecretToken();
    const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
    await this.txHost.tx.query(
      `UPDATE user_invitations SET closed_at = now() WHERE user_id = $1 AND closed_at IS NULL`,
      [userId],
    );
    const rows: Array<{ id: string }> = await this.txHost.tx.query(
      `INSERT INTO user_invitations (user_id, token_hash, invited_by_user_id, expires_at)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [userId, hashSecretToken(token), invitedByUserId ?? null, expiresAt],
    );
    await this.notifications.notify({
      agencyId,
      template: 'invitation',
      data: { organizationName: invitedTo.organizationName, validDays: INVITATION_TTL_DAYS },
      userIds: [userId],
      // Relative: the email resolves it against PUBLIC_APP_URL.
      link: `${ACCEPT_INVITATION_PATH}#token=${token}`,
      // Email only: an in-app notice would store the link, and the invitee cannot sign in yet.
      channels: { email: true, inApp: false },
    });
    return { invitationId: rows[0].id, expiresAt };
  }

  async accept(token: string, password: string): Promise<void> {
    const rows: Array<{ id: string; user_id: string }> = await this.txHost.tx.query(
      `SELECT id, user_id FROM user_invitations
        WHERE token_hash = $1 AND closed_at IS NULL AND expires_at > now()
          FOR UPDATE`,
      [hashSecretToken(token)],
    );
    const invitation = rows[0];
    if (!invitation) throw new InvitationInvalidError();
    const passwordHash = await this.passwords.hash(password);
    await this.txHost.tx.query(
      `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`,
      [invitation.user_id, passwordHash],
    );
    await this.txHost.tx.query(
      `UPDATE user_invitations SET closed_at = now() WHERE user_id = $1 AND closed_at IS NULL`,
      [invitation.user_id],
    );
    await this.audit.recordPlatform({
      action: 'user.invitation_accepted',
      entityType: 'user',
      entityId: invitation.user_id,
      after: { invitationId: invitation.id, passwordSet: true },
    });
  }
}
