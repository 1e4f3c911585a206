import { Injectable } from '@nestjs/common';
import { FinalAllocations } from '../../allocations/final-allocations';
import { FieldProblem } from '../../core/errors/domain-error';
import {
  OrganizationDirectory,
  OrganizationSummary,
} from '../../organizations/organization-directory';
import { ProgramCatalog, ProgramTerms } from '../../programs/program-catalog';
import { ApplicationAttachments } from '../attachments/application-attachments.service';
import { ApplicationBudget } from '../budget/application-budget.service';
import { BudgetLineValue, submissionBudgetProblems } from '../budget/budget-math';
import { Application } from '../entities/application.entity';
import { Attachment } from '../entities/attachment.entity';
import { toCents } from '../../core/money/money';

/** What the checks read of an attachment. */
type CurrentAttachment = Pick<Attachment, 'id' | 'requirementKey'>;

const IDENTIFIER_LABELS: Record<string, string> = {
  stateDistrictCode: 'state district code',
  ncesLeaId: 'NCES LEA id',
  uei: 'UEI',
};

/** Eligibility of an organization for a program (type, identifiers, approved). */
export function eligibilityProblems(org: OrganizationSummary, terms: ProgramTerms): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (org.status !== 'active') {
    problems.push({
      pointer: '/organization/status',
      detail: `the organization is ${org.status}, not approved`,
    });
  }
  const types = terms.eligibility.organizationTypes ?? [];
  if (types.length > 0 && !types.includes(org.type)) {
    problems.push({
      pointer: '/organization/type',
      detail: `${org.type} organizations are not eligible (eligible: ${types.join(', ')})`,
    });
  }
  for (const id of terms.eligibility.requiredIdentifiers ?? []) {
    if (!org[id as keyof OrganizationSummary]) {
      problems.push({
        pointer: `/organization/${id}`,
        detail: `the program requires the organization's ${IDENTIFIER_LABELS[id] ?? id}`,
      });
    }
  }
  return problems;
}

/**
 * Everything that must hold before an application can be submitted, as one list of JSON
 * Pointer problems: complete answers, a budget within the rules that totals the request, the
 * required attachments, an amount within the award range, an eligible organization.
 */
@Injectable()
export class SubmissionReadiness {
  constructor(
    private readonly catalog: ProgramCatalog,
    private readonly organizations: OrganizationDirectory,
    private readonly budget: ApplicationBudget,
    private readonly attachments: ApplicationAttachments,
    private readonly allocations: FinalAllocations,
  ) {}

  /** What blocks submission; `loaded` saves reading lines and attachments a caller already has. */
  async problems(
    application: Application,
    terms: ProgramTerms,
    loaded?: { lines: BudgetLineValue[]; attachments: CurrentAttachment[] },
  ): Promise<FieldProblem[]> {
    if (loaded)
      return (await this.judge(application, terms, loaded.lines, loaded.attachments)).problems;
    return (await this.assess(application, terms)).problems;
  }

  /**
   * The problems, with the budget lines and current attachments they were judged on: submitting
   * stores exactly those in the version, without reading them a second time.
   */
  async assess(application: Application, terms: ProgramTerms) {
    const current = await this.attachments.current(application.id);
    const lines = await this.budget.lines(application.id);
    const judged = await this.judge(application, terms, lines, current);
    return { ...judged, lines, attachments: current };
  }

  private async judge(
    application: Application,
    terms: ProgramTerms,
    lines: BudgetLineValue[],
    current: CurrentAttachment[],
  ) {
    const problems = await this.catalog.validateAnswers(
      application.programId,
      application.formVersion,
      application.answers,
      'complete',
    );
    const currentIds = new Set(current.map((a) => a.id));
    for (const file of await this.catalog.fileAnswers(
      application.programId,
      application.formVersion,
      application.answers,
    )) {
      if (!currentIds.has(file.id))
        problems.push({ pointer: file.pointer, detail: 'names no attachment of this application' });
    }

    const amount = application.amountRequested;
    if (amount === null) {
      problems.push({ pointer: '/amountRequested', detail: 'is required' });
    } else {
      if (terms.awardFloor && toCents(amount) < toCents(terms.awardFloor)) {
        problems.push({
          pointer: '/amountRequested',
          detail: `must be at least the award floor of ${terms.awardFloor}`,
        });
      }
      if (terms.awardCeiling && toCents(amount) > toCents(terms.awardCeiling)) {
        problems.push({
          pointer: '/amountRequested',
          detail: `must be at most the award ceiling of ${terms.awardCeiling}`,
        });
      }
      // A formula program's final allocation caps what the organization may budget.
      const cap =
        terms.kind === 'formula'
          ? await this.allocations.capFor(application.programId, application.organizationId)
          : null;
      if (cap !== null && toCents(amount) > toCents(cap)) {
        problems.push({
          pointer: '/amountRequested',
          detail: `must be at most the organization's final allocation of ${cap}`,
        });
      }
    }
    problems.push(...submissionBudgetProblems(lines, terms.budgetRules, amount));

    for (const requirement of terms.requiredAttachments) {
      if (!current.some((a) => a.requirementKey === requirement.key)) {
        problems.push({
          pointer: `/attachments/${requirement.key}`,
          detail: `is required: ${requirement.label}`,
        });
      }
    }
    const organization = await this.organizations.get(application.organizationId);
    problems.push(...eligibilityProblems(organization, terms));
    return { problems, organization };
  }
}
