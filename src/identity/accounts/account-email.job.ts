import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { HandlesJob, JobContext, JobHandler } from '../../core/jobs';
import { EmailNotificationHandler } from '../../notifications/email-notification.job';
import { derivedSecretToken, hashSecretToken } from '../auth/secret-token';
import {
  ACCOUNT_LINK_PATHS,
  AccountEmailJob,
  RESET_PASSWORD_TTL_MINUTES,
  VERIFY_EMAIL_TTL_HOURS,
} from './account-email';

/** Separates these secrets from everything else AUTH_TOKEN_SECRET signs (and from each other). */
const PURPOSES = {
  verify_email: 'grant-commons/verify-email-link/v1',
  reset_password: 'grant-commons/reset-password-link/v1',
} as const;

/**
 * Mints an account link's secret and emails it, in the job's transaction: the same scheme as
 * invitations (InvitationEmailHandler), so a retried job sends the same link and no payload,
 * notice or audit event ever holds the secret. A link closed or expired meanwhile is not sent.
 * The email is in the recipient's saved language (the notifications module picks it).
 */
@Injectable()
@HandlesJob('identity.account_email')
export class AccountEmailHandler implements JobHandler<'identity.account_email'> {
  private readonly logger = new Logger('AccountEmails');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly emails: EmailNotificationHandler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: AccountEmailJob, context: JobContext): Promise<void> {
    const token = derivedSecretToken(
      this.config.auth.tokenSecret,
      PURPOSES[job.purpose],
      job.tokenId,
    );
    const rows: Array<{ user_id: string }> = await this.txHost.tx.query(
      // A CTE: a bare UPDATE ... RETURNING comes back from the driver as [rows, count].
      `WITH minted AS (
         UPDATE user_account_tokens SET token_hash = $3
          WHERE id = $1 AND purpose = $2 AND closed_at IS NULL AND expires_at > now()
         RETURNING user_id)
       SELECT user_id FROM minted`,
      [job.tokenId, job.purpose, hashSecretToken(token)],
    );
    if (rows.length === 0) {
      this.logger.log({ msg: 'account link closed or expired; not sent', jobId: context.jobId });
      return;
    }
    const link = `${ACCOUNT_LINK_PATHS[job.purpose]}?token=${token}`;
    const recipients = [{ userId: rows[0].user_id }];
    const dedupeKey = `account-link:${job.tokenId}`;
    await this.emails.sendInJob(
      job.agencyId,
      job.purpose === 'verify_email'
        ? {
            template: 'account.verify_email',
            data: { validHours: VERIFY_EMAIL_TTL_HOURS },
            recipients,
            link,
            dedupeKey,
          }
        : {
            template: 'account.reset_password',
            data: { validMinutes: RESET_PASSWORD_TTL_MINUTES },
            recipients,
            link,
            dedupeKey,
          },
      context,
    );
  }
}
