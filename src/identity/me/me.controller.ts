import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../core/access/access.decorators';
import {
  MembershipAnswerView,
  MembershipInvitations,
  MembershipInvitationView,
} from './membership-invitations.service';
import { MeService, MeView } from './me.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly invitations: MembershipInvitations,
  ) {}

  /** The signed-in user with their memberships across agencies and organizations. */
  @Get()
  @RequirePermission('self.read')
  @ApiOkResponse({ description: 'The user and their active memberships.' })
  get(): Promise<MeView> {
    return this.me.me();
  }

  /** Memberships someone added the user to, waiting for their yes or no (they grant nothing yet). */
  @Get('invitations')
  @RequirePermission('self.read')
  @ApiOkResponse({ description: 'Pending agency staff and organization memberships.' })
  listInvitations(): Promise<{ items: MembershipInvitationView[] }> {
    return this.invitations.list();
  }

  @Post('invitations/agencies/:code/accept')
  @HttpCode(200)
  @RequirePermission('self.update')
  acceptStaff(@Param('code') code: string): Promise<MembershipAnswerView> {
    return this.invitations.accept({ agencyCode: code });
  }

  @Post('invitations/agencies/:code/decline')
  @HttpCode(200)
  @RequirePermission('self.update')
  declineStaff(@Param('code') code: string): Promise<MembershipAnswerView> {
    return this.invitations.decline({ agencyCode: code });
  }

  @Post('invitations/agencies/:code/organizations/:organizationId/accept')
  @HttpCode(200)
  @RequirePermission('self.update')
  acceptMember(
    @Param('code') code: string,
    @Param('organizationId') organizationId: string,
  ): Promise<MembershipAnswerView> {
    return this.invitations.accept({ agencyCode: code, organizationId });
  }

  @Post('invitations/agencies/:code/organizations/:organizationId/decline')
  @HttpCode(200)
  @RequirePermission('self.update')
  declineMember(
    @Param('code') code: string,
    @Param('organizationId') organizationId: string,
  ): Promise<MembershipAnswerView> {
    return this.invitations.decline({ agencyCode: code, organizationId });
  }
}
