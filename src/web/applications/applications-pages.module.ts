import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../applications/applications.module';
import { IdempotencyModule } from '../../core/idempotency/idempotency.module';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { ProgramsModule } from '../../programs/programs.module';
import { AgenciesModule } from '../../agencies/agencies.module';
import { ApplyPages } from './apply.controller';
import { AttachmentPages } from './attachments.controller';
import { BudgetPages } from './budget.controller';
import { DraftPages } from './draft-pages';
import { ReviewPages } from './review.controller';
import { SectionPages } from './section.controller';
import { TaskListPages } from './task-list.controller';

/** Applying: the task list, form sections, budget matrix, attachments, check your answers, certify and submit. */
@Module({
  imports: [
    ApplicationsModule,
    ProgramsModule,
    OrganizationsModule,
    AgenciesModule,
    IdempotencyModule,
  ],
  controllers: [ApplyPages, TaskListPages, SectionPages, BudgetPages, AttachmentPages, ReviewPages],
  providers: [DraftPages],
})
export class ApplicationPagesModule {}
