import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { IfMatch } from '../../core/idempotency/etag';
import { ProgramCatalog, ProgramTerms } from '../../programs/program-catalog';
import { ApplicationRecords, ApplicationScope } from '../application-records';
import { ApplicationNotFoundError, BudgetInvalidError } from '../applications.errors';
import { BudgetDto } from '../dto/application.dto';
import { Application } from '../entities/application.entity';
import { BudgetLine } from '../entities/budget-line.entity';
import { Submission } from '../entities/submission.entity';
import {
  BudgetLineValue,
  budgetSummary,
  lineProblems,
  submissionBudgetProblems,
} from './budget-math';
import { normalizeAmount } from '../../core/money/money';
import { entitySql } from '../../core/database/sql-statement';

const LINES = entitySql(
  'applications.budget-lines',
  BudgetLine,
  'l',
  `SELECT {columns} FROM application_budget_lines l
    WHERE l.agency_id = $1 AND l.application_id = $2
    ORDER BY l.position`,
  { pick: ['functionCode', 'objectCode', 'description', 'amount', 'indirect'] },
);

/** The budget as the API shows it, with what would still block submission. */
export function budgetView(
  application: Pick<Application, 'amountRequested'>,
  lines: BudgetLineValue[],
  terms: Pick<ProgramTerms, 'budgetRules'>,
) {
  return {
    amountRequested: application.amountRequested,
    lines,
    ...budgetSummary(lines),
    rules: terms.budgetRules,
    /** What would still block submission (e.g. not totalling the amount requested yet). */
    problems: submissionBudgetProblems(
      lines,
      terms.budgetRules,
      application.amountRequested,
      '/lines',
    ),
  };
}

/**
 * Budgets: lines of function code x object code, saved as a whole (one If-Match for the
 * application), shown as a matrix with totals, copyable from the organization's earlier
 * application to the same program (or the same Assistance Listing in an earlier year).
 */
@Injectable()
export class ApplicationBudget {
  constructor(
    private readonly db: TenantDb,
    private readonly records: ApplicationRecords,
    private readonly catalog: ProgramCatalog,
    private readonly audit: AuditLog,
  ) {}

  async lines(applicationId: string): Promise<BudgetLineValue[]> {
    return this.db.rows(LINES, [this.db.agencyId, applicationId]);
  }

  async view(application: Application, terms?: ProgramTerms) {
    const t = terms ?? (await this.catalog.terms(application.programId));
    return budgetView(application, await this.lines(application.id), t);
  }

  private async write(application: Application, lines: BudgetLineValue[]): Promise<void> {
    const repo = this.db.repo(BudgetLine);
    await repo.delete({ agencyId: this.db.agencyId, applicationId: application.id });
    if (lines.length > 0) {
      await repo.insert(
        lines.map((l, position) => ({
          agencyId: this.db.agencyId,
          applicationId: application.id,
          position,
          functionCode: l.functionCode,
          objectCode: l.objectCode,
          description: l.description,
          amount: normalizeAmount(l.amount),
          indirect: l.indirect ?? false,
        })),
      );
    }
  }

  private async commit(
    application: Application,
    before: BudgetLineValue[],
    lines: BudgetLineValue[],
    action: string,
  ) {
    application.version += 1;
    await this.records.save(application);
    await this.audit.record({
      action,
      entityType: 'application',
      entityId: application.id,
      before: { lines: before.length, total: budgetSummary(before).total },
      after: {
        lines: lines.length,
        total: budgetSummary(lines).total,
        amountRequested: application.amountRequested,
      },
    });
  }

  /** Replaces all lines. Codes must be allowed even in a draft; totals are checked at submission. */
  async replace(scope: ApplicationScope, applicationId: string, dto: BudgetDto, ifMatch: IfMatch) {
    const application = await this.records.forEdit(scope, applicationId, ifMatch);
    const terms = await this.catalog.terms(application.programId);
    const lines: BudgetLineValue[] = dto.lines.map((l) => ({
      functionCode: l.functionCode,
      objectCode: l.objectCode,
      description: l.description?.trim() ?? '',
      amount: normalizeAmount(l.amount),
      indirect: l.indirect ?? false,
    }));
    const problems = lineProblems(lines, terms.budgetRules);
    if (problems.length > 0) throw new BudgetInvalidError(problems);
    const before = await this.lines(application.id);
    await this.write(application, lines);
    if (dto.amountRequested !== undefined)
      application.amountRequested = normalizeAmount(dto.amountRequested);
    await this.commit(application, before, lines, 'application.budget_saved');
    return { application, budget: await this.view(application, terms) };
  }

  /**
   * Copies lines from an earlier application of the same organization (its latest submitted
   * version if it has one, else its working copy). Lines whose codes are not allowed now are
   * skipped and reported, never silently changed.
   */
  async copyFrom(
    scope: { organizationId: string },
    applicationId: string,
    sourceApplicationId: string,
    mode: 'replace' | 'append',
    ifMatch: IfMatch,
  ) {
    const application = await this.records.forEdit(scope, applicationId, ifMatch);
    if (sourceApplicationId === application.id) throw new ApplicationNotFoundError();
    const source = await this.records.find(scope, sourceApplicationId);
    if (!(await this.catalog.sameFunding(application.programId, source.programId))) {
      throw new BudgetInvalidError([
        { pointer: '/sourceApplicationId', detail: 'is an application to an unrelated program' },
      ]);
    }
    const terms = await this.catalog.terms(application.programId);
    const latest = await this.db.repo(Submission).findOne({
      where: { agencyId: this.db.agencyId, applicationId: source.id },
      order: { number: 'DESC' },
    });
    const sourceLines = latest ? latest.budget : await this.lines(source.id);
    const skipped: Array<{
      line: number;
      functionCode: string;
      objectCode: string;
      reason: string;
    }> = [];
    const copied = sourceLines.filter((l, i) => {
      const problems = lineProblems([l], terms.budgetRules);
      if (problems.length > 0) {
        skipped.push({
          line: i + 1,
          functionCode: l.functionCode,
          objectCode: l.objectCode,
          reason: problems[0].detail.replace(/^line 1: /, ''),
        });
        return false;
      }
      return true;
    });
    const before = await this.lines(application.id);
    const lines = mode === 'append' ? [...before, ...copied] : copied;
    await this.write(application, lines);
    await this.commit(application, before, lines, 'application.budget_copied');
    return {
      application,
      budget: await this.view(application, terms),
      copied: copied.length,
      skipped,
    };
  }
}
