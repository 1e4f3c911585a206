import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock/clock';
import { AuditLog } from '../core/audit/audit-log';
import { AwardNotifications } from './award-notifications';
import { AwardRecords, AwardScope } from './award-records';
import { AwardView } from './award.view';
import { AwardsService } from './awards.service';
import { Award } from './entities/award.entity';
import { AwardBudgetLine } from './entities/award-budget-line.entity';
import { FundingSourceInput } from './funding/funding-sources';
import { CarryoverTerms, ProgramAwardTermsService } from './program-award-terms.service';
import { TemplateData } from '../notifications/templates/notification-templates';

export type { AwardScope };

/**
 * The awards module's public surface for payments and closeout: the award row locked for a
 * balance check, its budget, its program's carryover terms, closing it and making the
 * carryover award. Other modules never touch the award tables.
 */
@Injectable()
export class AwardFinance {
  constructor(
    private readonly records: AwardRecords,
    private readonly awards: AwardsService,
    private readonly terms: ProgramAwardTermsService,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
    private readonly clock: Clock,
  ) {}

  /** Locks the award row (FOR UPDATE): every balance check on an award holds this lock. */
  lock(scope: AwardScope, awardId: string): Promise<Award> {
    return this.records.find(scope, awardId, true);
  }

  /** The same lock, when only the award's reference is needed (payment decisions). */
  lockReference(awardId: string): Promise<string> {
    return this.records.lockReference(awardId);
  }

  find(scope: AwardScope, awardId: string): Promise<Award> {
    return this.records.find(scope, awardId);
  }

  budgetLines(awardId: string): Promise<AwardBudgetLine[]> {
    return this.records.budgetLines(awardId);
  }

  carryoverTerms(programId: string): Promise<CarryoverTerms> {
    return this.terms.get(programId);
  }

  /** Closes an award (the caller holds its lock and has settled its ledger). */
  async close(award: Award, settlement: unknown): Promise<void> {
    const before = award.status;
    award.status = 'closed';
    award.closedAt = this.clock.now();
    await this.records.save(award);
    await this.audit.record({
      action: 'award.closed',
      entityType: 'award',
      entityId: award.id,
      before: { status: before },
      after: { status: 'closed', settlement },
    });
  }

  createCarryover(input: FundingSourceInput): Promise<AwardView> {
    return this.awards.createFromFundingSource(input);
  }

  /** Tells the organization's representatives (and extra users) through the outbox. */
  notifyOrganization<T extends 'award.closed'>(award: Award, template: T, data: TemplateData[T]) {
    return this.notifications.toOrganization(award, template, data);
  }
}
