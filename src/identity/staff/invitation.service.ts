import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import { PasswordHasher } from '../auth/password-hasher';
import { InvitationInvalidError } from '../identity.errors';

export const INVITATION_TTL_DAYS = 7;

export interface IssuedInvitation {
  invitationId: string;
  /** The secret for the invitation link. Only its hash is stored; it is never returned by the API. */
  token: string;
  expiresAt: Date;
}

/**
 * Invitations let a user created by an admin set their first password. Issuing one closes the
 * user's earlier open invitations, so only the newest link works.
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  async issue(userId: string, invitedByUserId: string | undefined): Promise<IssuedInvitation> {
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
    return { invitationId: rows[0].id, token, expiresAt };
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
