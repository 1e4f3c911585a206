import { Module } from '@nestjs/common';
import { AllocationsModule } from '../allocations/allocations.module';
import { ApplicationsModule } from '../applications/applications.module';
import { ClockModule } from '../core/clock/clock.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ProgramsModule } from '../programs/programs.module';
import { ReviewAssignments } from './assignments/review-assignments.service';
import { ApplicantDecisionsController } from './decisions/applicant-decisions.controller';
import { DecisionRelease } from './decisions/decision-release.service';
import { DecisionsController } from './decisions/decisions.controller';
import { FundingDecisions } from './decisions/funding-decisions.service';
import { FundingDecisionsReader } from './decisions/funding-decisions-reader';
import { ReviewManagementController } from './review-management.controller';
import { ReviewSettings } from './review-settings.service';
import { ReviewerController } from './reviewer.controller';
import { PanelRanking } from './scoring/panel-ranking.service';
import { ReviewScoring } from './scoring/review-scoring.service';
import { ReviewStages } from './stages/review-stages.service';

/**
 * Review and funding decisions: stages, reviewer assignment and conflicts of interest, rubric
 * scoring, aggregation and ranking, decisions released together. Public surface:
 * FundingDecisionsReader (released approvals and final formula allocations, for awards).
 */
@Module({
  imports: [
    ClockModule,
    ProgramsModule,
    OrganizationsModule,
    ApplicationsModule,
    AllocationsModule,
  ],
  controllers: [
    ReviewManagementController,
    ReviewerController,
    DecisionsController,
    ApplicantDecisionsController,
  ],
  providers: [
    ReviewSettings,
    ReviewStages,
    ReviewAssignments,
    ReviewScoring,
    PanelRanking,
    FundingDecisions,
    DecisionRelease,
    FundingDecisionsReader,
  ],
  // DecisionRelease: the applicant's status page shows the released decision.
  exports: [FundingDecisionsReader, PanelRanking, DecisionRelease],
})
export class ReviewsModule {}
