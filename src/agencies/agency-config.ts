import { Static, TBoolean, TObject, Type } from '@sinclair/typebox';
import { TEMPLATE_NAMES } from '../notifications/templates/notification-templates';
import { AGGREGATION_METHODS } from '../reviews/scoring/panel-scoring';
import {
  defaulted,
  fields,
  integer,
  list,
  oneOf,
  publishable,
  StrategyDeclaration,
  strategyChoice,
  text,
} from './config-schema';
import { SSO_DEFAULT, SsoShape } from './sso-config';
import { STRATEGY_DECLARATIONS } from './strategies';

/**
 * The shape of one per-agency configuration module (config/agencies/<code>.yaml): policy as data,
 * written once. This schema gives the TypeScript type (AgencyConfig), the boot-time check with
 * messages naming file, field and problem (agency-config.validation.ts), the defaults, and the
 * JSON Schema editors complete the YAML with (config/agency.schema.json, `npm run
 * agencies:schema`). A new field is one entry here. Money values are decimal strings
 * ("25000.00"), never numbers.
 */

/** When an agency's file says nothing: payment files are kept 90 days after reconciliation. */
export const DEFAULT_PAYMENT_FILE_RETENTION_DAYS = 90;

export const AGENCY_CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Feature switches an agency may turn off (all on unless its file says false). */
const FEATURES = {
  programTemplates: 'Share program definitions with other agencies and clone theirs.',
  formulaAllocations: 'Formula programs: factors, CSV inputs, allocation runs and publication.',
} as const;

const featureSwitches = Object.fromEntries(
  Object.entries(FEATURES).map(([name, description]) => [
    name,
    defaulted(Type.Boolean({ description }), true),
  ]),
) as { [K in keyof typeof FEATURES]: TBoolean };

const paymentExport = strategyChoice(
  'paymentExport',
  'paymentExportFormat',
  STRATEGY_DECLARATIONS.paymentExport,
  'Payment file format (a paymentExport strategy). Unknown names stop boot.',
);

const dayOfMonth = integer(1, 31);

/** Staff roles that may be made to use a second factor (identity/permissions.ts names them). */
const MFA_ROLES = [
  'agency_admin',
  'program_officer',
  'reviewer',
  'finance_officer',
  'platform_admin',
] as const;
/** Who decides about money or the agency's staff: a second factor unless the file says otherwise. */
export const DEFAULT_MFA_REQUIRED_ROLES: (typeof MFA_ROLES)[number][] = [
  'finance_officer',
  'agency_admin',
  'platform_admin',
];

const TemplateOverride = fields({
  subject: Type.Optional(text()),
  text: Type.Optional(text()),
  html: Type.Optional(text()),
});

const templateOverrides = fields(
  Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, Type.Optional(TemplateOverride)])),
  {
    unknownFieldMessage: 'is not a known notification template',
    description:
      'Per-template overrides of subject/text/html, keyed by template name (`{{field}}` placeholders).',
  },
);

const AgencyConfigShape = fields(
  {
    code: text(AGENCY_CODE, 'lowercase letters, digits and single hyphens, like "mo-dese"', {
      description: 'Also the URL segment and the file name.',
    }),
    name: text(),
    jurisdiction: text(undefined, undefined, { description: 'e.g. "Missouri"' }),
    timeZone: Type.String({
      format: 'iana-time-zone',
      errorMessage: 'must be an IANA time zone like "America/Chicago"',
    }),
    fiscalYearStart: Type.String({
      pattern: '^\\d{2}-\\d{2}$',
      format: 'month-day',
      errorMessage: 'must be a month and day "MM-DD" like "07-01"',
    }),
    branding: fields({
      displayName: text(),
      primaryColor: text(/^#[0-9A-Fa-f]{6}$/, 'a color "#RRGGBB"'),
      logoUrl: Type.Optional(text(/^https?:\/\/[^\s]+$/, 'an http(s) URL')),
      emailFooter: text(),
    }),
    finance: fields(
      {
        paymentModels: list(oneOf(['reimbursement', 'advance'] as const), {
          nonEmpty: true,
          description: 'Which payment request types the agency accepts.',
        }),
        /** Money: numeric(14,2) as a string, so a YAML float never rounds a threshold. */
        dualApprovalThreshold: text(/^\d{1,12}\.\d{2}$/, 'a decimal string like "25000.00"', {
          description: 'At or above this amount a second, different finance officer must approve.',
        }),
        budgetTolerancePercent: Type.String({
          pattern: '^(100(\\.0{1,2})?|\\d{1,2}(\\.\\d{1,2})?)$',
          errorMessage: 'must be a percent from "0" to "100" as a decimal string like "10"',
          description: 'A budget line may move by this percent before a revision needs approval.',
        }),
        allowedFunctionCodes: list(text(/^\d{4}$/, 'a 4-digit NCES function code like "1000"'), {
          nonEmpty: true,
        }),
        allowedObjectCodes: list(text(/^\d{3}$/, 'a 3-digit NCES object code like "100"'), {
          nonEmpty: true,
        }),
        paymentExportFormat: paymentExport.choice,
        ...paymentExport.optionFields,
        paymentCutoff: fields(
          {
            requestWindowStartDay: dayOfMonth,
            requestWindowEndDay: dayOfMonth,
            payByDay: dayOfMonth,
          },
          { description: 'Requests approved in the window are paid in the next batch.' },
        ),
        paymentFileRetentionDays: defaulted(
          integer(0, 3650, {
            description: "Days a reconciled batch's payment file is kept before it is deleted.",
          }),
          DEFAULT_PAYMENT_FILE_RETENTION_DAYS,
        ),
      },
      { allOf: paymentExport.requirements },
    ),
    review: fields({
      reviewersPerApplication: integer(1, 25),
      aggregation: oneOf(AGGREGATION_METHODS),
      outlierThresholdPoints: text(/^\d{1,4}(\.\d{1,2})?$/, 'a decimal string like "15"'),
    }),
    applications: fields({
      maxAttachmentBytes: integer(1, 1024 * 1024 * 1024),
      allowedAttachmentTypes: list(
        text(/^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/, 'a media type like "application/pdf"'),
        { nonEmpty: true },
      ),
      deadlineReminderDays: list(integer(0, 365), { description: 'e.g. [7, 1]' }),
      submissionGraceMinutes: integer(0, 1440),
    }),
    notifications: fields({
      senderName: text(),
      senderEmail: text(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address'),
      replyTo: Type.Optional(text(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address')),
      templateOverrides: Type.Optional(
        // Keys are checked against TEMPLATE_NAMES; typed by string so readers index by any name.
        Type.Unsafe<Record<string, Static<typeof TemplateOverride>>>(templateOverrides),
      ),
    }),
    features: defaulted(
      fields(featureSwitches, {
        unknownFieldMessage: `is not a known feature (${Object.keys(FEATURES).join(', ')})`,
      }),
      Object.fromEntries(Object.keys(FEATURES).map((name) => [name, true])) as Static<
        TObject<typeof featureSwitches>
      >,
    ),
    access: defaulted(
      fields(
        {
          privilegedRoleConfirmation: defaulted(
            Type.Boolean({
              description:
                'true: finance_officer and agency_admin take effect only when a second agency admin (or a platform admin) confirms them. false: at once (audited all the same).',
            }),
            true,
          ),
          mfaRequiredRoles: defaulted(
            list(oneOf(MFA_ROLES), {
              description:
                'Roles whose holders must sign in with a second factor (TOTP); a holder without one is sent to enrolment at sign-in. platform_admin counts when any agency lists it.',
            }),
            DEFAULT_MFA_REQUIRED_ROLES,
          ),
          stepUpMaxAgeMinutes: Type.Optional(
            integer(1, 1440, {
              description:
                "Money actions (approving or rejecting a payment request, activating a payee change, creating a payment batch) need a second factor checked within this many minutes. Default: the deployment's STEP_UP_MAX_AGE_SECONDS (15 minutes).",
            }),
          ),
        },
        { description: 'Who may give whom which role, and who must use a second factor.' },
      ),
      {
        privilegedRoleConfirmation: true,
        mfaRequiredRoles: DEFAULT_MFA_REQUIRED_ROLES,
      },
    ),
    sso: defaulted(SsoShape, SSO_DEFAULT),
  },
  { title: 'Grant Commons agency configuration' },
);

/** One agency's configuration after validation and defaults. */
export type AgencyConfig = Static<typeof AgencyConfigShape>;

/** The JSON Schema: what boot checks and what config/agency.schema.json publishes. */
export const AgencyConfigSchema = publishable(AgencyConfigShape);

/** String formats the schema uses (Ajv `format`), the strategies' pieces included. */
export const AGENCY_CONFIG_FORMATS: Record<string, (value: string) => boolean> = {
  'iana-time-zone': isTimeZone,
  'month-day': isMonthDay,
  ...Object.fromEntries(
    Object.values(STRATEGY_DECLARATIONS).flatMap((declared) =>
      Object.values(declared as Record<string, StrategyDeclaration>).flatMap((d) =>
        Object.entries(d.formats ?? {}),
      ),
    ),
  ),
};

function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A non-leap year: a fiscal year cannot start on Feb 29. */
function isMonthDay(value: string): boolean {
  const match = /^(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(2001, Number(match[1]) - 1, Number(match[2])));
  return date.getUTCMonth() === Number(match[1]) - 1 && date.getUTCDate() === Number(match[2]);
}
