import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { RequirePermission } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { SendsEmail } from '../../core/http/rate-limits';
import { UuidParam } from '../../core/http/validation';
import { setTenantInTransaction } from '../../core/context/tenant-session';
import { NotFoundError } from '../../core/errors/domain-error';
import { RoleGrantDto, RoleGrantPageDto } from './dto/staff.dto';
import { RoleGrants } from './role-grants.service';

/**
 * The platform operator as the second person for an agency's privileged role grants (an agency
 * with a single active admin has nobody else to confirm). Platform admins are not agency
 * members, so these routes name the agency as `:code` (not `:agencyCode`, which the access
 * check would answer 404 for a non-member) and enter its tenant here, after the permission
 * check, for this transaction only. They see role grants, never the agency's grant data.
 */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('platform/agencies/:code/role-grants')
export class PlatformRoleGrantsController {
  constructor(
    private readonly grants: RoleGrants,
    private readonly directory: AgencyDirectory,
    private readonly context: RequestContext,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  @Get()
  @RequirePermission('platform.agencies.manage')
  @ApiOkResponse({ type: RoleGrantPageDto })
  async list(@Param('code') code: string): Promise<RoleGrantPageDto> {
    await this.enter(code);
    return this.grants.list('pending');
  }

  @Post(':grantId/confirm')
  @SendsEmail() // the person is told by email
  @HttpCode(200)
  @RequirePermission('platform.agencies.manage')
  @ApiOkResponse({ type: RoleGrantDto })
  async confirm(
    @Param('code') code: string,
    @Param('grantId', UuidParam) grantId: string,
  ): Promise<RoleGrantDto> {
    await this.enter(code);
    return this.grants.confirm(grantId, {
      userId: this.context.requireUser().userId,
      asPlatformAdmin: true,
    });
  }

  @Post(':grantId/decline')
  @SendsEmail() // the person is told by email
  @HttpCode(200)
  @RequirePermission('platform.agencies.manage')
  @ApiOkResponse({ type: RoleGrantDto })
  async decline(
    @Param('code') code: string,
    @Param('grantId', UuidParam) grantId: string,
  ): Promise<RoleGrantDto> {
    await this.enter(code);
    return this.grants.decline(grantId, {
      userId: this.context.requireUser().userId,
      asPlatformAdmin: true,
    });
  }

  private async enter(code: string): Promise<void> {
    const tenant = this.directory.findByCode(code);
    if (!tenant) throw new NotFoundError('agency', 'agency.not_found');
    this.context.setTenant(tenant);
    await setTenantInTransaction(this.txHost.tx, tenant.agencyId);
  }
}
