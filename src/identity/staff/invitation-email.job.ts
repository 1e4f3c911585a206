import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { HandlesJob, JobContext, JobHandler } from '../../core/jobs';
import { EmailNotificationHandler } from '../../notifications/email-notification.job';
import { derivedSecretToken, hashSecretToken } from '../auth/secret-token';
import {
  ACCEPT_INVITATION_PATH,
  INVITATION_TTL_DAYS,
  InvitationEmailJob,
} from './invitation-email';
import { sql, sqlRows } from '../../core/database/sql-statement';
import { UserInvitation } from '../entities/user-invitation.entity';

/** Stores the token's hash on an open invitation; a row back means it is still open. */
const MINT = sql<Pick<UserInvitation, 'userId'>>(
  'identity.invitation-mint-token',
  `WITH minted AS (
     UPDATE user_invitations SET token_hash = $2
      WHERE id = $1 AND closed_at IS NULL AND expires_at > now()
     RETURNING user_id)
   SELECT user_id AS "userId" FROM minted`,
);

/** Separates invitation secrets from everything else AUTH_TOKEN_SECRET signs. */
const PURPOSE = 'grant-commons/invitation-link/v1';

/**
 * Mints an invitation's secret and emails the link, in the job's transaction.
 *
 * The secret is derived from AUTH_TOKEN_SECRET and the invitation id (derivedSecretToken), and
 * its hash is written on the invitation row in this transaction. Every run of the job derives
 * the same secret, so whatever happens the invitee gets one link and one valid token: a
 * redelivery after commit finds the email's effect key claimed and sends nothing; a run that
 * sent and then failed before commit (its hash and effect key rolled back) is retried, writes
 * the same hash and sends the same link with the same Message-ID. (A random secret per run
 * would there have sent two different links, the first of them dead.)
 *
 * An invitation closed meanwhile (superseded by a newer one, or accepted) or expired gets no
 * email: its link could not be used.
 */
@Injectable()
@HandlesJob('identity.invitation_email')
export class InvitationEmailHandler implements JobHandler<'identity.invitation_email'> {
  private readonly logger = new Logger('Invitations');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly emails: EmailNotificationHandler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: InvitationEmailJob, context: JobContext): Promise<void> {
    const token = derivedSecretToken(this.config.auth.tokenSecret, PURPOSE, job.invitationId);
    const rows = await sqlRows(this.txHost.tx, MINT, [job.invitationId, hashSecretToken(token)]);
    if (rows.length === 0) {
      this.logger.log({
        msg: 'invitation closed or expired before its email was sent; not sent',
        jobId: context.jobId,
        invitationId: job.invitationId,
      });
      return;
    }
    await this.emails.sendInJob(
      job.agencyId,
      {
        template: 'invitation',
        data: { organizationName: job.organizationName, validDays: INVITATION_TTL_DAYS },
        recipients: [{ userId: rows[0].userId }],
        // Relative: the email resolves it against PUBLIC_APP_URL.
        link: `${ACCEPT_INVITATION_PATH}#token=${token}`,
        dedupeKey: `invitation:${job.invitationId}`,
      },
      context,
    );
  }
}
