import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { ClockModule } from '../core/clock/clock.module';
import { IdempotencyModule } from '../core/idempotency/idempotency.module';
import { StorageModule } from '../core/storage/storage.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProgramsModule } from '../programs/programs.module';
import { FundingDecisionsReader } from '../reviews/decisions/funding-decisions-reader';
import { ReviewsModule } from '../reviews/reviews.module';
import { AwardAmendments } from './award-amendments.service';
import { AwardCommitments } from './award-commitments';
import { AwardFinance } from './award-finance';
import { AwardNotifications } from './award-notifications';
import { AwardRecords } from './award-records';
import { AwardsController, ProgramAwardTermsController } from './awards.controller';
import { AwardsService } from './awards.service';
import { AwardBudget } from './budget/award-budget.service';
import { FUNDING_DECISIONS } from './funding/funding-sources';
import { AwardNoticeFiles } from './notice/award-notice-files';
import { AwardNoticeJobHandler } from './notice/award-notice.job';
import { OrganizationAwardsController } from './organization-awards.controller';
import { ProgramAwardTermsService } from './program-award-terms.service';

/**
 * Awards (subawards under 2 CFR 200.332): made from funding decisions, accepted, amended,
 * budgeted and revised. Public surface: AwardFinance (payments, closeout), AwardCommitments
 * (the port payments fills), AwardsService (making awards).
 */
@Module({
  imports: [
    ClockModule,
    IdempotencyModule,
    StorageModule,
    OrganizationsModule,
    ProgramsModule,
    ApplicationsModule,
    LedgerModule,
    ReviewsModule,
  ],
  controllers: [AwardsController, ProgramAwardTermsController, OrganizationAwardsController],
  providers: [
    AwardRecords,
    AwardsService,
    AwardAmendments,
    AwardBudget,
    AwardCommitments,
    AwardFinance,
    AwardNotifications,
    AwardNoticeFiles,
    AwardNoticeJobHandler,
    ProgramAwardTermsService,
    // Awards are made from what the reviews module decided, through its public reader.
    { provide: FUNDING_DECISIONS, useExisting: FundingDecisionsReader },
  ],
  // AwardBudget and AwardNoticeFiles: the web pages show the budget, revisions and the notice.
  exports: [
    AwardFinance,
    AwardCommitments,
    AwardsService,
    AwardNotifications,
    AwardBudget,
    AwardNoticeFiles,
  ],
})
export class AwardsModule {}
