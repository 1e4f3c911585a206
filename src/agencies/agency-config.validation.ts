import { isRoutingNumber } from '../payments/export/routing-number';
import { AgencyConfig } from './agency-config';
import { StrategyKind } from './strategies';

/**
 * Checks one parsed agency file against AgencyConfig. Every problem is reported (not just the
 * first) as `<file>: <field path>: <problem>`, so an operator fixes a file in one pass. Unknown
 * fields are problems too: a misspelt key would otherwise silently fall back to nothing.
 */
type Rule = (value: unknown, path: string, check: Checker) => void;

class Checker {
  readonly problems: string[] = [];
  constructor(readonly file: string) {}

  fail(path: string, problem: string): void {
    this.problems.push(path ? `${this.file}: ${path}: ${problem}` : `${this.file}: ${problem}`);
  }
}

const OPTIONAL = Symbol('optional');
type FieldRule = Rule & { [OPTIONAL]?: true };

const optional = (rule: Rule): FieldRule =>
  Object.assign(rule.bind(null), { [OPTIONAL]: true as const });
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function object(shape: Record<string, FieldRule>): Rule {
  return (value, path, check) => {
    if (!isPlainObject(value)) return check.fail(path, 'must be a mapping of fields');
    for (const [key, rule] of Object.entries(shape)) {
      if (value[key] === undefined || value[key] === null) {
        if (!rule[OPTIONAL]) check.fail(join(path, key), 'is required');
      } else {
        rule(value[key], join(path, key), check);
      }
    }
    for (const key of Object.keys(value)) {
      if (!(key in shape)) check.fail(join(path, key), 'is not a known field');
    }
  };
}

function record(rule: Rule): Rule {
  return (value, path, check) => {
    if (!isPlainObject(value)) return check.fail(path, 'must be a mapping');
    for (const [key, item] of Object.entries(value)) rule(item, join(path, key), check);
  };
}

function list(rule: Rule, options: { nonEmpty?: boolean } = {}): Rule {
  return (value, path, check) => {
    if (!Array.isArray(value)) return check.fail(path, 'must be a list');
    if (options.nonEmpty && value.length === 0) check.fail(path, 'must not be empty');
    const seen = new Set<string>();
    value.forEach((item, index) => {
      const at = `${path}[${index}]`;
      rule(item, at, check);
      const key = JSON.stringify(item);
      if (seen.has(key)) check.fail(at, `repeats ${key}`);
      seen.add(key);
    });
  };
}

function text(pattern?: RegExp, expectation?: string): Rule {
  return (value, path, check) => {
    if (typeof value !== 'string') {
      // YAML turns 1000 and 07 into numbers: say how to keep them as text.
      const hint = typeof value === 'number' ? ' (quote it in YAML)' : '';
      return check.fail(path, `must be ${expectation ?? 'a string'}${hint}`);
    }
    if (value.trim() === '') return check.fail(path, 'must not be empty');
    if (pattern && !pattern.test(value)) check.fail(path, `must be ${expectation}`);
  };
}

function integer(min: number, max: number): Rule {
  return (value, path, check) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      check.fail(path, `must be a whole number from ${min} to ${max}`);
    }
  };
}

function oneOf(values: readonly string[]): Rule {
  return (value, path, check) => {
    if (typeof value !== 'string' || !values.includes(value)) {
      check.fail(path, `must be one of ${values.join(', ')}`);
    }
  };
}

const boolean: Rule = (value, path, check) => {
  if (typeof value !== 'boolean') check.fail(path, 'must be true or false');
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

const timeZone: Rule = (value, path, check) => {
  if (typeof value !== 'string' || !isTimeZone(value)) {
    check.fail(path, 'must be an IANA time zone like "America/Chicago"');
  }
};

const monthDay: Rule = (value, path, check) => {
  const match = typeof value === 'string' ? /^(\d{2})-(\d{2})$/.exec(value) : null;
  // A non-leap year: a fiscal year cannot start on Feb 29.
  const valid =
    match !== null &&
    (() => {
      const date = new Date(Date.UTC(2001, Number(match[1]) - 1, Number(match[2])));
      return date.getUTCMonth() === Number(match[1]) - 1 && date.getUTCDate() === Number(match[2]);
    })();
  if (!valid) check.fail(path, 'must be a month and day "MM-DD" like "07-01"');
};

/** Money: numeric(14,2) as a string, so a YAML float never rounds a threshold. */
const money = text(/^\d{1,12}\.\d{2}$/, 'a decimal string like "25000.00"');

const percent: Rule = (value, path, check) => {
  const ok = typeof value === 'string' && /^\d{1,3}(\.\d{1,2})?$/.test(value);
  if (!ok || Number(value) > 100) {
    check.fail(path, 'must be a percent from "0" to "100" as a decimal string like "10"');
  }
};

const points = text(/^\d{1,4}(\.\d{1,2})?$/, 'a decimal string like "15"');
const email = text(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address');
const url = text(/^https?:\/\/[^\s]+$/, 'an http(s) URL');

const routingNumber: Rule = (value, path, check) => {
  if (typeof value !== 'string' || !isRoutingNumber(value)) {
    const hint = typeof value === 'number' ? ' (quote it in YAML)' : '';
    check.fail(path, `must be a 9-digit routing number with a valid check digit${hint}`);
  }
};

/** NACHA fields are fixed-width: names are cut to width, identifiers must fit exactly. */
const achOriginator = object({
  immediateDestination: routingNumber,
  immediateDestinationName: text(/^[\x20-\x7e]{1,23}$/, 'at most 23 plain characters'),
  immediateOrigin: text(/^(\d{10}| \d{9}|\d{9})$/, '9 or 10 digits'),
  immediateOriginName: text(/^[\x20-\x7e]{1,23}$/, 'at most 23 plain characters'),
  companyName: text(/^[\x20-\x7e]{1,16}$/, 'at most 16 plain characters'),
  companyIdentification: text(/^[0-9A-Za-z ]{10}$/, '10 letters or digits'),
  odfiIdentification: text(/^\d{8}$/, '8 digits, the start of the bank routing number'),
});

function strategy(kind: StrategyKind, names: (kind: StrategyKind) => string[]): Rule {
  return (value, path, check) => {
    const known = names(kind);
    if (typeof value !== 'string' || !known.includes(value)) {
      check.fail(path, `must name a known ${kind} strategy (${known.join(', ')})`);
    }
  };
}

export const AGENCY_CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function agencyShape(names: (kind: StrategyKind) => string[]): Rule {
  return object({
    code: text(AGENCY_CODE, 'lowercase letters, digits and single hyphens, like "mo-dese"'),
    name: text(),
    jurisdiction: text(),
    timeZone,
    fiscalYearStart: monthDay,
    branding: object({
      displayName: text(),
      primaryColor: text(/^#[0-9A-Fa-f]{6}$/, 'a color "#RRGGBB"'),
      logoUrl: optional(url),
      emailFooter: text(),
    }),
    finance: object({
      paymentModels: list(oneOf(['reimbursement', 'advance']), { nonEmpty: true }),
      dualApprovalThreshold: money,
      budgetTolerancePercent: percent,
      allowedFunctionCodes: list(text(/^\d{4}$/, 'a 4-digit NCES function code like "1000"'), {
        nonEmpty: true,
      }),
      allowedObjectCodes: list(text(/^\d{3}$/, 'a 3-digit NCES object code like "100"'), {
        nonEmpty: true,
      }),
      paymentExportFormat: strategy('paymentExport', names),
      paymentCutoff: object({
        requestWindowStartDay: integer(1, 31),
        requestWindowEndDay: integer(1, 31),
        payByDay: integer(1, 31),
      }),
      paymentFileRetentionDays: optional(integer(0, 3650)),
      achOriginator: optional(achOriginator),
    }),
    review: object({
      reviewersPerApplication: integer(1, 25),
      aggregation: oneOf(['mean', 'trimmed-mean', 'z-score']),
      outlierThresholdPoints: points,
    }),
    applications: object({
      maxAttachmentBytes: integer(1, 1024 * 1024 * 1024),
      allowedAttachmentTypes: list(
        text(/^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/, 'a media type like "application/pdf"'),
        { nonEmpty: true },
      ),
      deadlineReminderDays: list(integer(0, 365)),
      submissionGraceMinutes: integer(0, 1440),
    }),
    notifications: object({
      senderName: text(),
      senderEmail: email,
      replyTo: optional(email),
      templateOverrides: optional(
        record(
          object({
            subject: optional(text()),
            text: optional(text()),
            html: optional(text()),
          }),
        ),
      ),
    }),
    features: record(boolean),
    access: optional(object({ privilegedRoleConfirmation: optional(boolean) })),
  });
}

export interface AgencyConfigCheck {
  config?: AgencyConfig;
  problems: string[];
}

/**
 * Validates one parsed file. `expectedCode` is the file's base name, which must equal `code` so
 * the file for an agency is always where an operator looks for it.
 */
export function validateAgencyConfig(
  raw: unknown,
  file: string,
  expectedCode: string,
  strategyNames: (kind: StrategyKind) => string[],
): AgencyConfigCheck {
  const check = new Checker(file);
  if (!isPlainObject(raw)) {
    check.fail('', 'must be a YAML mapping of agency settings');
    return { problems: check.problems };
  }
  agencyShape(strategyNames)(raw, '', check);
  if (typeof raw.code === 'string' && raw.code !== expectedCode) {
    check.fail('code', `must match the file name ("${expectedCode}"), got "${raw.code}"`);
  }
  const finance = isPlainObject(raw.finance) ? raw.finance : {};
  if (finance.paymentExportFormat === 'nacha-ach' && finance.achOriginator == null) {
    check.fail('finance.achOriginator', 'is required when paymentExportFormat is nacha-ach');
  }
  if (check.problems.length > 0) return { problems: check.problems };
  return { config: raw as unknown as AgencyConfig, problems: [] };
}
