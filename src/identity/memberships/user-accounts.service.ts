import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { NotificationService } from '../../notifications/notification.service';
import { normalizeEmail } from '../auth/email';
import { MY_INVITATIONS_PATH } from '../me/membership-invitations.service';
import {
  InvitationContext,
  InvitationService,
  IssuedInvitation,
} from '../staff/invitation.service';
import { computedColumns, entitySql, sql, sqlRows } from '../../core/database/sql-statement';
import { User } from '../entities/user.entity';

export type UserAccount = ReturnType<typeof ACCOUNT_BY_EMAIL.shape>[number];

/** Where to reach a user (e.g. for an email): their current address and name. */
export type UserContact = Pick<User, 'id' | 'email' | 'name'>;

// ON CONFLICT: two admins adding the same new person at once both end with one account.
const INSERT_USER = sql<Pick<User, 'id'>>(
  'identity.user-insert',
  `INSERT INTO users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id`,
);
const ACCOUNT_BY_EMAIL = entitySql(
  'identity.user-account-by-email',
  User,
  'u',
  `SELECT {columns}, u.password_hash IS NOT NULL AS "hasPassword" FROM users u WHERE u.email = $1`,
  { pick: ['id', 'email', 'name'], computed: computedColumns<{ hasPassword: boolean }>() },
);
const CONTACTS = entitySql(
  'identity.user-contacts',
  User,
  'u',
  `SELECT {columns} FROM users u WHERE u.id = ANY($1::uuid[]) ORDER BY u.id`,
  { pick: ['id', 'email', 'name'] },
);

export interface EnsuredAccount {
  user: UserAccount;
  created: boolean;
  /** Present when the user has no password yet: a new invitation was issued and emailed. */
  invitation?: IssuedInvitation;
}

/**
 * Finds or creates global user accounts for the people an agency admin (staff) or an org admin
 * (organization members) adds. An account without a password gets an invitation (emailed).
 */
@Injectable()
export class UserAccounts {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly invitations: InvitationService,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
    private readonly notifications: NotificationService,
  ) {}

  /** Runs in an agency's transaction: the invitation email goes out from that agency. */
  async ensure(
    input: { email: string; name: string },
    invitedTo: InvitationContext = {},
  ): Promise<EnsuredAccount> {
    const email = normalizeEmail(input.email);
    // ON CONFLICT: two admins adding the same new person at once both end with one account.
    const inserted = await sqlRows(this.txHost.tx, INSERT_USER, [email, input.name.trim()]);
    const created = inserted.length > 0;
    const [user] = await sqlRows(this.txHost.tx, ACCOUNT_BY_EMAIL, [email]);
    if (created) {
      // A platform event: the account is global, and an agency's audit log must not tell the
      // inviting agency whether the email already had an account (consent before membership).
      await this.audit.recordPlatform({
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        after: { email: user.email, name: user.name },
      });
    }
    // Either way one email goes out (a password invitation, or the membership notice the caller
    // sends), counted alike so the limits do not tell whether the email had an account.
    if (user.hasPassword) await this.invitations.countInvitationEmail(invitedTo);
    const invitation = user.hasPassword
      ? undefined
      : await this.invitations.issue(user.id, this.context.actor?.userId, invitedTo);
    return { user, created, invitation };
  }

  /**
   * Tells an account that can already sign in that it was invited to staff or an organization
   * (in-app and email); a new account hears of it from its password invitation instead.
   */
  async tellInvited(userId: string, organizationName?: string): Promise<void> {
    await this.notifications.notify({
      agencyId: this.context.requireTenant().agencyId,
      template: 'membership.invited',
      data: { organizationName },
      userIds: [userId],
      link: MY_INVITATIONS_PATH,
    });
  }

  /** Current address and name of these users (unknown ids are left out). */
  async contactsFor(userIds: string[]): Promise<UserContact[]> {
    if (userIds.length === 0) return [];
    return sqlRows(this.txHost.tx, CONTACTS, [[...new Set(userIds)]]);
  }

  async findByEmail(email: string): Promise<UserAccount | undefined> {
    const [account] = await sqlRows(this.txHost.tx, ACCOUNT_BY_EMAIL, [normalizeEmail(email)]);
    return account;
  }
}
