import { Module } from '@nestjs/common';

/** Find funding: the agency's programs, open, upcoming and closed (public pages). */
@Module({
  controllers: [],
  providers: [],
})
export class FundingPagesModule {}
