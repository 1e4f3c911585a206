import { defineJob } from '../../core/jobs';

/*
 * The account email job's name and payload, apart from its handler (account-email.job.ts), as
 * for invitations: the payload names the link's row, never its secret.
 */

export type AccountLinkPurpose = 'verify_email' | 'reset_password';

export interface AccountEmailJob {
  agencyId: string;
  /** The user_account_tokens row whose secret the job mints and emails. */
  tokenId: string;
  purpose: AccountLinkPurpose;
}

declare module '../../core/jobs/job-types' {
  interface JobPayloads {
    'identity.account_email': AccountEmailJob;
  }
}

export const ACCOUNT_EMAIL_JOB = defineJob('identity.account_email', { maxAttempts: 8 });

export const VERIFY_EMAIL_TTL_HOURS = 24;
export const RESET_PASSWORD_TTL_MINUTES = 60;

/** The web pages the links open; the secret rides in the query (pages send no Referer). */
export const ACCOUNT_LINK_PATHS: Record<AccountLinkPurpose, string> = {
  verify_email: '/verify-email',
  reset_password: '/reset-password',
};
