import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { Clock } from '../core/clock/clock';
import { formatInZone } from '../core/clock/zoned-time';
import { TenantDb } from '../core/context/tenant-db';

/** Dates as the agency's staff see them: today in the agency's time zone. */
@Injectable()
export class AgencyCalendar {
  constructor(
    private readonly clock: Clock,
    private readonly agencies: AgencyDirectory,
    private readonly db: TenantDb,
  ) {}

  today(): string {
    return formatInZone(this.clock.now(), this.timeZone()).slice(0, 10);
  }

  timeZone(): string {
    return this.agencies.configOf(this.db.agencyId).timeZone;
  }
}
