import { Global, Module } from '@nestjs/common';
import { TENANT_DIRECTORY } from '../core/access/access.ports';
import { AgenciesController } from './agencies.controller';
import { AgencyDirectory } from './agency-directory';
import { AgencyStrategies } from './strategies';

/**
 * Agencies as tenants: their configuration modules (config/agencies/*.yaml), the table they are
 * synced into, and the directory every request resolves its agency with.
 */
@Global()
@Module({
  controllers: [AgenciesController],
  providers: [
    AgencyStrategies,
    AgencyDirectory,
    { provide: TENANT_DIRECTORY, useExisting: AgencyDirectory },
  ],
  exports: [AgencyStrategies, AgencyDirectory, TENANT_DIRECTORY],
})
export class AgenciesModule {}
