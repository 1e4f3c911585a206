import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../core/access/access.decorators';
import { MeService, MeView } from './me.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  /** The signed-in user with their memberships across agencies and organizations. */
  @Get()
  @RequirePermission('self.read')
  @ApiOkResponse({ description: 'The user and their active memberships.' })
  get(): Promise<MeView> {
    return this.me.me();
  }
}
