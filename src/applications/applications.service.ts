import { Injectable } from '@nestjs/common';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { IfMatch } from '../core/idempotency/etag';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import { OrganizationDirectory } from '../organizations/organization-directory';
import { ProgramCatalog, windowState } from '../programs/program-catalog';
import { ApplicationReads } from './application-reads';
import { ApplicationRecords, ApplicationScope } from './application-records';
import { applicationSummary, applicationView } from './application.view';
import {
  ApplicationInvalidError,
  DuplicateApplicationError,
  NotEligibleError,
  ProgramNotAcceptingError,
  WindowClosedError,
} from './applications.errors';
import { ApplicationAttachments } from './attachments/application-attachments.service';
import { ApplicationBudget, budgetView } from './budget/application-budget.service';
import {
  ApplicationListQuery,
  StartApplicationDto,
  UpdateApplicationDto,
} from './dto/application.dto';
import { Application } from './entities/application.entity';
import { eligibilityProblems, SubmissionReadiness } from './submission/submission-readiness';
import { normalizeAmount } from '../core/money/money';
import { entitySql, sql } from '../core/database/sql-statement';

/** One application per organization and program: starts are serialised per pair. */
const LOCK_ORGANIZATION_PROGRAM = sql(
  'applications.organization-program-lock',
  `SELECT pg_advisory_xact_lock(hashtext('application:' || $1 || ':' || $2))`,
);
const LIVE_APPLICATION = entitySql(
  'applications.live-of-organization-program',
  Application,
  'a',
  `SELECT {columns} FROM applications a WHERE a.agency_id = $1 AND a.organization_id = $2 AND a.program_id = $3 AND a.status <> 'withdrawn' LIMIT 1`,
  { pick: ['id'] },
);

/**
 * The organization's other applications a budget may be copied from: titles and dates only (the
 * budget page lists them on every visit; whole rows carry every answer).
 */
const BUDGET_SOURCES = sql<{ id: string; projectTitle: string | null; createdAt: Date }>(
  'applications.budget-sources',
  `SELECT id, project_title AS "projectTitle", created_at AS "createdAt"
     FROM applications
    WHERE agency_id = $1 AND organization_id = $2 AND id <> $3
    ORDER BY created_at DESC, id DESC
    LIMIT 50`,
);

/** Applicants' working copies: start one, read it (with what still blocks submission), save it. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: ApplicationRecords,
    private readonly reads: ApplicationReads,
    private readonly catalog: ProgramCatalog,
    private readonly organizations: OrganizationDirectory,
    private readonly budget: ApplicationBudget,
    private readonly attachments: ApplicationAttachments,
    private readonly readiness: SubmissionReadiness,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts a draft for an approved, eligible organization while the program accepts
   * applications. One active application per organization and program unless the program
   * allows more: concurrent starts are serialised by a transaction-scoped advisory lock.
   */
  async start(organizationId: string, dto: StartApplicationDto) {
    const organization = await this.organizations.get(organizationId);
    const terms = await this.catalog.terms(dto.programId);
    if (terms.status !== 'published' || !terms.currentFormVersion)
      throw new ProgramNotAcceptingError(terms.status);
    const now = this.clock.now();
    if (windowState(terms, now) === 'closed') {
      throw new WindowClosedError({
        closesAt: terms.closesAt?.toISOString() ?? null,
        acceptsUntil: terms.acceptsUntil?.toISOString() ?? null,
        now: now.toISOString(),
      });
    }
    // Identifiers may still be added before submission; type and approval cannot change.
    const eligibility = eligibilityProblems(organization, terms).filter(
      (p) => p.pointer === '/organization/status' || p.pointer === '/organization/type',
    );
    if (eligibility.length > 0) throw new NotEligibleError(eligibility);

    if (!terms.allowMultipleApplications) {
      await this.db.rows(LOCK_ORGANIZATION_PROGRAM, [organizationId, dto.programId]);
      const existing = await this.db.rows(LIVE_APPLICATION, [
        this.db.agencyId,
        organizationId,
        dto.programId,
      ]);
      if (existing.length > 0) throw new DuplicateApplicationError(existing[0].id);
    }
    const repo = this.db.repo(Application);
    const application = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        programId: dto.programId,
        organizationId,
        status: 'draft',
        formVersion: terms.currentFormVersion,
        projectTitle: dto.projectTitle ?? null,
        answers: {},
        createdBy: this.context.actor?.userId ?? null,
        updatedBy: this.context.actor?.userId ?? null,
      }),
    );
    await this.records.recordStatus(application, null);
    await this.audit.record({
      action: 'application.started',
      entityType: 'application',
      entityId: application.id,
      after: { programId: dto.programId, organizationId, formVersion: application.formVersion },
    });
    return this.detail({ organizationId }, application.id);
  }

  /** The working copy with its budget, attachments, history and what still blocks submission. */
  async detail(scope: ApplicationScope, applicationId: string) {
    const { application, lines, attachments, history } = await this.reads.detail(
      scope,
      applicationId,
    );
    const terms = await this.catalog.terms(application.programId);
    const problems = ['draft', 'returned'].includes(application.status)
      ? await this.readiness.problems(application, terms, { lines, attachments })
      : [];
    return {
      ...applicationView(application),
      program: {
        id: terms.id,
        code: terms.code,
        title: terms.title,
        timeZone: terms.timeZone,
        opensAt: terms.opensAt?.toISOString() ?? null,
        closesAt: terms.closesAt?.toISOString() ?? null,
        acceptsSubmissionsUntil: terms.acceptsUntil?.toISOString() ?? null,
        window: windowState(terms, this.clock.now()),
        requiredAttachments: terms.requiredAttachments,
      },
      budget: budgetView(application, lines, terms),
      attachments,
      readiness: { canSubmit: problems.length === 0, problems },
      history,
    };
  }

  /** Saves answers, title and amount. Answers are checked against the form: partial, not wrong. */
  async update(
    scope: ApplicationScope,
    applicationId: string,
    dto: UpdateApplicationDto,
    ifMatch: IfMatch,
  ) {
    const amountRequested =
      dto.amountRequested === undefined || dto.amountRequested === null
        ? dto.amountRequested
        : normalizeAmount(dto.amountRequested);
    // The usual case (editable, If-Match holds) is one UPDATE; invalid answers roll it back.
    const saved = await this.records.editInPlace(scope, applicationId, ifMatch, {
      answers: dto.answers,
      amountRequested,
      projectTitle: dto.projectTitle,
    });
    if (saved) {
      await this.assertDraftAnswers(saved, dto.answers);
      await this.recordSaved(saved, dto);
      return applicationView(saved);
    }

    const application = await this.records.forEdit(scope, applicationId, ifMatch);
    await this.assertDraftAnswers(application, dto.answers);
    if (dto.answers !== undefined) application.answers = dto.answers;
    if (amountRequested !== undefined) application.amountRequested = amountRequested;
    if (dto.projectTitle !== undefined) application.projectTitle = dto.projectTitle;
    application.version += 1;
    await this.records.save(application);
    await this.recordSaved(application, dto);
    return applicationView(application);
  }

  /** Answers may be partial in a draft, never wrong for the application's form version. */
  private async assertDraftAnswers(application: Application, answers: unknown): Promise<void> {
    if (answers === undefined) return;
    const problems = await this.catalog.validateAnswers(
      application.programId,
      application.formVersion,
      answers,
      'draft',
    );
    if (problems.length > 0) throw new ApplicationInvalidError(problems);
  }

  private async recordSaved(application: Application, dto: UpdateApplicationDto) {
    const changed = (['answers', 'amountRequested', 'projectTitle'] as const).filter(
      (field) => dto[field] !== undefined,
    );
    await this.audit.record({
      action: 'application.saved',
      entityType: 'application',
      entityId: application.id,
      after: {
        changed,
        amountRequested: application.amountRequested,
        version: application.version,
      },
    });
  }

  /**
   * The applications of several organizations of this agency (one person's, for the front
   * door), newest first, in one query. The caller passes only organizations the person belongs to.
   */
  async listForOrganizations(organizationIds: string[], limit = 100) {
    if (organizationIds.length === 0) return [];
    const rows = await this.db
      .repo(Application)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.organization_id = ANY(:ids::uuid[])', {
        agencyId: this.db.agencyId,
        ids: organizationIds,
      })
      .andWhere("a.status <> 'withdrawn'")
      .orderBy('a.updated_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map((a) => applicationSummary(a));
  }

  /** The organization's newest applications but one, to copy a budget from. */
  budgetSources(organizationId: string, exceptApplicationId: string) {
    return this.db.rows(BUDGET_SOURCES, [this.db.agencyId, organizationId, exceptApplicationId]);
  }

  /** An organization's applications, newest first. */
  async listForOrganization(organizationId: string, query: ApplicationListQuery) {
    const limit = pageLimit(query.limit);
    const qb = this.db
      .repo(Application)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.organization_id = :organizationId', {
        agencyId: this.db.agencyId,
        organizationId,
      });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.programId) qb.andWhere('a.program_id = :programId', { programId: query.programId });
    const cursor = decodeCursor(query.cursor, TIME_AND_ID);
    if (cursor)
      qb.andWhere('(a.created_at, a.id) < (:at::timestamptz, :id::uuid)', {
        at: cursor[0],
        id: cursor[1],
      });
    const rows = await qb
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return toPage(
      rows,
      limit,
      (a) => [a.createdAt.toISOString(), a.id],
      (a) => applicationSummary(a),
    );
  }
}
