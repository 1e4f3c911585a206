import { Inject, Injectable } from '@nestjs/common';
import { AgencyDirectory, AgencySummary } from '../agencies/agency-directory';
import { Clock } from '../core/clock/clock';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { RequestContext } from '../core/context/request-context';
import { TenantRunner } from '../core/context/tenant-db';
import { isUuid } from '../core/ids';
import { toCents } from '../core/money/money';
import {
  OpenProgram,
  OpenProgramSortKey,
  ProgramOpportunities,
  WINDOW_RANK,
} from '../programs/program-opportunities';
import { OpportunityNotFoundError } from './common-grants.errors';
import { Opportunity, toOpportunity } from './opportunity';
import { OpportunitySearch } from './opportunity-query';

/** CommonGrants.Responses.Paginated (list) and Filtered (search), as this service fills them. */
export interface OpportunityPage {
  status: 200;
  message: 'Success';
  items: Opportunity[];
  paginationInfo: { page: number; pageSize: number; totalItems: number; totalPages: number };
}
export type OpportunitySearchPage = OpportunityPage & {
  sortInfo: OpportunitySearch['sortInfo'];
  filterInfo: OpportunitySearch['filterInfo'];
};

type Found = { program: OpenProgram; agency: AgencySummary };

/** A program's value for a sort key, as SQL orders it (null sorts last either way). */
function sortValue(p: OpenProgram, key: OpenProgramSortKey): number | bigint | string | null {
  switch (key) {
    case 'updatedAt':
      return p.updatedAt.getTime();
    case 'createdAt':
      return p.createdAt.getTime();
    case 'title':
      return p.title.toLowerCase();
    case 'window':
      return WINDOW_RANK[p.window];
    case 'closesAt':
      return p.closesAt?.getTime() ?? null;
    case 'fiscalYear':
      return p.fiscalYear;
    default: {
      const amount = p[key];
      return amount === null ? null : toCents(amount);
    }
  }
}

/**
 * The CommonGrants opportunities feed: an agency's published programs, or every agency's.
 * Reads go through the programs module's public read (ProgramOpportunities) inside a tenant
 * context: the request's own on agency routes; across the deployment, each agency's in turn,
 * its own transaction with its own row-level security (as the home page reads several
 * agencies), never one query across agencies.
 */
@Injectable()
export class CommonGrantsOpportunities {
  constructor(
    private readonly programs: ProgramOpportunities,
    private readonly agencies: AgencyDirectory,
    private readonly runner: TenantRunner,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Search (or list) the current agency's opportunities. */
  async searchAgency(search: OpportunitySearch): Promise<OpportunitySearchPage> {
    const agency = this.currentAgency();
    const excluded = search.agencies && !this.agencyFilter(search)(agency);
    if (search.matchesNothing || excluded) return this.page(search, [], 0);
    const { rows, total } = await this.programs.search(
      { ...search.query, offset: (search.page - 1) * search.pageSize, limit: search.pageSize },
      this.clock.now(),
    );
    return this.page(
      search,
      rows.map((program) => ({ program, agency })),
      total,
    );
  }

  async readAgency(oppId: string): Promise<Opportunity> {
    const program = await this.programs.find(oppId, this.clock.now());
    if (!program) throw new OpportunityNotFoundError();
    return this.opportunity({ program, agency: this.currentAgency() });
  }

  /**
   * Every active agency's opportunities: each agency returns its first page × pageSize in the
   * requested order, and the merge keeps the same order (SQL sorts by values JavaScript compares
   * alike, ties by id), so pages are stable and never skip or repeat an opportunity.
   */
  async searchDeployment(search: OpportunitySearch): Promise<OpportunitySearchPage> {
    if (search.matchesNothing) return this.page(search, [], 0);
    const now = this.clock.now();
    const limit = search.page * search.pageSize;
    const found: Found[] = [];
    let total = 0;
    for (const agency of this.agencies.list().filter(this.agencyFilter(search))) {
      const { rows, total: count } = await this.inAgency(agency, () =>
        this.programs.search({ ...search.query, offset: 0, limit }, now),
      );
      total += count;
      found.push(...rows.map((program) => ({ program, agency })));
    }
    const { key, order } = search.query.sort;
    const direction = order === 'asc' ? 1 : -1;
    found.sort((a, b) => {
      const x = sortValue(a.program, key);
      const y = sortValue(b.program, key);
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * direction;
      }
      return a.program.id < b.program.id ? -1 : a.program.id > b.program.id ? 1 : 0;
    });
    const start = (search.page - 1) * search.pageSize;
    return this.page(search, found.slice(start, start + search.pageSize), total);
  }

  /** Opportunity ids are program ids (UUIDs, unique across agencies): asked of each agency. */
  async readDeployment(oppId: string): Promise<Opportunity> {
    if (!isUuid(oppId)) throw new OpportunityNotFoundError();
    const now = this.clock.now();
    for (const agency of this.agencies.list()) {
      const program = await this.inAgency(agency, () => this.programs.find(oppId, now));
      if (program) return this.opportunity({ program, agency });
    }
    throw new OpportunityNotFoundError();
  }

  private inAgency<R>(agency: AgencySummary, work: () => Promise<R>): Promise<R> {
    // Public data read for whoever asked: the caller if signed in, else the system.
    const actor = this.context.actor ?? { kind: 'system' as const };
    return this.runner.run({ agencyId: agency.agencyId, agencyCode: agency.code }, actor, work);
  }

  private currentAgency(): AgencySummary {
    const agency = this.agencies.findById(this.context.agencyId);
    if (!agency) throw new OpportunityNotFoundError();
    return agency;
  }

  private agencyFilter(search: OpportunitySearch): (agency: AgencySummary) => boolean {
    const filter = search.agencies;
    if (!filter) return () => true;
    const codes = new Set(filter.codes);
    return (agency) => codes.has(agency.code) === (filter.operator === 'in');
  }

  private opportunity({ program, agency }: Found): Opportunity {
    return toOpportunity(program, agency, this.config.publicAppUrl);
  }

  private page(search: OpportunitySearch, found: Found[], total: number): OpportunitySearchPage {
    return {
      status: 200,
      message: 'Success',
      items: found.map((f) => this.opportunity(f)),
      paginationInfo: {
        page: search.page,
        pageSize: search.pageSize,
        totalItems: total,
        totalPages: Math.ceil(total / search.pageSize),
      },
      sortInfo: search.sortInfo,
      filterInfo: search.filterInfo,
    };
  }
}
