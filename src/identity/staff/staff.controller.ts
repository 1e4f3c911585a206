import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { SendsEmail } from '../../core/http/rate-limits';
import { UuidParam } from '../../core/http/validation';
import {
  InviteStaffDto,
  RoleGrantDto,
  RoleGrantListQuery,
  RoleGrantPageDto,
  StaffInvitationDto,
  StaffListQuery,
  StaffMemberDto,
  StaffPageDto,
  StaffRolesDto,
} from './dto/staff.dto';
import { RoleGrants } from './role-grants.service';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('agencies/:agencyCode/staff')
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly grants: RoleGrants,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @RequirePermission('agency.staff.read')
  @ApiOkResponse({ type: StaffPageDto })
  list(@Query() query: StaffListQuery): Promise<StaffPageDto> {
    return this.staff.list(query);
  }

  /**
   * Invites a person with roles: a pending membership they accept at /me/invitations (a new
   * email also gets an account and an invitation to set a password). The same answer whether or
   * not the email has an account.
   */
  @Post()
  @SendsEmail()
  @RequirePermission('agency.staff.manage')
  @ApiCreatedResponse({ type: StaffInvitationDto })
  invite(@Body() body: InviteStaffDto): Promise<StaffInvitationDto> {
    return this.staff.invite(body);
  }

  @Put(':userId/roles')
  @SendsEmail() // the person (and, for a request, the other admins) are told by email
  @RequirePermission('agency.staff.manage')
  @ApiOkResponse({ type: StaffMemberDto })
  changeRoles(
    @Param('userId', UuidParam) userId: string,
    @Body() body: StaffRolesDto,
  ): Promise<StaffMemberDto> {
    return this.staff.changeRoles(userId, body.roles);
  }

  /** Ends the person's access to this agency at once (their sessions elsewhere go on). */
  @Post(':userId/deactivate')
  @SendsEmail() // the person is told by email
  @HttpCode(200)
  @RequirePermission('agency.staff.manage')
  @ApiOkResponse({ type: StaffMemberDto })
  deactivate(@Param('userId', UuidParam) userId: string): Promise<StaffMemberDto> {
    return this.staff.deactivate(userId);
  }

  /** Privileged role grants (pending by default) waiting for a second admin. */
  @Get('role-grants')
  @RequirePermission('agency.staff.read')
  @ApiOkResponse({ type: RoleGrantPageDto })
  listRoleGrants(@Query() query: RoleGrantListQuery): Promise<RoleGrantPageDto> {
    return this.grants.list(query.status);
  }

  /** A second agency admin (not the requester, not the grantee) makes the role take effect. */
  @Post('role-grants/:grantId/confirm')
  @SendsEmail() // the person is told by email
  @HttpCode(200)
  @RequirePermission('agency.staff.manage')
  @ApiOkResponse({ type: RoleGrantDto })
  confirmRoleGrant(@Param('grantId', UuidParam) grantId: string): Promise<RoleGrantDto> {
    return this.grants.confirm(grantId, {
      userId: this.context.requireUser().userId,
      asPlatformAdmin: false,
    });
  }

  @Post('role-grants/:grantId/decline')
  @SendsEmail() // the person is told by email
  @HttpCode(200)
  @RequirePermission('agency.staff.manage')
  @ApiOkResponse({ type: RoleGrantDto })
  declineRoleGrant(@Param('grantId', UuidParam) grantId: string): Promise<RoleGrantDto> {
    return this.grants.decline(grantId, {
      userId: this.context.requireUser().userId,
      asPlatformAdmin: false,
    });
  }
}
