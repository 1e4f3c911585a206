import { Module } from '@nestjs/common';

/** Applying: the task list, form sections, budget matrix, attachments, check your answers, certify and submit. */
@Module({
  controllers: [],
  providers: [],
})
export class ApplicationPagesModule {}
