import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { NotificationService } from '../../notifications/notification.service';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import { PasswordHasher } from '../auth/password-hasher';
import { InvitationInvalidError } from '../identity.errors';

export const INVITATION_TTL_DAYS = 7;

/** What callers learn about an invitation: never its secret (that goes only into the email). */
export interface IssuedInvitation {
  invitationId: string;
  expiresAt: Date;
}

/** Where the invitee was invited to, for the email's wording. */
export interface InvitationContext {
  organizationName?: string;
}

/** The web app's page that reads the token from the fragment and posts it with a password. */
export const ACCEPT_INVITATION_PATH = '/accept-invitation';

/**
 * Invitations let a user created by an admin set their first password. Issuing one closes the
 * same inviter's earlier open invitations for the user, so only their newest link works.
 *
 * The secret exists in clear only here and in the invitation email, which is enqueued through
 * the outbox in the same transaction (nothing is sent if the invite rolls back). It rides in the
 * link's fragment (`#token=`), which browsers never send to servers, so it stays out of access
 * logs and Referer headers.
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly notifications: NotificationService,
  ) {}

  /** Needs the agency context: the email goes out from the inviting agency's sender. */
  async issue(
    userId: string,
    invitedByUserId: string | undefined,
    invitedTo: InvitationContext = {},
  ): Promise<IssuedInvitation> {
    const token = newSecretToken();
    const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
    // Supersedes only this inviter's own open invitations: a second inviter must not be able
    // to cancel someone else's invitation (issue 13, item 8).
    await this.txHost.tx.query(
      `UPDATE user_invitations SET closed_at = now()
        WHERE user_id = $1 AND closed_at IS NULL AND invited_by_user_id IS NOT DISTINCT FROM $2`,
      [userId, invitedByUserId ?? null],
    );
    const rows: Array<{ id: string }> = await this.txHost.tx.query(
      `INSERT INTO user_invitations (user_id, token_hash, invited_by_user_id, expires_at)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [userId, hashSecretToken(token), invitedByUserId ?? null, expiresAt],
    );
    await this.notifications.notify({
      agencyId: this.context.requireTenant().agencyId,
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
