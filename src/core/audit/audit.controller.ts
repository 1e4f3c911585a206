import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorators';
import { ChainVerification } from './audit-chain';
import { AuditEventPage, AuditEvents } from './audit-events';
import { AuditVerifier } from './audit-verifier';
import { AuditEventQueryDto } from './dto/audit-event-query.dto';

/** An agency's audit trail, for its admins. */
@ApiTags('audit')
@Controller('agencies/:agencyCode/audit')
export class AuditController {
  constructor(
    private readonly events: AuditEvents,
    private readonly verifier: AuditVerifier,
  ) {}

  /** Events newest first; filter by entity, actor and time; keyset pagination by `cursor`. */
  @Get('events')
  @RequirePermission('audit.read')
  @ApiOkResponse({ description: '{ items, nextCursor? }' })
  list(@Query() query: AuditEventQueryDto): Promise<AuditEventPage> {
    return this.events.list(query);
  }

  /** Links what has committed, then checks the whole chain; names the first broken link. */
  @Get('verify')
  @RequirePermission('audit.read')
  @ApiOkResponse({ description: '{ ok, checked, head?, firstBrokenLink? }' })
  verify(): Promise<ChainVerification> {
    return this.verifier.verifyCurrentAgency();
  }
}
