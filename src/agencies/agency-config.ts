/**
 * The shape of one per-agency configuration module (config/agencies/<code>.yaml): policy as data.
 * Validation (with messages naming file, field and problem) lives beside this file; other modules
 * read an agency's settings through the agencies module's public service, typed by this interface.
 * Money values are decimal strings ("25000.00"), never numbers.
 */
export interface AgencyConfig {
  code: string; // lowercase, a-z0-9 and '-', also the URL segment
  name: string;
  jurisdiction: string; // e.g. "Missouri"
  timeZone: string; // IANA, e.g. "America/Chicago"
  fiscalYearStart: string; // "MM-DD", e.g. "07-01"
  branding: {
    displayName: string;
    primaryColor: string; // "#RRGGBB"
    logoUrl?: string;
    emailFooter: string;
  };
  finance: {
    /** Which payment request types the agency accepts. */
    paymentModels: Array<'reimbursement' | 'advance'>;
    /** At or above this amount a second, different finance officer must approve. */
    dualApprovalThreshold: string;
    /** A budget line may move by this percent before a revision needs approval. */
    budgetTolerancePercent: string;
    allowedFunctionCodes: string[]; // NCES function codes, e.g. "1000"
    allowedObjectCodes: string[]; // NCES object codes, e.g. "100"
    /** Strategy name, e.g. "csv" or "nacha-ach". Unknown names stop boot. */
    paymentExportFormat: string;
    /** Requests approved in [cutoff window] are paid in the next batch. */
    paymentCutoff: { requestWindowStartDay: number; requestWindowEndDay: number; payByDay: number };
    /** Days a reconciled batch's payment file is kept before it is deleted (default 90). */
    paymentFileRetentionDays?: number;
    /** Who originates the agency's ACH files; required when paymentExportFormat is nacha-ach. */
    achOriginator?: {
      /** 9-digit routing number of the receiving point (the agency's bank or the Fed). */
      immediateDestination: string;
      immediateDestinationName: string;
      /** 10 characters, usually "1" + the agency's 9-digit federal tax id. */
      immediateOrigin: string;
      immediateOriginName: string;
      companyName: string;
      /** 10 characters, as assigned by the originating bank. */
      companyIdentification: string;
      /** First 8 digits of the originating bank's routing number. */
      odfiIdentification: string;
    };
  };
  review: {
    reviewersPerApplication: number;
    aggregation: 'mean' | 'trimmed-mean' | 'z-score';
    outlierThresholdPoints: string;
  };
  applications: {
    maxAttachmentBytes: number;
    allowedAttachmentTypes: string[]; // e.g. "application/pdf"
    deadlineReminderDays: number[]; // e.g. [7, 1]
    submissionGraceMinutes: number;
  };
  notifications: {
    senderName: string;
    senderEmail: string;
    replyTo?: string;
    /** Per-template overrides of subject/body, keyed by template name. */
    templateOverrides?: Record<string, { subject?: string; text?: string; html?: string }>;
  };
  features: Record<string, boolean>;
  /** Who may give whom which role. */
  access?: {
    /**
     * Default true: finance_officer and agency_admin take effect only when a second agency admin
     * (or a platform admin) confirms them. false: they take effect at once (audited all the same).
     */
    privilegedRoleConfirmation?: boolean;
  };
}

/** When an agency's file says nothing: payment files are kept 90 days after reconciliation. */
export const DEFAULT_PAYMENT_FILE_RETENTION_DAYS = 90;
