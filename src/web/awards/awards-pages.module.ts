import { Module } from '@nestjs/common';

/** After submission: status, decisions, award notice and acceptance, budget revisions, payment requests, closeout, notifications. */
@Module({
  controllers: [],
  providers: [],
})
export class AwardPagesModule {}
