import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateAgencyConfig } from './agency-config.validation';

const shipped = (code: string) =>
  parse(readFileSync(join(__dirname, '..', '..', 'config', 'agencies', `${code}.yaml`), 'utf8'));

function problemsOf(mutate: (config: any) => void, code = 'mo-dese'): string[] {
  const config = shipped('mo-dese');
  config.code = code;
  mutate(config);
  return validateAgencyConfig(config, `config/agencies/${code}.yaml`, code).problems;
}

describe('agency configuration validation', () => {
  it.each(['mo-dese', 'ks-ksde'])('accepts the shipped %s module', (code) => {
    const check = validateAgencyConfig(shipped(code), `${code}.yaml`, code);
    expect(check.problems).toEqual([]);
    expect(check.config?.code).toBe(code);
  });

  it('names file, field path and problem for a money value written as a number', () => {
    expect(problemsOf((c) => (c.finance.dualApprovalThreshold = 25000), 'ia-doe')).toEqual([
      'config/agencies/ia-doe.yaml: finance.dualApprovalThreshold: must be a decimal string like "25000.00" (quote it in YAML)',
    ]);
  });

  it('takes payment file retention as a whole number of days (optional)', () => {
    expect(problemsOf((c) => (c.finance.paymentFileRetentionDays = 30))).toEqual([]);
    expect(problemsOf((c) => (c.finance.paymentFileRetentionDays = '90'))).toEqual([
      'config/agencies/mo-dese.yaml: finance.paymentFileRetentionDays: must be a whole number from 0 to 3650',
    ]);
  });

  it('collects every problem in a file instead of stopping at the first', () => {
    const problems = problemsOf((c) => {
      c.timeZone = 'America/Chicgo';
      c.fiscalYearStart = '02-30';
      c.branding.primaryColor = 'blue';
      c.finance.paymentModels = ['reimbursement', 'grant'];
      c.finance.budgetTolerancePercent = '150';
      c.finance.allowedFunctionCodes = ['1000', '1000', 'abcd'];
      c.finance.paymentCutoff.payByDay = 32;
      c.review.aggregation = 'median';
      delete c.notifications.senderEmail;
      c.features.programTemplates = 'yes';
    });
    const at = 'config/agencies/mo-dese.yaml: ';
    expect(problems).toEqual(
      expect.arrayContaining([
        `${at}timeZone: must be an IANA time zone like "America/Chicago"`,
        `${at}fiscalYearStart: must be a month and day "MM-DD" like "07-01"`,
        `${at}branding.primaryColor: must be a color "#RRGGBB"`,
        `${at}finance.paymentModels[1]: must be one of reimbursement, advance`,
        `${at}finance.budgetTolerancePercent: must be a percent from "0" to "100" as a decimal string like "10"`,
        `${at}finance.allowedFunctionCodes[1]: repeats "1000"`,
        `${at}finance.allowedFunctionCodes[2]: must be a 4-digit NCES function code like "1000"`,
        `${at}finance.paymentCutoff.payByDay: must be a whole number from 1 to 31`,
        `${at}review.aggregation: must be one of mean, trimmed-mean, z-score`,
        `${at}notifications.senderEmail: is required`,
        `${at}features.programTemplates: must be true or false`,
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it('refuses an unknown payment export strategy, listing the known ones', () => {
    expect(problemsOf((c) => (c.finance.paymentExportFormat = 'fixed-width'))).toEqual([
      'config/agencies/mo-dese.yaml: finance.paymentExportFormat: must name a known paymentExport strategy (csv, nacha-ach)',
    ]);
  });

  it('refuses misspelt (unknown) fields rather than ignoring them', () => {
    expect(
      problemsOf((c) => {
        c.finance.dualAprovalThreshold = '1.00';
        c.colour = 'red';
      }),
    ).toEqual([
      'config/agencies/mo-dese.yaml: colour: is not a known field',
      'config/agencies/mo-dese.yaml: finance.dualAprovalThreshold: is not a known field',
    ]);
  });

  it('requires the code to match the file name and to be URL-safe', () => {
    const config = shipped('mo-dese');
    expect(validateAgencyConfig(config, 'x/mo.yaml', 'mo').problems).toEqual([
      'x/mo.yaml: code: must match the file name ("mo"), got "mo-dese"',
    ]);
    config.code = 'MO DESE';
    expect(validateAgencyConfig(config, 'x/MO DESE.yaml', 'MO DESE').problems).toEqual([
      'x/MO DESE.yaml: code: must be lowercase letters, digits and single hyphens, like "mo-dese"',
    ]);
  });

  it('accepts a timezone alias Intl knows and refuses offsets and nonsense', () => {
    expect(problemsOf((c) => (c.timeZone = 'America/New_York'))).toEqual([]);
    expect(problemsOf((c) => (c.timeZone = '+05:00'))).toHaveLength(1);
    expect(problemsOf((c) => (c.timeZone = 'Mars/Olympus'))).toHaveLength(1);
  });

  it('checks optional fields only when present', () => {
    expect(problemsOf((c) => delete c.notifications.replyTo)).toEqual([]);
    expect(problemsOf((c) => (c.notifications.replyTo = 'not-an-email'))).toEqual([
      'config/agencies/mo-dese.yaml: notifications.replyTo: must be an email address',
    ]);
    expect(
      problemsOf((c) => (c.notifications.templateOverrides = { 'payment.paid': { subjct: 'x' } })),
    ).toEqual([
      'config/agencies/mo-dese.yaml: notifications.templateOverrides.payment.paid.subjct: is not a known field',
    ]);
  });

  it('accepts overrides of known notification templates only', () => {
    expect(
      problemsOf((c) => (c.notifications.templateOverrides = { 'payment.paid': { subject: 'x' } })),
    ).toEqual([]);
    expect(
      problemsOf(
        (c) => (c.notifications.templateOverrides = { 'payment.payed': { subject: 'x' } }),
      ),
    ).toEqual([
      'config/agencies/mo-dese.yaml: notifications.templateOverrides.payment.payed: is not a known notification template',
    ]);
  });

  it('accepts known feature switches only', () => {
    expect(problemsOf((c) => (c.features = { formulaAllocations: false }))).toEqual([]);
    expect(problemsOf((c) => (c.features.programTemplate = false))).toEqual([
      'config/agencies/mo-dese.yaml: features.programTemplate: is not a known feature (programTemplates, formulaAllocations)',
    ]);
  });

  it('fills in what a file leaves out: features on, role confirmation on, files kept 90 days', () => {
    const config = shipped('ks-ksde');
    delete config.features;
    delete config.access;
    const check = validateAgencyConfig(config, 'ks-ksde.yaml', 'ks-ksde');
    expect(check.problems).toEqual([]);
    expect(check.config?.features).toEqual({ programTemplates: true, formulaAllocations: true });
    expect(check.config?.access).toEqual({
      privilegedRoleConfirmation: true,
      mfaRequiredRoles: ['finance_officer', 'agency_admin', 'platform_admin'],
    });
    expect(check.config?.finance.paymentFileRetentionDays).toBe(90);
    const off = shipped('mo-dese');
    off.features = { programTemplates: false };
    off.access = {};
    off.finance.paymentFileRetentionDays = 30;
    const kept = validateAgencyConfig(off, 'mo-dese.yaml', 'mo-dese').config;
    expect(kept?.features).toEqual({ programTemplates: false, formulaAllocations: true });
    expect(kept?.access.privilegedRoleConfirmation).toBe(true);
    expect(kept?.finance.paymentFileRetentionDays).toBe(30);
  });

  it('treats an empty YAML value as absent', () => {
    expect(problemsOf((c) => (c.notifications.replyTo = null))).toEqual([]);
    expect(problemsOf((c) => (c.name = null))).toEqual([
      'config/agencies/mo-dese.yaml: name: is required',
    ]);
  });

  it('says "must not be empty" for blank text and empty lists', () => {
    expect(
      problemsOf((c) => {
        c.branding.displayName = '  ';
        c.finance.allowedObjectCodes = [];
      }),
    ).toEqual([
      'config/agencies/mo-dese.yaml: branding.displayName: must not be empty',
      'config/agencies/mo-dese.yaml: finance.allowedObjectCodes: must not be empty',
    ]);
  });

  it('checks the privileged-role confirmation switch (optional, true or false)', () => {
    expect(problemsOf((c) => (c.access = { privilegedRoleConfirmation: false }))).toEqual([]);
    expect(problemsOf((c) => (c.access = { privilegedRoleConfirmation: 'off' }))).toEqual([
      'config/agencies/mo-dese.yaml: access.privilegedRoleConfirmation: must be true or false',
    ]);
    expect(problemsOf((c) => (c.access = { privilegedRoleConfirmations: true }))).toEqual([
      'config/agencies/mo-dese.yaml: access.privilegedRoleConfirmations: is not a known field',
    ]);
  });

  it('refuses a file that is not a mapping', () => {
    expect(validateAgencyConfig(['a'], 'a.yaml', 'a').problems).toEqual([
      'a.yaml: must be a YAML mapping of agency settings',
    ]);
  });
});
