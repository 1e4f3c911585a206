import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public, WithoutTransaction } from '../core/access/access.decorators';
import { PublicData } from '../core/http/rate-limits';
import { CommonGrantsOpportunities, OpportunitySearchPage } from './common-grants.service';
import { parseListQuery, parseSearchBody } from './opportunity-query';

/** The list response is the protocol's Paginated: no sort or filter information. */
const listed = ({ status, message, items, paginationInfo }: OpportunitySearchPage) => ({
  status,
  message,
  items,
  paginationInfo,
});

/**
 * CommonGrants (https://commongrants.org) opportunities of one agency: its published programs,
 * for anyone, read-only. The agency's CommonGrants base URL is /api/v1/agencies/{agencyCode}.
 */
@ApiTags('common-grants')
@Controller('agencies/:agencyCode/common-grants/opportunities')
export class AgencyOpportunitiesController {
  constructor(private readonly opportunities: CommonGrantsOpportunities) {}

  /** Newest change first (the protocol's list order). */
  @Get()
  @Public()
  @PublicData()
  async list(@Query() query: Record<string, unknown>) {
    return listed(await this.opportunities.searchAgency(parseListQuery(query)));
  }

  @Post('search')
  @HttpCode(200)
  @Public()
  @PublicData()
  search(@Body() body: unknown) {
    return this.opportunities.searchAgency(parseSearchBody(body));
  }

  @Get(':oppId')
  @Public()
  @PublicData()
  async read(@Param('oppId') oppId: string) {
    return { status: 200, message: 'Success', data: await this.opportunities.readAgency(oppId) };
  }
}

/**
 * CommonGrants opportunities of every agency of the deployment (an aggregator's feed). Its
 * CommonGrants base URL is /api/v1, beside the agencies' own. No request transaction: each
 * agency is read in a transaction of its own (as login opens its own), so a request holds one
 * connection at a time, not an idle one besides.
 */
@ApiTags('common-grants')
@WithoutTransaction()
@Controller('common-grants/opportunities')
export class DeploymentOpportunitiesController {
  constructor(private readonly opportunities: CommonGrantsOpportunities) {}

  @Get()
  @Public()
  @PublicData()
  async list(@Query() query: Record<string, unknown>) {
    return listed(await this.opportunities.searchDeployment(parseListQuery(query)));
  }

  @Post('search')
  @HttpCode(200)
  @Public()
  @PublicData()
  search(@Body() body: unknown) {
    return this.opportunities.searchDeployment(parseSearchBody(body));
  }

  @Get(':oppId')
  @Public()
  @PublicData()
  async read(@Param('oppId') oppId: string) {
    return {
      status: 200,
      message: 'Success',
      data: await this.opportunities.readDeployment(oppId),
    };
  }
}
