import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../core/access/access.decorators';
import { SendsEmail } from '../core/http/rate-limits';
import { etagOf, parseIfMatch } from '../core/idempotency/etag';
import {
  CreateOrganizationDto,
  DecisionDto,
  InviteMemberDto,
  MemberRolesDto,
  OrganizationDto,
  OrganizationListQuery,
  OrganizationProfileDto,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { OrganizationMembersService } from './organization-members.service';
import { OrganizationView } from './organization.view';
import { OrganizationsService } from './organizations.service';

const withEtag = (reply: FastifyReply, view: OrganizationView) => {
  void reply.header('etag', etagOf(view.version));
  return view;
};

@ApiTags('organizations')
@Controller('agencies/:agencyCode/organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly members: OrganizationMembersService,
  ) {}

  /** Self-registration by any signed-in user: pending until agency staff approve it. */
  @Post('registrations')
  @SendsEmail()
  @RequirePermission('organization.register')
  async register(@Body() dto: OrganizationDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.organizations.register(dto));
  }

  @Post()
  @SendsEmail()
  @RequirePermission('organization.manage')
  async create(
    @Body() dto: CreateOrganizationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.organizations.create(dto));
  }

  @Get()
  @RequirePermission('organization.read')
  list(@Query() query: OrganizationListQuery) {
    return this.organizations.list(query);
  }

  @Get(':organizationId')
  @RequirePermission('organization.read')
  async get(
    @Param('organizationId') organizationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.organizations.get(organizationId));
  }

  @Patch(':organizationId')
  @RequirePermission('organization.manage')
  async update(
    @Param('organizationId') organizationId: string,
    @Body() dto: UpdateOrganizationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(
      reply,
      await this.organizations.update(organizationId, dto, parseIfMatch(ifMatch)),
    );
  }

  /** The organization's own admins keep its name, address and contacts current. */
  @Patch(':organizationId/profile')
  @RequirePermission('organization.update')
  async updateProfile(
    @Param('organizationId') organizationId: string,
    @Body() dto: OrganizationProfileDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(
      reply,
      await this.organizations.updateProfile(organizationId, dto, parseIfMatch(ifMatch)),
    );
  }

  @Post(':organizationId/approve')
  @HttpCode(200)
  @RequirePermission('organization.manage')
  approve(@Param('organizationId') organizationId: string, @Body() dto: DecisionDto) {
    return this.organizations.decide(organizationId, 'active', dto.reason);
  }

  @Post(':organizationId/reject')
  @HttpCode(200)
  @RequirePermission('organization.manage')
  reject(@Param('organizationId') organizationId: string, @Body() dto: DecisionDto) {
    return this.organizations.decide(organizationId, 'rejected', dto.reason);
  }

  @Post(':organizationId/deactivate')
  @HttpCode(200)
  @RequirePermission('organization.manage')
  deactivate(@Param('organizationId') organizationId: string, @Body() dto: DecisionDto) {
    return this.organizations.decide(organizationId, 'inactive', dto.reason);
  }

  @Post(':organizationId/reactivate')
  @HttpCode(200)
  @RequirePermission('organization.manage')
  reactivate(@Param('organizationId') organizationId: string, @Body() dto: DecisionDto) {
    return this.organizations.decide(organizationId, 'active', dto.reason);
  }

  @Get(':organizationId/members')
  @RequirePermission('organization.members.manage')
  listMembers(@Param('organizationId') organizationId: string) {
    return this.members.list(organizationId);
  }

  @Post(':organizationId/members')
  @SendsEmail()
  @RequirePermission('organization.members.manage')
  invite(@Param('organizationId') organizationId: string, @Body() dto: InviteMemberDto) {
    return this.members.invite(organizationId, dto);
  }

  @Put(':organizationId/members/:userId')
  @RequirePermission('organization.members.manage')
  setRoles(
    @Param('organizationId') organizationId: string,
    @Param('userId') userId: string,
    @Body() dto: MemberRolesDto,
  ) {
    return this.members.setRoles(organizationId, userId, dto.roles);
  }

  @Delete(':organizationId/members/:userId')
  @HttpCode(204)
  @RequirePermission('organization.members.manage')
  async remove(
    @Param('organizationId') organizationId: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.members.remove(organizationId, userId);
  }
}
