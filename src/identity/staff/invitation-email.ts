import { defineJob } from '../../core/jobs';

/*
 * The invitation email job's name and payload, apart from its handler (invitation-email.job.ts):
 * InvitationService enqueues it without depending on the notifications module the handler uses.
 */

/** The invitation to email: its id only, never its secret. */
export interface InvitationEmailJob {
  agencyId: string;
  invitationId: string;
  /** For the email's wording, when the invitation is to an organization. */
  organizationName?: string;
}

declare module '../../core/jobs/job-types' {
  interface JobPayloads {
    'identity.invitation_email': InvitationEmailJob;
  }
}

export const INVITATION_EMAIL_JOB = defineJob('identity.invitation_email', { maxAttempts: 8 });

export const INVITATION_TTL_DAYS = 7;

/**
 * The web page that takes the token (in the query: a fragment never reaches the server, and the
 * page must work without JavaScript) and a password. It sends no Referer, so the token does not
 * leak to other sites.
 */
export const ACCEPT_INVITATION_PATH = '/accept-invitation';
