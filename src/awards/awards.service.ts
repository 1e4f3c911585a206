import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AgencyDirectory } from '../agencies/agency-directory';
import { ApplicationDirectory } from '../applications/application-directory';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { FieldProblem } from '../core/errors/domain-error';
import { JobQueue } from '../core/jobs';
import { fromCents, isAmount, toCents } from '../core/money/money';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import { OrganizationDirectory } from '../organizations/organization-directory';
import { Ledger } from '../ledger/ledger';
import { ProgramCatalog } from '../programs/program-catalog';
import { AwardNotifications } from './award-notifications';
import { isUniqueViolation } from '../core/database/unique-violation';
import { AwardRecords, AwardScope } from './award-records';
import { awardView, AwardView } from './award.view';
import {
  AwardExistsError,
  AwardInvalidError,
  AwardStatusError,
  BudgetInvalidError,
  FundingSourceNotReadyError,
} from './awards.errors';
import { budgetTotalCents, combineByCode, prorate } from './budget/award-budget-math';
import { Award, AwardStatus } from './entities/award.entity';
import { AwardNotice } from './entities/award-notice.entity';
import {
  FUNDING_DECISIONS,
  FundingDecisionsPort,
  FundingSourceInput,
} from './funding/funding-sources';
import { WebhookEvents } from '../webhooks/webhook-events';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What a new award is made of, once every rule passed. */
interface NewAwardTerms {
  program: NonNullable<Awaited<ReturnType<ProgramCatalog['federalAwardTerms']>>>;
  start: string;
  end: string;
  organization: Awaited<ReturnType<OrganizationDirectory['get']>>;
  budget: Awaited<ReturnType<AwardsService['initialBudget']>>;
}

/**
 * Making awards (from a released decision, a final allocation, or a carryover), the
 * representative's acceptance or refusal, and reading them. Making an award obligates its
 * amount in the ledger, versions its terms, and queues its notice PDF and the notification.
 */
@Injectable()
export class AwardsService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: AwardRecords,
    private readonly programs: ProgramCatalog,
    private readonly applications: ApplicationDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly agencies: AgencyDirectory,
    private readonly ledger: Ledger,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly notices: AwardNotifications,
    @Inject(FUNDING_DECISIONS) private readonly decisions: FundingDecisionsPort,
    private readonly webhooks: WebhookEvents,
  ) {}

  /** From a released decision or a final allocation, read through the reviews module. */
  async createFromFunding(input: {
    source: 'decision' | 'allocation';
    sourceId: string;
    federalAwardDate?: string;
  }): Promise<AwardView> {
    if (input.source === 'decision') {
      const d = await this.decisions.getApprovedDecision(input.sourceId);
      if (!d.releasedAt) throw new FundingSourceNotReadyError('The decision is not released yet.');
      return this.createFromFundingSource({
        source: 'decision',
        sourceId: d.decisionId,
        applicationId: d.applicationId,
        programId: d.programId,
        organizationId: d.organizationId,
        amount: d.amount,
        federalAwardDate: input.federalAwardDate,
      });
    }
    const a = await this.decisions.getFinalAllocation(input.sourceId);
    if (!a.publishedAt) throw new FundingSourceNotReadyError('The allocation is not final yet.');
    return this.createFromFundingSource({
      source: 'allocation',
      sourceId: a.allocationId,
      programId: a.programId,
      organizationId: a.organizationId,
      amount: a.amount,
      federalAwardDate: input.federalAwardDate,
    });
  }

  async createFromFundingSource(input: FundingSourceInput): Promise<AwardView> {
    const terms = await this.validateNewAward(input);
    const { award, obligation } = await this.persistNewAward(input, terms);
    await this.announceOffer(input, award, obligation);
    return awardView(award, await this.records.latestNotice(award.id));
  }

  /**
   * A positive amount, a known program, a period of performance, no award from this source
   * yet, a known organization and a budget that adds up. Returns what the award is made of.
   */
  private async validateNewAward(input: FundingSourceInput): Promise<NewAwardTerms> {
    const problems: FieldProblem[] = [];
    if (!isAmount(input.amount) || toCents(input.amount) <= 0n) {
      problems.push({ pointer: '/amount', detail: 'must be a positive decimal amount' });
    }
    const program = await this.programs.federalAwardTerms(input.programId);
    if (!program) problems.push({ pointer: '/programId', detail: 'no such program' });
    const start = input.performanceStart ?? program?.performanceStart ?? null;
    const end = input.performanceEnd ?? program?.performanceEnd ?? null;
    if (!start || !end || !DATE.test(start) || !DATE.test(end) || end < start) {
      problems.push({
        pointer: '/performanceStart',
        detail: 'the award needs a period of performance (start on or before end)',
      });
    }
    if (input.federalAwardDate && !DATE.test(input.federalAwardDate)) {
      problems.push({ pointer: '/federalAwardDate', detail: 'must be a date YYYY-MM-DD' });
    }
    if (problems.length > 0 || !program || !start || !end) throw new AwardInvalidError(problems);

    const existing = await this.db.repo(Award).findOne({
      where: { agencyId: this.db.agencyId, source: input.source, sourceId: input.sourceId },
    });
    if (existing) throw new AwardExistsError(existing.id);
    const organization = await this.organizations.get(input.organizationId);
    const budget = await this.initialBudget(input);
    return { program, start, end, organization, budget };
  }

  /** The award row, its budget, its first version and the obligation posted to the ledger. */
  private async persistNewAward(
    input: FundingSourceInput,
    { program, start, end, organization, budget }: NewAwardTerms,
  ): Promise<{ award: Award; obligation: string }> {
    const amountCents = toCents(input.amount);
    const amount = fromCents(amountCents);
    const id = randomUUID();
    const actor = this.context.actor?.userId ?? null;
    const year = program.fiscalYear ?? this.clock.now().getUTCFullYear();

    const award = this.db.repo(Award).create({
      agencyId: this.db.agencyId,
      id,
      reference: `AW-${year}-${id.slice(0, 8).toUpperCase()}`,
      source: input.source,
      sourceId: input.sourceId,
      programId: input.programId,
      organizationId: input.organizationId,
      applicationId: input.applicationId ?? null,
      carryoverFromAwardId: input.carryoverFromAwardId ?? null,
      status: 'offered',
      subrecipientName: organization.legalName,
      subrecipientUei: organization.uei,
      fain: program.fain,
      federalAwardDate: input.federalAwardDate ?? null,
      assistanceListingNumber: program.assistanceListingNumber,
      assistanceListingTitle: program.assistanceListingTitle,
      programTitle: program.title,
      fiscalYear: program.fiscalYear,
      performanceStart: start,
      performanceEnd: end,
      amount,
      amountThisAction: amount,
      version: 1,
      budgetVersion: 1,
      offeredBy: actor,
    });
    try {
      await this.db.repo(Award).save(award);
    } catch (error) {
      // Two officers making the same award at once: the second waits, then hits the unique key.
      if (isUniqueViolation(error, 'UQ_awards_source')) throw new AwardExistsError('(concurrent)');
      throw error;
    }
    await this.records.replaceBudget(id, budget, true);
    await this.records.addVersion({
      awardId: id,
      version: 1,
      action: 'award',
      amount,
      amountThisAction: amount,
      performanceStart: start,
      performanceEnd: end,
      budget,
      reason: null,
      sourceId: null,
      approvedBy: actor,
    });
    const obligation = await this.ledger.post({
      awardId: id,
      kind: 'obligation',
      sourceType: 'award',
      sourceId: id,
      memo: `Obligation of award ${award.reference}`,
      legs: [
        { account: 'program_funds', debit: amountCents },
        { account: 'undisbursed_obligation', credit: amountCents },
      ],
    });
    return { award, obligation };
  }

  /** The notice PDF (a job), the audit record and the organization's notification. */
  private async announceOffer(
    input: FundingSourceInput,
    award: Award,
    obligation: string,
  ): Promise<void> {
    await this.queueNotice(award.id, 1);
    await this.audit.record({
      action: 'award.offered',
      entityType: 'award',
      entityId: award.id,
      after: {
        ...awardView(award).subaward,
        source: input.source,
        sourceId: input.sourceId,
        ledgerTransactionId: obligation,
      },
    });
    await this.notices.toOrganization(award, 'award.offered', {
      programTitle: award.programTitle,
      awardRef: award.reference,
      amount: award.amount,
    });
  }

  /** The representative accepts the award (certifying with name and title): it becomes active. */
  async accept(organizationId: string, awardId: string, signer: { name: string; title: string }) {
    const award = await this.records.find({ organizationId }, awardId, true);
    this.requireStatus(award, ['offered'], 'accepted');
    const user = this.context.requireUser();
    award.status = 'active';
    award.acceptedBy = user.userId;
    award.acceptedAt = this.clock.now();
    award.acceptance = { name: signer.name, title: signer.title, ip: this.context.ip ?? null };
    await this.records.save(award);
    await this.audit.record({
      action: 'award.accepted',
      entityType: 'award',
      entityId: award.id,
      before: { status: 'offered' },
      after: { status: 'active', acceptedBy: user.userId, name: signer.name, title: signer.title },
    });
    await this.webhooks.publish('award.accepted', {
      agencyCode: this.webhooks.agencyCode,
      awardId: award.id,
      reference: award.reference,
      organizationId: award.organizationId,
      programId: award.programId,
      amount: award.amount,
      acceptedAt: award.acceptedAt.toISOString(),
    });
    const organization = await this.organizations.get(award.organizationId);
    await this.notices.send(
      'award.accepted',
      {
        awardRef: award.reference,
        programTitle: award.programTitle,
        organizationName: organization.legalName,
      },
      [award.offeredBy],
    );
    return awardView(award, await this.records.latestNotice(award.id));
  }

  /** The representative declines: the obligation is reversed in the ledger. */
  async decline(organizationId: string, awardId: string, reason: string) {
    const award = await this.records.find({ organizationId }, awardId, true);
    this.requireStatus(award, ['offered'], 'declined');
    const obligation = await this.ledger.find('obligation', 'award', award.id);
    const reversal = obligation
      ? await this.ledger.reverse(obligation, `Award ${award.reference} declined: ${reason}`)
      : null;
    award.status = 'declined';
    award.declinedAt = this.clock.now();
    await this.records.save(award);
    await this.audit.record({
      action: 'award.declined',
      entityType: 'award',
      entityId: award.id,
      before: { status: 'offered' },
      after: { status: 'declined', reason, ledgerTransactionId: reversal },
    });
    return awardView(award, await this.records.latestNotice(award.id));
  }

  async get(scope: AwardScope, awardId: string): Promise<AwardView> {
    const award = await this.records.find(scope, awardId);
    return awardView(award, await this.records.latestNotice(award.id));
  }

  async list(
    scope: AwardScope,
    query: { status?: AwardStatus; programId?: string; cursor?: string; limit?: string },
  ) {
    const limit = pageLimit(query.limit);
    const qb = this.db
      .repo(Award)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId', { agencyId: this.db.agencyId });
    if ('organizationId' in scope && scope.organizationId) {
      qb.andWhere('a.organization_id = :organizationId', { organizationId: scope.organizationId });
    }
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.programId) qb.andWhere('a.program_id = :programId', { programId: query.programId });
    const cursor = decodeCursor(query.cursor, TIME_AND_ID);
    if (cursor) {
      qb.andWhere('(a.offered_at, a.id) < (:at::timestamptz, :id::uuid)', {
        at: cursor[0],
        id: cursor[1],
      });
    }
    const rows = await qb
      .orderBy('a.offered_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return toPage(
      rows,
      limit,
      (a) => [a.offeredAt.toISOString(), a.id],
      (a) => awardView(a),
    );
  }

  /** The awards of several organizations of this agency (one person's), newest first, one query. */
  async listForOrganizations(organizationIds: string[], limit = 100): Promise<AwardView[]> {
    if (organizationIds.length === 0) return [];
    const rows = await this.db
      .repo(Award)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.organization_id = ANY(:ids::uuid[])', {
        agencyId: this.db.agencyId,
        ids: organizationIds,
      })
      .orderBy('a.offered_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map((a) => awardView(a));
  }

  /** A notice row (pending) and the job that writes the PDF, in this transaction. */
  async queueNotice(awardId: string, version: number): Promise<void> {
    const repo = this.db.repo(AwardNotice);
    await repo.save(
      repo.create({ agencyId: this.db.agencyId, awardId, version, status: 'pending' }),
    );
    await this.jobs.enqueue('award.notice', { agencyId: this.db.agencyId, awardId, version });
  }

  requireStatus(award: Award, allowed: AwardStatus[], action: string): void {
    if (!allowed.includes(award.status)) throw new AwardStatusError(award.status, action);
  }

  /**
   * The budget an award starts with: the lines given, else the application's submitted budget
   * combined by function x object code and scaled to the amount awarded.
   */
  private async initialBudget(input: FundingSourceInput) {
    const amount = toCents(input.amount);
    const explicit = input.budget !== undefined;
    const source =
      input.budget ??
      (input.applicationId ? await this.applications.submittedBudget(input.applicationId) : null) ??
      [];
    let lines = combineByCode(source);
    const problems: FieldProblem[] = [];
    const finance = this.agencies.configOf(this.db.agencyId).finance;
    lines.forEach((line, i) => {
      if (!finance.allowedFunctionCodes.includes(line.functionCode)) {
        problems.push({
          pointer: `/budget/${i}/functionCode`,
          detail: `${line.functionCode} is not allowed`,
        });
      }
      if (!finance.allowedObjectCodes.includes(line.objectCode)) {
        problems.push({
          pointer: `/budget/${i}/objectCode`,
          detail: `${line.objectCode} is not allowed`,
        });
      }
    });
    if (explicit && lines.length > 0 && budgetTotalCents(lines) !== amount) {
      problems.push({
        pointer: '/budget',
        detail: `must total the award amount ${fromCents(amount)}`,
      });
    }
    if (problems.length > 0) throw new BudgetInvalidError(problems);
    if (!explicit && lines.length > 0) lines = prorate(lines, amount);
    return lines;
  }
}
