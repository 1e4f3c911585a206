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
  SortValue,
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

/** A sort value as SQL returned it, in a form JavaScript compares in the same order. */
function comparable(value: SortValue, key: OpenProgramSortKey): number | bigint | string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (key === 'fundsAvailable' || key === 'awardFloor' || key === 'awardCeiling')
    return toCents(String(value));
  return value;
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
   * Every active agency's opportunities. Each agency returns the ids and sort values of its first
   * page × pageSize matches in the requested order (small rows, however deep the page); the merge
   * keeps that order (SQL sorts by values JavaScript compares alike, ties by id), so pages are
   * stable and never skip or repeat an opportunity. Then only the page's programs are read.
   */
  async searchDeployment(search: OpportunitySearch): Promise<OpportunitySearchPage> {
    if (search.matchesNothing) return this.page(search, [], 0);
    const now = this.clock.now();
    const query = { ...search.query, offset: 0, limit: search.page * search.pageSize };
    const { key, order } = query.sort;
    const keyed: Array<{
      agency: AgencySummary;
      id: string;
      value: ReturnType<typeof comparable>;
    }> = [];
    let total = 0;
    for (const agency of this.agencies.list().filter(this.agencyFilter(search))) {
      const found = await this.inAgency(agency, () => this.programs.sortKeys(query, now));
      total += found.total;
      for (const k of found.keys) keyed.push({ agency, id: k.id, value: comparable(k.value, key) });
    }
    const direction = order === 'asc' ? 1 : -1;
    keyed.sort((a, b) => {
      if (a.value !== b.value) {
        if (a.value === null) return 1;
        if (b.value === null) return -1;
        return (a.value < b.value ? -1 : 1) * direction;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    const start = (search.page - 1) * search.pageSize;
    const onPage = keyed.slice(start, start + search.pageSize);
    const programs = new Map<string, OpenProgram>();
    for (const agency of new Set(onPage.map((k) => k.agency))) {
      const ids = onPage.filter((k) => k.agency === agency).map((k) => k.id);
      for (const p of await this.inAgency(agency, () => this.programs.findMany(ids, now)))
        programs.set(p.id, p);
    }
    // A program archived between the two reads is left out of the page.
    const found = onPage.flatMap(({ agency, id }) => {
      const program = programs.get(id);
      return program ? [{ program, agency }] : [];
    });
    return this.page(search, found, total);
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
