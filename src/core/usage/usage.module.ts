import { Global, Module } from '@nestjs/common';
import { AgencyUsageController, PlatformUsageController } from './usage.controller';
import { UsageMeter } from './usage-meter';
import { UsageReport } from './usage-report';

/**
 * Usage metering per agency and month (kernel: counts, no grant knowledge): the meter the
 * domain modules add to as work happens, and the reports. Global so any module can count.
 */
@Global()
@Module({
  controllers: [PlatformUsageController, AgencyUsageController],
  providers: [UsageMeter, UsageReport],
  exports: [UsageMeter, UsageReport],
})
export class UsageModule {}
