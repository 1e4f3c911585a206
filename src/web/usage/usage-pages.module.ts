import { Module } from '@nestjs/common';
import { AgencyUsagePages, PlatformUsagePages } from './usage.controller';

/** The usage reports as pages: the platform's across agencies, and an agency admin's own. */
@Module({ controllers: [PlatformUsagePages, AgencyUsagePages] })
export class UsagePagesModule {}
