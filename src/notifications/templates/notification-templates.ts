import { NoticeDate, datesIn } from './notice-dates';

/**
 * The notices Grant Commons sends, with the data each needs. Money is a decimal string
 * ("1250.00"); dates are kept as data (an instant with the agency's zone, or a calendar date) and
 * worded in the reader's language when the notice is rendered.
 */
export interface TemplateData {
  'application.submitted.applicant': {
    programTitle: string;
    applicationRef: string;
    organizationName: string;
    submittedAt: NoticeDate;
  };
  'application.submitted.officer': {
    programTitle: string;
    applicationRef: string;
    organizationName: string;
    submittedAt: NoticeDate;
  };
  'application.returned': {
    programTitle: string;
    applicationRef: string;
    reason: string;
    resubmitBy?: NoticeDate;
  };
  'decision.released': {
    programTitle: string;
    applicationRef: string;
    decision: 'approved' | 'denied' | 'waitlisted';
    /** Approved: the amount (a decimal string), worded in the reader's language. */
    amountApproved?: string;
    note?: string;
  };
  'award.offered': {
    programTitle: string;
    awardRef: string;
    amount: string;
    acceptBy?: NoticeDate;
  };
  'payment.approved': { awardRef: string; requestRef: string; amount: string };
  'payment.rejected': { awardRef: string; requestRef: string; amount: string; reason: string };
  'payment.paid': { awardRef: string; requestRef: string; amount: string; paidOn: NoticeDate };
  'deadline.reminder': { programTitle: string; closesAt: NoticeDate; daysLeft: number };
  /** A document of an organization's library expires soon . */
  'document.expiring': {
    organizationName: string;
    documentTitle: string;
    expiresOn: NoticeDate;
    daysLeft: number;
  };
  'award.accepted': { awardRef: string; programTitle: string; organizationName: string };
  'award.amended': {
    awardRef: string;
    programTitle: string;
    amount: string;
    version: number;
    reason: string;
  };
  'budget.revision': {
    awardRef: string;
    status: 'applied' | 'pending' | 'approved' | 'rejected';
    reason?: string;
  };
  'payment.submitted': {
    awardRef: string;
    requestRef: string;
    amount: string;
    approvalsRequired: number;
  };
  'payment.batch_exported': { batchRef: string; payBy: NoticeDate; count: number; total: string };
  'closeout.submitted': { awardRef: string; programTitle: string; expenditures: string };
  'award.closed': {
    awardRef: string;
    programTitle: string;
    unspent: string;
    refundDue: string;
    carryover: string;
  };
  /** A change of an organization's bank details; `accountNumber` is the mask (****1234). */
  'payee.change': {
    organizationName: string;
    status: 'pending' | 'activated' | 'rejected' | 'cancelled';
    payeeName: string;
    accountNumber: string;
  };
  /** The accept link (with its one-time secret) is the notice's link, shown by the renderer. */
  invitation: { organizationName?: string; validDays: number };
  /** An existing account was added to staff or an organization: it waits for their consent. */
  'membership.invited': { organizationName?: string };
  /** A change to the person's agency roles (privileged roles wait for a second admin). */
  'staff.role_changed': {
    role: string;
    change: 'requested' | 'granted' | 'confirmed' | 'declined' | 'removed';
  };
  /** A sign-up's link to confirm the address (the link is the notice's). */
  'account.verify_email': { validHours: number };
  /** A forgotten password's reset link (the link is the notice's). */
  'account.reset_password': { validMinutes: number };
  /** Someone signed up with an address that already has an account: its owner is told. */
  'account.sign_up_existing': Record<string, never>;
  /** To the agency's other admins: a privileged role waits for one of them to confirm it. */
  'staff.role_confirmation_requested': { role: string; email: string };
  /** To the agency's admins: a webhook endpoint failed too often in a row and was disabled. */
  'webhook.endpoint_disabled': { url: string; failures: number; lastError: string };
}

export type TemplateName = keyof TemplateData;

/** A notice before branding: a subject and paragraphs (plain text, escaped for HTML later). */
export interface NoticeContent {
  subject: string;
  paragraphs: string[];
}

/** "1250.5" or "1250.50" -> "$1,250.50", without floats. */
export function dollars(amount: string): string {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) return amount;
  const [, sign, whole, cents = ''] = match;
  return `${sign}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents.padEnd(2, '0')}`;
}

const BUDGET_REVISION = {
  applied: 'applied (within tolerance)',
  pending: 'sent for program officer approval',
  approved: 'approved',
  rejected: 'rejected',
};

const PAYEE_CHANGE: Record<string, { subject: string; text: string } | undefined> = {
  pending: {
    subject: 'change requested',
    text: 'A finance officer requested new bank details; a second finance officer must activate them before any payment uses them',
  },
  activated: {
    subject: 'change activated',
    text: 'New bank details were activated; payments not yet paid will be approved again for them',
  },
  rejected: { subject: 'change rejected', text: 'A requested change of bank details was rejected' },
  cancelled: {
    subject: 'change cancelled',
    text: 'A requested change of bank details was cancelled',
  },
};

const DECISIONS = {
  approved: 'approved',
  denied: 'not funded',
  waitlisted: 'placed on the waitlist',
};

type Renderers = { [T in TemplateName]: (data: TemplateData[T]) => NoticeContent };

const ROLE_NAMES: Record<string, string> = {
  agency_admin: 'agency admin',
  program_officer: 'program officer',
  reviewer: 'reviewer',
  finance_officer: 'finance officer',
};

const ROLE_CHANGES = {
  requested: 'awaiting confirmation',
  granted: 'granted',
  confirmed: 'confirmed',
  declined: 'declined',
  removed: 'removed',
};

const ROLE_CHANGE_SENTENCES = {
  requested:
    'was requested for you. It takes effect when a second administrator confirms it; until then it gives you nothing.',
  granted: 'was given to you and is in effect now.',
  confirmed: 'was confirmed by a second administrator and is in effect now.',
  declined: 'that was requested for you was declined; nothing changed.',
  removed: 'was removed from you.',
};

const when = datesIn('en');

export const TEMPLATES: Renderers = {
  'application.submitted.applicant': (d) => ({
    subject: `Application ${d.applicationRef} submitted: ${d.programTitle}`,
    paragraphs: [
      `${d.organizationName} submitted application ${d.applicationRef} to ${d.programTitle} on ${when(d.submittedAt)}.`,
      'We will let you know when it has been reviewed. You can follow its status in Grant Commons.',
    ],
  }),
  'application.submitted.officer': (d) => ({
    subject: `New application ${d.applicationRef} for ${d.programTitle}`,
    paragraphs: [
      `${d.organizationName} submitted application ${d.applicationRef} to ${d.programTitle} on ${when(d.submittedAt)}.`,
      'It is ready for eligibility screening.',
    ],
  }),
  'application.returned': (d) => ({
    subject: `Application ${d.applicationRef} returned for revision`,
    paragraphs: [
      `Your application ${d.applicationRef} to ${d.programTitle} was returned for revision.`,
      `Reason: ${d.reason}`,
      ...(d.resubmitBy ? [`Please resubmit by ${when(d.resubmitBy)}.`] : []),
    ],
  }),
  'decision.released': (d) => ({
    subject: `Decision on application ${d.applicationRef}`,
    paragraphs: [
      `The decision on your application ${d.applicationRef} to ${d.programTitle} has been released: it was ${DECISIONS[d.decision]}.`,
      ...(d.amountApproved ? [`Amount approved: ${dollars(d.amountApproved)}.`] : []),
      ...(d.note ? [d.note] : []),
    ],
  }),
  'award.offered': (d) => ({
    subject: `Award ${d.awardRef} offered: ${d.programTitle}`,
    paragraphs: [
      `You have been offered award ${d.awardRef} of ${dollars(d.amount)} under ${d.programTitle}.`,
      d.acceptBy
        ? `Your authorized representative must accept it by ${when(d.acceptBy)}.`
        : 'Your authorized representative can review and accept it in Grant Commons.',
    ],
  }),
  'payment.approved': (d) => ({
    subject: `Payment request ${d.requestRef} approved`,
    paragraphs: [
      `Payment request ${d.requestRef} of ${dollars(d.amount)} on award ${d.awardRef} was approved.`,
      'It will be paid in the next payment batch.',
    ],
  }),
  'payment.rejected': (d) => ({
    subject: `Payment request ${d.requestRef} rejected`,
    paragraphs: [
      `Payment request ${d.requestRef} of ${dollars(d.amount)} on award ${d.awardRef} was rejected.`,
      `Reason: ${d.reason}`,
    ],
  }),
  'payment.paid': (d) => ({
    subject: `Payment request ${d.requestRef} paid`,
    paragraphs: [
      `Payment request ${d.requestRef} of ${dollars(d.amount)} on award ${d.awardRef} was paid on ${when(d.paidOn)}.`,
    ],
  }),
  'award.accepted': (d) => ({
    subject: `Award ${d.awardRef} accepted`,
    paragraphs: [
      `${d.organizationName} accepted award ${d.awardRef} under ${d.programTitle}. The award is active.`,
    ],
  }),
  'award.amended': (d) => ({
    subject: `Award ${d.awardRef} amended (version ${d.version})`,
    paragraphs: [
      `Award ${d.awardRef} under ${d.programTitle} was amended; its total is now ${dollars(d.amount)}.`,
      `Reason: ${d.reason}`,
      'The amended award notice is available in Grant Commons.',
    ],
  }),
  'budget.revision': (d) => ({
    subject: `Budget revision on award ${d.awardRef}: ${BUDGET_REVISION[d.status]}`,
    paragraphs: [
      `The budget revision on award ${d.awardRef} was ${BUDGET_REVISION[d.status]}.`,
      ...(d.reason ? [`Reason: ${d.reason}`] : []),
    ],
  }),
  'payment.submitted': (d) => ({
    subject: `Payment request ${d.requestRef} submitted`,
    paragraphs: [
      `Payment request ${d.requestRef} of ${dollars(d.amount)} on award ${d.awardRef} was submitted.`,
      `It needs ${d.approvalsRequired === 1 ? 'one finance officer' : `${d.approvalsRequired} different finance officers`} to approve it.`,
    ],
  }),
  'payment.batch_exported': (d) => ({
    subject: `Payment batch ${d.batchRef} is ready`,
    paragraphs: [
      `The payment file of batch ${d.batchRef} (${d.count} payments, ${dollars(d.total)}, to be paid by ${when(d.payBy)}) was written and can be downloaded.`,
    ],
  }),
  'closeout.submitted': (d) => ({
    subject: `Final expenditure report for award ${d.awardRef}`,
    paragraphs: [
      `The final expenditure report for award ${d.awardRef} under ${d.programTitle} reports ${dollars(d.expenditures)} of costs.`,
      'It is ready for closeout review.',
    ],
  }),
  'award.closed': (d) => ({
    subject: `Award ${d.awardRef} closed`,
    paragraphs: [
      `Award ${d.awardRef} under ${d.programTitle} is closed.`,
      `Unspent balance: ${dollars(d.unspent)}. Carried over to next year: ${dollars(d.carryover)}. Refund due: ${dollars(d.refundDue)}.`,
    ],
  }),
  'payee.change': (d) => ({
    subject: `Bank details for ${d.organizationName}: ${PAYEE_CHANGE[d.status]?.subject ?? d.status}`,
    paragraphs: [
      `${PAYEE_CHANGE[d.status]?.text ?? d.status}: payee ${d.payeeName}, account ${d.accountNumber}.`,
      'If you did not expect this, contact the agency at once: a change of bank details is how payment fraud begins.',
    ],
  }),
  invitation: (d) => ({
    subject: 'Your invitation to Grant Commons',
    paragraphs: [
      d.organizationName
        ? `You have been invited to work on grant applications for ${d.organizationName} in Grant Commons.`
        : "You have been invited to join the agency's grants staff in Grant Commons.",
      `To start, open the link below and choose a password. The link works once, for ${d.validDays} days; if it has expired, ask whoever invited you to invite you again.`,
      'If you did not expect this invitation, you can ignore this email.',
    ],
  }),
  'account.verify_email': (d) => ({
    subject: 'Confirm your email address for Grant Commons',
    paragraphs: [
      'Thank you for creating an account. To finish, confirm that this email address is yours by opening the link below.',
      `The link works once, for ${d.validHours} hours. Then sign in with the password you chose.`,
      'If you did not create an account, you can ignore this email: nothing happens without the link.',
    ],
  }),
  'account.reset_password': (d) => ({
    subject: 'Reset your Grant Commons password',
    paragraphs: [
      'Someone asked to reset the password of your Grant Commons account. To choose a new password, open the link below.',
      `The link works once, for ${d.validMinutes} minutes. Choosing a new password signs you out everywhere else.`,
      'If you did not ask for this, you can ignore this email: your password stays as it is.',
    ],
  }),
  'account.sign_up_existing': () => ({
    subject: 'Someone tried to create an account with your email address',
    paragraphs: [
      'Someone tried to create a Grant Commons account with this email address, which already has one. No new account was created.',
      'If it was you, sign in with your password; if you have forgotten it, open the link below to reset it.',
      'If it was not you, you can ignore this email.',
    ],
  }),
  'membership.invited': (d) => ({
    subject: 'You have been invited to join a team in Grant Commons',
    paragraphs: [
      d.organizationName
        ? `You have been invited to work on grant applications for ${d.organizationName}.`
        : "You have been invited to join the agency's grants staff.",
      'Nothing changes until you accept: sign in and open your invitations to accept or decline.',
      'If you did not expect this invitation, decline it or ignore this email.',
    ],
  }),
  'staff.role_changed': (d) => ({
    subject: `Your ${ROLE_NAMES[d.role] ?? d.role} role: ${ROLE_CHANGES[d.change]}`,
    paragraphs: [
      `The ${ROLE_NAMES[d.role] ?? d.role} role ${ROLE_CHANGE_SENTENCES[d.change]}`,
      'If you did not expect this change, tell your agency administrator.',
    ],
  }),
  'staff.role_confirmation_requested': (d) => ({
    subject: `A ${ROLE_NAMES[d.role] ?? d.role} role waits for your confirmation`,
    paragraphs: [
      `The ${ROLE_NAMES[d.role] ?? d.role} role was requested for ${d.email}. It takes effect only when an agency admin other than the requester and the person receiving it confirms it.`,
      'Open the pending role grants to confirm or decline it.',
    ],
  }),
  'webhook.endpoint_disabled': (d) => ({
    subject: 'A webhook endpoint was disabled after repeated failures',
    paragraphs: [
      `The webhook endpoint ${d.url} failed ${d.failures} times in a row and was disabled: your agency's systems no longer receive events there.`,
      `Last error: ${d.lastError}`,
      'Fix the receiver, then enable the endpoint again and replay the deliveries it missed from its delivery log.',
    ],
  }),
  'deadline.reminder': (d) => ({
    subject: `${d.daysLeft === 1 ? '1 day' : `${d.daysLeft} days`} left to apply: ${d.programTitle}`,
    paragraphs: [
      `The application window for ${d.programTitle} closes on ${when(d.closesAt)}.`,
      'Applications not submitted by then cannot be accepted.',
    ],
  }),
  'document.expiring': (d) => ({
    subject: `${d.documentTitle} expires in ${d.daysLeft === 1 ? '1 day' : `${d.daysLeft} days`}`,
    paragraphs: [
      `${d.organizationName}'s document "${d.documentTitle}" expires on ${when(d.expiresOn)}.`,
      'Upload the current version to the document library so applications that need it are not held up.',
    ],
  }),
};

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export function isTemplateName(name: string): name is TemplateName {
  return Object.prototype.hasOwnProperty.call(TEMPLATES, name);
}
