import { Module } from '@nestjs/common';
import { ClockModule } from '../core/clock/clock.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ProgramsModule } from '../programs/programs.module';
import { AllocationRuns } from './allocation-runs.service';
import { AllocationsController } from './allocations.controller';
import { FinalAllocations } from './final-allocations';
import { FormulaConfigs } from './formula-configs.service';
import { FormulaInputs } from './formula-inputs.service';
import { OrganizationAllocationsController } from './organization-allocations.controller';

/**
 * Formula allocations: configuration, CSV inputs, computation runs, preliminary and final
 * publication. Public surface: FinalAllocations (final amounts, and the cap on an
 * organization's application budget to the program).
 */
@Module({
  imports: [ClockModule, ProgramsModule, OrganizationsModule],
  controllers: [AllocationsController, OrganizationAllocationsController],
  providers: [FormulaConfigs, FormulaInputs, AllocationRuns, FinalAllocations],
  exports: [FinalAllocations],
})
export class AllocationsModule {}
