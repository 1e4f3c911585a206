import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Public, RequirePermission } from '../core/access/access.decorators';
import { RequestContext } from '../core/context/request-context';
import { AgencyDirectory } from './agency-directory';
import { AgencyProfileDto, PlatformAgencyListDto } from './dto/agency.dto';
import { Agency } from './entities/agency.entity';

@ApiTags('agencies')
@Controller()
export class AgenciesController {
  constructor(
    private readonly directory: AgencyDirectory,
    private readonly context: RequestContext,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /** Every agency on the deployment, inactive ones included (platform operators only). */
  @Get('platform/agencies')
  @RequirePermission('platform.agencies.manage')
  @ApiOkResponse({ type: PlatformAgencyListDto })
  async listForPlatform(): Promise<PlatformAgencyListDto> {
    const agencies = await this.txHost.tx.getRepository(Agency).find({ order: { code: 'ASC' } });
    return {
      items: agencies.map((agency) => ({
        code: agency.code,
        name: agency.name,
        jurisdiction: agency.jurisdiction,
        timeZone: agency.timeZone,
        active: agency.active,
        updatedAt: agency.updatedAt.toISOString(),
      })),
    };
  }

  /** The agency's public face for the applicant portal; unknown or inactive codes get 404. */
  @Get('agencies/:agencyCode/profile')
  @Public()
  @ApiOkResponse({ type: AgencyProfileDto })
  profile(): AgencyProfileDto {
    const { agencyId } = this.context.requireTenant();
    const agency = this.directory.findById(agencyId)!;
    const config = this.directory.configOf(agencyId);
    return {
      code: agency.code,
      name: agency.name,
      jurisdiction: agency.jurisdiction,
      timeZone: agency.timeZone,
      fiscalYearStart: config.fiscalYearStart,
      branding: { ...config.branding },
      attachments: {
        maxAttachmentBytes: config.applications.maxAttachmentBytes,
        allowedAttachmentTypes: [...config.applications.allowedAttachmentTypes],
      },
      paymentModels: [...config.finance.paymentModels],
      // The rules an applicant follows, picked field by field: the rest of the finance block
      // (export format, ACH originator, retention) is the agency's business.
      finance: {
        paymentModels: [...config.finance.paymentModels],
        dualApprovalThreshold: config.finance.dualApprovalThreshold,
        budgetTolerancePercent: config.finance.budgetTolerancePercent,
        allowedFunctionCodes: [...config.finance.allowedFunctionCodes],
        allowedObjectCodes: [...config.finance.allowedObjectCodes],
        paymentCutoff: {
          requestWindowStartDay: config.finance.paymentCutoff.requestWindowStartDay,
          requestWindowEndDay: config.finance.paymentCutoff.requestWindowEndDay,
          payByDay: config.finance.paymentCutoff.payByDay,
        },
      },
    };
  }
}
