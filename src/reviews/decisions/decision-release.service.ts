import { Injectable } from '@nestjs/common';
import { ApplicationDirectory } from '../../applications/application-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { fromCents, toCents } from '../../core/money/money';
import { OrganizationMemberships } from '../../identity/memberships/organization-memberships.service';
import { NotificationService } from '../../notifications/notification.service';
import { ProgramCatalog } from '../../programs/program-catalog';
import { FundingDecision } from '../entities/funding-decision.entity';
import { ProgramReviewSettings } from '../entities/program-review-settings.entity';
import { ReviewCase } from '../entities/review-case.entity';
import { ReviewSettings } from '../review-settings.service';
import {
  DecisionNotFoundError,
  DecisionsIncompleteError,
  DecisionsReleasedError,
  FundsNotSetError,
  NothingToDecideError,
  OverFundsError,
} from './decisions.errors';
import { isUuid } from '../../core/ids';
import { sql } from '../../core/database/sql-statement';
import { WebhookEvents } from '../../webhooks/webhook-events';

const RELEASE = sql(
  'reviews.decisions-release',
  `UPDATE funding_decisions SET released_at = $3, version = version + 1, updated_at = now()
    WHERE agency_id = $1 AND id = ANY($2::uuid[])`,
);

/**
 * Releasing a program's decisions: one action makes all of them visible to applicants at the
 * same instant, moves each application to its outcome, and notifies each applicant organization
 * through the outbox. Before release applicants see nothing of the review; after it, only their
 * own application's decision.
 */
@Injectable()
export class DecisionRelease {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly settings: ReviewSettings,
    private readonly applications: ApplicationDirectory,
    private readonly memberships: OrganizationMemberships,
    private readonly notifications: NotificationService,
    private readonly catalog: ProgramCatalog,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly webhooks: WebhookEvents,
  ) {}

  async release(programId: string) {
    const terms = await this.catalog.terms(programId);
    if (!terms.fundsAvailable) throw new FundsNotSetError();
    const settings = await this.settings.ensureRow(programId); // one release at a time
    if (settings.decisionsReleasedAt)
      throw new DecisionsReleasedError(settings.decisionsReleasedAt.toISOString());

    const decisions = await this.db.repo(FundingDecision).find({
      where: { agencyId: this.db.agencyId, programId },
      order: { rank: 'ASC', applicationId: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const left = await this.applications.idsWithStatus(programId, ['withdrawn', 'returned']);
    const finalStage = await this.db.repo(ReviewCase).find({
      where: { agencyId: this.db.agencyId, programId, stage: 'final_decision' },
    });
    const decided = new Set(decisions.map((d) => d.applicationId));
    const undecided = finalStage
      .filter((c) => !decided.has(c.applicationId) && !left.has(c.applicationId))
      .map((c) => c.applicationId);
    if (undecided.length > 0) throw new DecisionsIncompleteError(undecided);
    const inFinal = new Set(finalStage.map((c) => c.applicationId));
    const releasing = decisions.filter(
      (d) => inFinal.has(d.applicationId) && !left.has(d.applicationId),
    );
    if (releasing.length === 0) throw new NothingToDecideError();
    const approvedCents = releasing
      .filter((d) => d.outcome === 'approved')
      .reduce((sum, d) => sum + toCents(d.amount), 0n);
    if (approvedCents > toCents(terms.fundsAvailable))
      throw new OverFundsError(fromCents(approvedCents), terms.fundsAvailable);

    const now = this.clock.now();
    await this.db.rows(RELEASE, [this.db.agencyId, releasing.map((d) => d.id), now]);
    settings.decisionsReleasedAt = now;
    settings.decisionsReleasedBy = this.context.actor?.userId ?? null;
    settings.version += 1;
    await this.db.repo(ProgramReviewSettings).save(settings);

    const membersOf = new Map<string, string[]>();
    for (const d of releasing) {
      await this.applications.recordDecision(d.applicationId, d.outcome);
      await this.audit.record({
        action: 'decision.released',
        entityType: 'funding_decision',
        entityId: d.id,
        after: { applicationId: d.applicationId, outcome: d.outcome, amount: d.amount },
      });
      if (!membersOf.has(d.organizationId)) {
        const members = await this.memberships.members(d.organizationId);
        membersOf.set(
          d.organizationId,
          members.filter((m) => m.status === 'active').map((m) => m.userId),
        );
      }
      const userIds = membersOf.get(d.organizationId)!;
      if (userIds.length > 0)
        await this.notifications.notify({
          agencyId: this.db.agencyId,
          template: 'decision.released',
          data: {
            programTitle: terms.title,
            applicationRef: d.applicationId.slice(0, 8).toUpperCase(),
            decision: d.outcome,
            amountApproved: d.outcome === 'approved' ? d.amount : undefined,
          },
          userIds,
          // The application's status page in the agency's portal, where the decision shows.
          link: `/${this.context.requireTenant().agencyCode}/organizations/${d.organizationId}/applications/${d.applicationId}/status`,
          dedupeKey: `decision.released:${d.id}`,
        });
    }
    await this.webhooks.publishMany(
      'decision.released',
      releasing.map((d) => ({
        agencyCode: this.webhooks.agencyCode,
        decisionId: d.id,
        applicationId: d.applicationId,
        organizationId: d.organizationId,
        programId,
        outcome: d.outcome,
        amount: d.outcome === 'approved' ? d.amount : null,
        releasedAt: now.toISOString(),
      })),
    );
    await this.audit.record({
      action: 'decisions.released',
      entityType: 'program',
      entityId: programId,
      after: {
        releasedAt: now.toISOString(),
        decisions: releasing.length,
        approved: releasing.filter((d) => d.outcome === 'approved').length,
        approvedTotal: fromCents(approvedCents),
      },
    });
    return {
      programId,
      releasedAt: now.toISOString(),
      released: releasing.length,
      approved: releasing.filter((d) => d.outcome === 'approved').length,
      approvedTotal: fromCents(approvedCents),
      fundsAvailable: terms.fundsAvailable,
    };
  }

  /** An applicant's view of its own application's decision, once released (else "not found"). */
  async forApplicant(organizationId: string, applicationId: string) {
    const d =
      isUuid(organizationId) && isUuid(applicationId)
        ? await this.db.repo(FundingDecision).findOne({
            where: { agencyId: this.db.agencyId, organizationId, applicationId },
          })
        : null;
    if (!d?.releasedAt) throw new DecisionNotFoundError();
    const terms = await this.catalog.terms(d.programId);
    return {
      id: d.id,
      applicationId: d.applicationId,
      programId: d.programId,
      programTitle: terms.title,
      outcome: d.outcome,
      amount: d.amount,
      amountRequested: d.amountRequested,
      partial: d.outcome === 'approved' && toCents(d.amount) < toCents(d.amountRequested),
      finalScore: d.finalScore === null ? null : Number(d.finalScore),
      releasedAt: d.releasedAt.toISOString(),
    };
  }
}
