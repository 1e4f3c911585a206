import { Module } from '@nestjs/common';
import { ClockModule } from '../../core/clock/clock.module';
import { ProgramsModule } from '../../programs/programs.module';
import { ProgramPagesController } from './program-pages.controller';

/** Find funding: the agency's programs, open, upcoming and closed (public pages). */
@Module({
  imports: [ClockModule, ProgramsModule],
  controllers: [ProgramPagesController],
  providers: [],
})
export class FundingPagesModule {}
