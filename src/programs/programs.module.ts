import { Module } from '@nestjs/common';
import { ClockModule } from '../core/clock/clock.module';
import { ProgramCatalog } from './program-catalog';
import { ProgramFormVersions } from './program-form-versions.service';
import { ProgramListings } from './program-listings';
import { ProgramOpportunities } from './program-opportunities';
import { ProgramLifecycle } from './program-lifecycle.service';
import { ProgramSchedules } from './program-schedules';
import { ProgramTemplates } from './program-templates.service';
import { ProgramTemplatesController } from './program-templates.controller';
import { ProgramsController } from './programs.controller';
import { ProgramsService } from './programs.service';

/** Grant programs: definition, forms, rules, lifecycle, templates. Public surface: ProgramCatalog. */
@Module({
  imports: [ClockModule],
  controllers: [ProgramsController, ProgramTemplatesController],
  providers: [
    ProgramsService,
    ProgramLifecycle,
    ProgramFormVersions,
    ProgramTemplates,
    ProgramCatalog,
    ProgramSchedules,
    ProgramListings,
    ProgramOpportunities,
  ],
  // ProgramListings: the public Find funding pages; ProgramOpportunities: the CommonGrants feed.
  exports: [ProgramCatalog, ProgramListings, ProgramOpportunities],
})
export class ProgramsModule {}
