import { Module } from '@nestjs/common';
import { AllocationsModule } from '../allocations/allocations.module';
import { ClockModule } from '../core/clock/clock.module';
import { IdempotencyModule } from '../core/idempotency/idempotency.module';
import { StorageModule } from '../core/storage/storage.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ProgramsModule } from '../programs/programs.module';
import { ApplicationDirectory } from './application-directory';
import { ApplicationLists } from './application-lists.service';
import { ApplicationReads } from './application-reads';
import { ApplicationRecords } from './application-records';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { ApplicationAttachments } from './attachments/application-attachments.service';
import { ApplicationBudget } from './budget/application-budget.service';
import { ProgramApplicationsController } from './program-applications.controller';
import { ApplicationNotices } from './submission/application-notices';
import { ApplicationReminders } from './submission/application-reminders';
import { ApplicationSubmissions } from './submission/application-submission.service';
import { ApplicationVersions } from './submission/application-versions.service';
import { SubmissionReadiness } from './submission/submission-readiness';

/** Applications: drafts, budgets, attachments, certified submissions, lists and exports. */
@Module({
  imports: [
    ClockModule,
    StorageModule,
    IdempotencyModule,
    ProgramsModule,
    OrganizationsModule,
    AllocationsModule,
  ],
  controllers: [ApplicationsController, ProgramApplicationsController],
  providers: [
    ApplicationRecords,
    ApplicationReads,
    ApplicationsService,
    ApplicationBudget,
    ApplicationAttachments,
    SubmissionReadiness,
    ApplicationSubmissions,
    ApplicationVersions,
    ApplicationLists,
    ApplicationNotices,
    ApplicationReminders,
    ApplicationDirectory,
  ],
  /**
   * For the reviews module (submitted applications, reviewers' content, review status moves)
   * and the awards module (the submitted budget an award starts from); the web pages use the
   * same services as the applicant's API controllers; the attachments service also copies a
   * document-library file into an application.
   */
  exports: [
    ApplicationDirectory,
    ApplicationsService,
    ApplicationBudget,
    ApplicationAttachments,
    ApplicationSubmissions,
    ApplicationVersions,
  ],
})
export class ApplicationsModule {}
