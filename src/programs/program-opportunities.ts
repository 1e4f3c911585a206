import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { parseAgencyDateTime } from '../core/clock/zoned-time';
import { TenantDb } from '../core/context/tenant-db';
import { isUuid } from '../core/ids';
import { fromCents } from '../core/money/money';
import { SelectQueryBuilder } from 'typeorm';
import { Program, ProgramKind } from './entities/program.entity';
import type { Eligibility } from './program-settings';

export type { ProgramKind };

/** Where a public program's window stands: the order is the sort order (see WINDOW_RANK). */
export type PublicWindow = 'closed' | 'upcoming' | 'open';
export const WINDOW_RANK: Record<PublicWindow, number> = { closed: 0, upcoming: 1, open: 2 };

/** What anyone may read of a published or closed program, for open-data feeds. */
export interface OpenProgram {
  id: string;
  code: string;
  title: string;
  description: string;
  kind: ProgramKind;
  fundingSource: Program['fundingSource'];
  assistanceListingNumber: string | null;
  assistanceListingTitle: string | null;
  fiscalYear: number | null;
  fundsAvailable: string | null;
  awardFloor: string | null;
  awardCeiling: string | null;
  performanceStart: string | null;
  performanceEnd: string | null;
  opensAt: Date | null;
  closesAt: Date | null;
  /** closesAt plus the grace minutes (the program's, else the agency's). */
  acceptsUntil: Date | null;
  eligibility: Eligibility;
  window: PublicWindow;
  publishedAt: Date | null;
  createdAt: Date;
  /** Truncated to the millisecond, as it is sorted (so a merge in JS agrees with SQL). */
  updatedAt: Date;
}

/** A bound of a date range: a calendar day in the agency's time zone, or an instant. */
export type DateBound = { day: string } | { instant: Date };
export interface DateRange {
  min: DateBound;
  max: DateBound;
  /** Outside the range instead of inside it. */
  outside: boolean;
}
export interface CentsRange {
  min: bigint;
  max: bigint;
  outside: boolean;
}

export type OpenProgramSortKey =
  | 'updatedAt'
  | 'createdAt'
  | 'title'
  | 'window'
  | 'closesAt'
  | 'awardCeiling'
  | 'awardFloor'
  | 'fundsAvailable'
  | 'fiscalYear';

/** A sort key's value as SQL returns it (see sortKeys). */
export type SortValue = string | number | Date | null;

export interface OpenProgramQuery {
  /** Words in the title or description (case-insensitive). */
  text?: string;
  /** Only programs whose window is in one of these states; an empty list matches nothing. */
  windows?: PublicWindow[];
  kinds?: ProgramKind[];
  closes?: DateRange;
  fundsAvailable?: CentsRange;
  awardFloor?: CentsRange;
  awardCeiling?: CentsRange;
  sort: { key: OpenProgramSortKey; order: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

/** SQL of each sort key; ties end on id, ascending, so pages are stable. */
const SORT_SQL: Record<OpenProgramSortKey, string> = {
  updatedAt: `date_trunc('milliseconds', p.updated_at)`,
  createdAt: 'p.created_at',
  // Byte order of the lower-cased title: the same order JavaScript compares strings in, so
  // results merged across agencies sort alike.
  title: 'lower(p.title) COLLATE "C"',
  window: '', // WINDOW_SQL, built with the query's parameters
  closesAt: 'p.closes_at',
  awardCeiling: 'p.award_ceiling',
  awardFloor: 'p.award_floor',
  fundsAvailable: 'p.funds_available',
  fiscalYear: 'p.fiscal_year',
};

/** The window as WINDOW_RANK numbers it, in SQL (the same rule as windowState). */
const WINDOW_SQL = `(CASE
  WHEN p.status <> 'published' OR p.opens_at IS NULL OR p.closes_at IS NULL
    OR p.closes_at + make_interval(mins => COALESCE(p.grace_minutes, :grace)) < :now THEN 0
  WHEN p.opens_at > :now THEN 1
  ELSE 2 END)`;

const COLUMNS = [
  'id',
  'code',
  'title',
  'description',
  'kind',
  'status',
  'fundingSource',
  'assistanceListingNumber',
  'assistanceListingTitle',
  'fiscalYear',
  'fundsAvailable',
  'awardFloor',
  'awardCeiling',
  'performanceStart',
  'performanceEnd',
  'opensAt',
  'closesAt',
  'graceMinutes',
  'eligibility',
  'publishedAt',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof Program>;

const nextDay = (day: string): string => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
};

/** The first instant of a calendar day in the zone (01:00 where midnight was skipped by DST). */
function startOfDay(day: string, timeZone: string): Date {
  for (const time of ['00:00', '01:00']) {
    const parsed = parseAgencyDateTime(`${day}T${time}`, timeZone);
    if (parsed.ok) return parsed.instant;
  }
  return new Date(`${day}T00:00:00Z`);
}

/**
 * Published and closed programs of the current agency as open data (the CommonGrants feed):
 * never drafts or archived programs. Filters, sort and page run in one indexed read led by
 * (agency_id, status); the count is a second read with the same conditions.
 */
@Injectable()
export class ProgramOpportunities {
  constructor(
    private readonly db: TenantDb,
    private readonly agencies: AgencyDirectory,
  ) {}

  /** One page of the matching programs, in the query's order, and how many match. */
  async search(
    query: OpenProgramQuery,
    now: Date,
  ): Promise<{ rows: OpenProgram[]; total: number }> {
    const matching = this.matching(query, now);
    if (!matching) return { rows: [], total: 0 };
    // The page and the count in one statement (a window count); a page past the end has no
    // row to carry it, so only then a second statement counts.
    const { entities: programs, raw } = await this.sorted(matching.qb.clone(), query)
      .addSelect('COUNT(*) OVER ()', 'matching_total')
      .getRawAndEntities<{ matching_total: string }>();
    const total = raw.length > 0 ? Number(raw[0].matching_total) : await matching.qb.getCount();
    return { rows: programs.map((p) => this.open(p, matching.grace, now)), total };
  }

  /**
   * The same page as ids and sort values only, for merging several agencies' results: small
   * rows however deep the page (the full programs of the merged page come from findMany).
   * Values are as SQL orders them: money as decimal strings, times as Dates.
   */
  async sortKeys(
    query: OpenProgramQuery,
    now: Date,
  ): Promise<{ keys: Array<{ id: string; value: SortValue }>; total: number }> {
    const matching = this.matching(query, now);
    if (!matching) return { keys: [], total: 0 };
    const raw = await this.sorted(matching.qb.clone(), query)
      .select('p.id', 'id')
      .addSelect(this.sortSql(query), 'sort_value')
      .addSelect('COUNT(*) OVER ()', 'matching_total')
      .getRawMany<{ id: string; sort_value: SortValue; matching_total: string }>();
    const total = raw.length > 0 ? Number(raw[0].matching_total) : await matching.qb.getCount();
    return { keys: raw.map((r) => ({ id: r.id, value: r.sort_value })), total };
  }

  /** Published or closed programs by id (others are left out), in no particular order. */
  async findMany(ids: string[], now: Date): Promise<OpenProgram[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const programs = await this.db
      .repo(Program)
      .createQueryBuilder('p')
      .select(COLUMNS.map((c) => `p.${c}`))
      .where(`p.agency_id = :agencyId AND p.status IN ('published', 'closed')`, {
        agencyId: this.db.agencyId,
      })
      .andWhere('p.id IN (:...ids)', { ids: valid })
      .getMany();
    const grace = this.agencies.configOf(this.db.agencyId).applications.submissionGraceMinutes;
    return programs.map((p) => this.open(p, grace, now));
  }

  private sortSql(query: OpenProgramQuery): string {
    return query.sort.key === 'window' ? WINDOW_SQL : SORT_SQL[query.sort.key];
  }

  private sorted(qb: SelectQueryBuilder<Program>, query: OpenProgramQuery) {
    return qb
      .orderBy(this.sortSql(query), query.sort.order === 'asc' ? 'ASC' : 'DESC', 'NULLS LAST')
      .addOrderBy('p.id', 'ASC')
      .offset(query.offset)
      .limit(query.limit);
  }

  /** The agency's public programs the query's filters match; null when none can. */
  private matching(query: OpenProgramQuery, now: Date) {
    if (query.windows?.length === 0 || query.kinds?.length === 0) return null;
    const agency = this.agencies.configOf(this.db.agencyId);
    const grace = agency.applications.submissionGraceMinutes;
    const qb = this.db
      .repo(Program)
      .createQueryBuilder('p')
      .select(COLUMNS.map((c) => `p.${c}`))
      .where(`p.agency_id = :agencyId AND p.status IN ('published', 'closed')`, {
        agencyId: this.db.agencyId,
      })
      .setParameters({ now, grace });
    if (query.text) {
      const term = `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(p.title ILIKE :term OR p.description ILIKE :term)', { term });
    }
    if (query.windows) {
      const ranks = query.windows.map((w) => WINDOW_RANK[w]);
      qb.andWhere(`${WINDOW_SQL} IN (:...ranks)`, { ranks });
    }
    if (query.kinds) qb.andWhere('p.kind IN (:...kinds)', { kinds: query.kinds });
    if (query.closes) {
      const bound = (b: DateBound, end: boolean): Date =>
        'instant' in b ? b.instant : startOfDay(end ? nextDay(b.day) : b.day, agency.timeZone);
      const from = bound(query.closes.min, false);
      const until = bound(query.closes.max, true);
      // A day bound covers the whole day: up to the next day's start, exclusive.
      const upper = 'day' in query.closes.max ? '<' : '<=';
      const inside = `p.closes_at >= :closesFrom AND p.closes_at ${upper} :closesUntil`;
      qb.andWhere(
        query.closes.outside
          ? `p.closes_at IS NOT NULL AND NOT (${inside})`
          : `p.closes_at IS NOT NULL AND ${inside}`,
        { closesFrom: from, closesUntil: until },
      );
    }
    const money: Array<[keyof OpenProgramQuery, string]> = [
      ['fundsAvailable', 'p.funds_available'],
      ['awardFloor', 'p.award_floor'],
      ['awardCeiling', 'p.award_ceiling'],
    ];
    for (const [key, column] of money) {
      const range = query[key] as CentsRange | undefined;
      if (!range) continue;
      const inside = `${column} BETWEEN :${key}Min::numeric AND :${key}Max::numeric`;
      qb.andWhere(
        range.outside
          ? `${column} IS NOT NULL AND NOT (${inside})`
          : `${column} IS NOT NULL AND ${inside}`,
        { [`${key}Min`]: fromCents(range.min), [`${key}Max`]: fromCents(range.max) },
      );
    }
    return { qb, grace };
  }

  /** One published or closed program; null for any other (drafts, archived, unknown ids). */
  async find(programId: string, now: Date): Promise<OpenProgram | null> {
    if (!isUuid(programId)) return null;
    const program = await this.db
      .repo(Program)
      .createQueryBuilder('p')
      .select(COLUMNS.map((c) => `p.${c}`))
      .where(`p.agency_id = :agencyId AND p.id = :id AND p.status IN ('published', 'closed')`, {
        agencyId: this.db.agencyId,
        id: programId,
      })
      .getOne();
    if (!program) return null;
    const grace = this.agencies.configOf(this.db.agencyId).applications.submissionGraceMinutes;
    return this.open(program, grace, now);
  }

  private open(p: Program, agencyGrace: number, now: Date): OpenProgram {
    const grace = p.graceMinutes ?? agencyGrace;
    const acceptsUntil = p.closesAt ? new Date(p.closesAt.getTime() + grace * 60_000) : null;
    const window: PublicWindow =
      p.status !== 'published' || !p.opensAt || !acceptsUntil || acceptsUntil < now
        ? 'closed'
        : now < p.opensAt
          ? 'upcoming'
          : 'open';
    return {
      id: p.id,
      code: p.code,
      title: p.title,
      description: p.description,
      kind: p.kind,
      fundingSource: p.fundingSource,
      assistanceListingNumber: p.assistanceListingNumber,
      assistanceListingTitle: p.assistanceListingTitle,
      fiscalYear: p.fiscalYear,
      fundsAvailable: p.fundsAvailable,
      awardFloor: p.awardFloor,
      awardCeiling: p.awardCeiling,
      performanceStart: p.performanceStart,
      performanceEnd: p.performanceEnd,
      opensAt: p.opensAt,
      closesAt: p.closesAt,
      acceptsUntil,
      eligibility: p.eligibility,
      window,
      publishedAt: p.publishedAt,
      createdAt: p.createdAt,
      updatedAt: new Date(p.updatedAt.getTime()),
    };
  }
}
