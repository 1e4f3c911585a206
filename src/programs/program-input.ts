import type { AgencyConfig } from '../agencies/agency-config';
import { parseAgencyDateTime } from '../core/clock/zoned-time';
import { FieldProblem } from '../core/errors/domain-error';
import { UpdateProgramDto } from './dto/program.dto';
import { Program } from './entities/program.entity';
import { checkFormDefinition } from './forms/form-compiler';
import { FormDefinition } from './forms/form-definition';
import {
  AgencyLimits,
  checkBudgetRules,
  checkEligibility,
  checkRequiredAttachments,
  checkRubric,
  RequiredAttachment,
  Rubric,
} from './program-settings';
import { normalizeAmount, toCents } from '../core/money/money';

export function agencyLimits(config: AgencyConfig): AgencyLimits {
  return {
    allowedFunctionCodes: config.finance.allowedFunctionCodes,
    allowedObjectCodes: config.finance.allowedObjectCodes,
    allowedAttachmentTypes: config.applications.allowedAttachmentTypes,
  };
}

const money = (v: string | null | undefined) => (v == null ? null : normalizeAmount(v));

/**
 * Turns a create/update body into changes to a program, checking each part against the format
 * and the agency's configuration. Fields absent from the body are left alone; null clears.
 * Returns the changes and every problem found (pointers into the body), never half of them.
 */
export function programChanges(
  dto: UpdateProgramDto,
  agency: AgencyConfig,
): { changes: Partial<Program>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const changes: Partial<Program> = {};
  const limits = agencyLimits(agency);
  const has = (k: keyof UpdateProgramDto) => dto[k] !== undefined;

  for (const k of ['code', 'title', 'description', 'kind'] as const) {
    if (has(k)) Object.assign(changes, { [k]: dto[k] });
  }
  for (const k of [
    'fundingSource',
    'assistanceListingNumber',
    'assistanceListingTitle',
    'fain',
    'fiscalYear',
    'performanceStart',
    'performanceEnd',
    'graceMinutes',
  ] as const) {
    if (has(k)) Object.assign(changes, { [k]: dto[k] ?? null });
  }
  for (const k of ['fundsAvailable', 'awardFloor', 'awardCeiling'] as const) {
    if (has(k)) changes[k] = money(dto[k]);
  }
  for (const k of ['opensAt', 'closesAt'] as const) {
    const raw = dto[k];
    if (raw === undefined) continue;
    if (raw === null) {
      changes[k] = null;
      continue;
    }
    const parsed = parseAgencyDateTime(raw, agency.timeZone);
    if (parsed.ok) changes[k] = parsed.instant;
    else
      problems.push({
        pointer: `/${k}`,
        detail:
          parsed.reason === 'nonexistent'
            ? `does not exist in ${agency.timeZone} (skipped by a daylight-saving change)`
            : `must be a local date-time like 2026-03-31T17:00 (${agency.timeZone}) or an ISO instant with an offset`,
      });
  }
  if (has('eligibility')) {
    problems.push(...checkEligibility(dto.eligibility));
    changes.eligibility = dto.eligibility;
  }
  if (has('form')) {
    if (dto.form !== null) problems.push(...checkFormDefinition(dto.form, '/form'));
    changes.form = (dto.form ?? null) as FormDefinition | null;
  }
  if (has('requiredAttachments')) {
    problems.push(...checkRequiredAttachments(dto.requiredAttachments, limits));
    changes.requiredAttachments = dto.requiredAttachments as RequiredAttachment[];
  }
  if (has('budgetRules')) {
    problems.push(...checkBudgetRules(dto.budgetRules, limits));
    changes.budgetRules = dto.budgetRules;
  }
  if (has('rubric')) {
    if (dto.rubric !== null) problems.push(...checkRubric(dto.rubric));
    changes.rubric = (dto.rubric ?? null) as Rubric | null;
  }
  if (has('allowMultipleApplications'))
    changes.allowMultipleApplications = dto.allowMultipleApplications!;
  if (has('shareable')) changes.shareable = dto.shareable!;
  return { changes, problems };
}

/** Rules between fields, checked on the program as it would be after the change. */
export function crossFieldProblems(p: Partial<Program>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (p.opensAt && p.closesAt && p.opensAt >= p.closesAt) {
    problems.push({ pointer: '/closesAt', detail: 'must be after opensAt' });
  }
  if (p.awardFloor && p.awardCeiling && toCents(p.awardFloor) > toCents(p.awardCeiling)) {
    problems.push({ pointer: '/awardCeiling', detail: 'must not be less than awardFloor' });
  }
  if (p.awardCeiling && p.fundsAvailable && toCents(p.awardCeiling) > toCents(p.fundsAvailable)) {
    problems.push({ pointer: '/awardCeiling', detail: 'must not exceed fundsAvailable' });
  }
  if (p.performanceStart && p.performanceEnd && p.performanceStart > p.performanceEnd) {
    problems.push({ pointer: '/performanceEnd', detail: 'must not be before performanceStart' });
  }
  return problems;
}

/** What applicants need before a program can open: checked when it is published. */
export function publishProblems(p: Program): FieldProblem[] {
  const missing = (pointer: string, detail = 'is required to publish') => ({ pointer, detail });
  const problems: FieldProblem[] = [];
  if (!p.fiscalYear) problems.push(missing('/fiscalYear'));
  if (!p.fundsAvailable) problems.push(missing('/fundsAvailable'));
  if (!p.opensAt) problems.push(missing('/opensAt'));
  if (!p.closesAt) problems.push(missing('/closesAt'));
  if (!p.form) problems.push(missing('/form'));
  if (p.kind === 'competitive' && !p.rubric)
    problems.push(missing('/rubric', 'is required to publish a competitive program'));
  if (p.fundingSource === 'federal' && !p.assistanceListingNumber) {
    problems.push(
      missing('/assistanceListingNumber', 'is required for a federally funded program'),
    );
  }
  return [...problems, ...crossFieldProblems(p)];
}
