import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { FieldProblem } from '../core/errors/domain-error';
import { toCents } from '../core/money/money';
import type {
  CentsRange,
  DateBound,
  OpenProgramQuery,
  OpenProgramSortKey,
  ProgramKind,
  PublicWindow,
} from '../programs/program-opportunities';
import { OpportunityPageTooDeepError, OpportunitySearchInvalidError } from './common-grants.errors';
import { OppStatusValue } from './opportunity';

/** The protocol's default page size; larger requests get pages of this size (paginationInfo says so). */
export const MAX_PAGE_SIZE = 100;
/**
 * How far offset pages reach (page × pageSize): each page re-reads everything before it, and
 * across the deployment each agency sends that many sort keys to merge (50 agencies × 1,000
 * keys: a few MB at worst). Narrower filters (close dates, agencyCode) reach the rest.
 */
export const MAX_PAGED_RESULTS = 1_000;
const MAX_SEARCH_LENGTH = 200;

/** The protocol's sortable fields (CommonGrants.Models.OppSortBy) and ours behind them. */
const SORT_KEYS: Record<string, OpenProgramSortKey | null> = {
  lastModifiedAt: 'updatedAt',
  createdAt: 'createdAt',
  title: 'title',
  'status.value': 'window',
  'keyDates.closeDate': 'closesAt',
  'funding.maxAwardAmount': 'awardCeiling',
  'funding.minAwardAmount': 'awardFloor',
  'funding.totalAmountAvailable': 'fundsAvailable',
  // Not recorded here: sorted by the default instead, and sortInfo.errors says so.
  'funding.estimatedAwardCount': null,
  custom: null,
};
/** Implementation-defined sort keys (`sortBy: "custom"`, `customSortBy`). */
const CUSTOM_SORT_KEYS: Record<string, OpenProgramSortKey> = { fiscalYear: 'fiscalYear' };

const WINDOW_OF_STATUS: Record<OppStatusValue, PublicWindow | null> = {
  forecasted: 'upcoming',
  open: 'open',
  closed: 'closed',
  custom: null, // this deployment has no custom statuses
};

const DECIMAL_STRING = '^-?[0-9]+\\.?[0-9]*$'; // CommonGrants.Types.decimalString
const money = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'string', pattern: DECIMAL_STRING, maxLength: 20 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
};
const dateOrDateTime = {
  type: 'string',
  maxLength: 40,
  anyOf: [{ format: 'date' }, { format: 'date-time' }],
};
const range = (bound: object) => ({
  type: 'object',
  additionalProperties: false,
  required: ['operator', 'value'],
  properties: {
    operator: { enum: ['between', 'outside'] },
    value: {
      type: 'object',
      additionalProperties: false,
      required: ['min', 'max'],
      properties: { min: bound, max: bound },
    },
  },
});
const among = (values: readonly string[]) => ({
  type: 'object',
  additionalProperties: false,
  required: ['operator', 'value'],
  properties: {
    operator: { enum: ['in', 'notIn'] },
    value: { type: 'array', maxItems: 50, items: { type: 'string', enum: values } },
  },
});
const page = { type: 'integer', minimum: 1, maximum: 1_000_000 };

/**
 * The search request (CommonGrants `POST /opportunities/search`) with the filters this
 * deployment implements. Unknown members are refused rather than ignored: a misspelt filter
 * would otherwise widen the results silently.
 */
const SEARCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    search: { type: 'string', maxLength: MAX_SEARCH_LENGTH },
    filters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: among(Object.keys(WINDOW_OF_STATUS)),
        closeDateRange: range(dateOrDateTime),
        totalFundingAvailableRange: range(money),
        minAwardAmountRange: range(money),
        maxAwardAmountRange: range(money),
        customFilters: {
          type: 'object',
          additionalProperties: false,
          properties: {
            programType: among(['competitive', 'formula']),
            agencyCode: {
              type: 'object',
              additionalProperties: false,
              required: ['operator', 'value'],
              properties: {
                operator: { enum: ['in', 'notIn'] },
                value: {
                  type: 'array',
                  maxItems: 100,
                  items: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
                },
              },
            },
          },
        },
      },
    },
    sorting: {
      type: 'object',
      additionalProperties: false,
      required: ['sortBy'],
      properties: {
        sortBy: { enum: Object.keys(SORT_KEYS) },
        customSortBy: { type: 'string', maxLength: 100 },
        sortOrder: { enum: ['asc', 'desc'] },
      },
    },
    pagination: {
      type: 'object',
      additionalProperties: false,
      properties: { page, pageSize: page },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv, ['date', 'date-time']);
const validateSearch = ajv.compile<SearchBody>(SEARCH_SCHEMA);

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function problemsOf(errors: ErrorObject[]): FieldProblem[] {
  const seen = new Set<string>();
  return errors
    .map((e) => {
      if (e.keyword === 'additionalProperties') {
        const name = (e.params as { additionalProperty: string }).additionalProperty;
        return { pointer: `${e.instancePath}/${escapePointer(name)}`, detail: 'is not supported' };
      }
      if (e.keyword === 'required') {
        const name = (e.params as { missingProperty: string }).missingProperty;
        return { pointer: `${e.instancePath}/${escapePointer(name)}`, detail: 'is required' };
      }
      if (e.keyword === 'enum') {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        return { pointer: e.instancePath, detail: `must be one of ${allowed.join(', ')}` };
      }
      if (e.keyword === 'format' || e.keyword === 'anyOf') {
        return {
          pointer: e.instancePath,
          detail: 'must be a date (YYYY-MM-DD) or a date-time with an offset',
        };
      }
      return { pointer: e.instancePath, detail: e.message ?? 'is not valid' };
    })
    .filter((p) => {
      const key = `${p.pointer} ${p.detail}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Implementation-defined filters that narrow which agencies a deployment-wide search reads. */
export interface AgencyFilter {
  operator: 'in' | 'notIn';
  codes: string[];
}

/** A validated search: what the programs module runs, and what the response echoes. */
export interface OpportunitySearch {
  query: Omit<OpenProgramQuery, 'offset' | 'limit'>;
  page: number;
  pageSize: number;
  /** A filter no program can match (a currency other than US dollars, the `custom` status). */
  matchesNothing: boolean;
  agencies?: AgencyFilter;
  sortInfo: { sortBy: string; customSortBy?: string; sortOrder: 'asc' | 'desc'; errors?: string[] };
  filterInfo: { filters: Record<string, unknown>; errors?: string[] };
}

interface SearchBody {
  search?: string;
  filters?: {
    status?: { operator: 'in' | 'notIn'; value: OppStatusValue[] };
    closeDateRange?: { operator: 'between' | 'outside'; value: { min: string; max: string } };
    totalFundingAvailableRange?: MoneyRange;
    minAwardAmountRange?: MoneyRange;
    maxAwardAmountRange?: MoneyRange;
    customFilters?: {
      programType?: { operator: 'in' | 'notIn'; value: ProgramKind[] };
      agencyCode?: { operator: 'in' | 'notIn'; value: string[] };
    };
  };
  sorting?: { sortBy: string; customSortBy?: string; sortOrder?: 'asc' | 'desc' };
  pagination?: { page?: number; pageSize?: number };
}
interface MoneyRange {
  operator: 'between' | 'outside';
  value: { min: { amount: string; currency: string }; max: { amount: string; currency: string } };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A list request's query string (`page`, `pageSize`): the protocol's list, newest change first. */
export function parseListQuery(query: Record<string, unknown>): OpportunitySearch {
  const problems: FieldProblem[] = [];
  const pagination: { page?: number; pageSize?: number } = {};
  for (const [name, value] of Object.entries(query)) {
    if (name !== 'page' && name !== 'pageSize') {
      problems.push({ pointer: `/${escapePointer(name)}`, detail: 'is not a supported parameter' });
    } else if (typeof value !== 'string' || !/^[1-9][0-9]{0,6}$/.test(value)) {
      problems.push({ pointer: `/${name}`, detail: 'must be a whole number of at least 1' });
    } else {
      pagination[name] = Number(value);
    }
  }
  if (problems.length > 0) throw new OpportunitySearchInvalidError(problems);
  return toSearch({ pagination }, '');
}

/** A search request's body, validated against the protocol's shape and our limits. */
export function parseSearchBody(body: unknown): OpportunitySearch {
  const value = body ?? {};
  if (!validateSearch(value))
    throw new OpportunitySearchInvalidError(problemsOf(validateSearch.errors ?? []));
  return toSearch(value, '/pagination');
}

function toSearch(body: SearchBody, paginationPointer: string): OpportunitySearch {
  const problems: FieldProblem[] = [];
  const filterErrors: string[] = [];
  const sortErrors: string[] = [];
  let matchesNothing = false;
  const f = body.filters ?? {};
  const query: OpportunitySearch['query'] = { sort: { key: 'updatedAt', order: 'desc' } };

  const text = body.search?.trim();
  if (text) query.text = text;

  if (f.status) {
    const named = new Set(f.status.value.map((s) => WINDOW_OF_STATUS[s]).filter((w) => w !== null));
    const all: PublicWindow[] = ['upcoming', 'open', 'closed'];
    query.windows = all.filter((w) => named.has(w) === (f.status!.operator === 'in'));
    if (query.windows.length === 0) matchesNothing = true;
  }

  if (f.closeDateRange) {
    const bound = (v: string): DateBound =>
      DATE_ONLY.test(v) ? { day: v } : { instant: new Date(v) };
    const { min, max } = f.closeDateRange.value;
    const minB = bound(min);
    const maxB = bound(max);
    if (startOf(minB) > startOf(maxB))
      problems.push({
        pointer: '/filters/closeDateRange/value',
        detail: 'min must not be after max',
      });
    query.closes = { min: minB, max: maxB, outside: f.closeDateRange.operator === 'outside' };
  }

  const moneyFilters: Array<
    [keyof NonNullable<SearchBody['filters']>, 'fundsAvailable' | 'awardFloor' | 'awardCeiling']
  > = [
    ['totalFundingAvailableRange', 'fundsAvailable'],
    ['minAwardAmountRange', 'awardFloor'],
    ['maxAwardAmountRange', 'awardCeiling'],
  ];
  for (const [name, key] of moneyFilters) {
    const filter = f[name] as MoneyRange | undefined;
    if (!filter) continue;
    const pointer = `/filters/${name}/value`;
    const { min, max } = filter.value;
    if (min.currency !== max.currency) {
      problems.push({ pointer, detail: 'min and max must be in the same currency' });
      continue;
    }
    const minCents = cents(min.amount, `${pointer}/min/amount`, problems);
    const maxCents = cents(max.amount, `${pointer}/max/amount`, problems);
    if (minCents === null || maxCents === null) continue;
    if (minCents > maxCents) {
      problems.push({ pointer, detail: 'min must not be more than max' });
      continue;
    }
    if (min.currency !== 'USD') {
      // The protocol: amounts in another currency are excluded; all of ours are US dollars.
      matchesNothing = true;
      filterErrors.push(`${name}: amounts here are in USD; nothing is in ${min.currency}`);
    }
    const r: CentsRange = { min: minCents, max: maxCents, outside: filter.operator === 'outside' };
    query[key] = r;
  }

  const custom = f.customFilters ?? {};
  if (custom.programType) {
    const named = new Set(custom.programType.value);
    const kinds: ProgramKind[] = ['competitive', 'formula'];
    query.kinds = kinds.filter((k) => named.has(k) === (custom.programType!.operator === 'in'));
    if (query.kinds.length === 0) matchesNothing = true;
  }
  const agencies: AgencyFilter | undefined = custom.agencyCode && {
    operator: custom.agencyCode.operator,
    codes: custom.agencyCode.value,
  };

  const sorting = body.sorting;
  let sortBy = 'lastModifiedAt';
  let customSortBy: string | undefined;
  if (sorting) {
    const key = SORT_KEYS[sorting.sortBy];
    if (sorting.sortBy === 'custom') {
      const customKey = sorting.customSortBy && CUSTOM_SORT_KEYS[sorting.customSortBy];
      if (!customKey) {
        problems.push({
          pointer: '/sorting/customSortBy',
          detail: `must be one of ${Object.keys(CUSTOM_SORT_KEYS).join(', ')} when sortBy is custom`,
        });
      } else {
        query.sort.key = customKey;
        sortBy = 'custom';
        customSortBy = sorting.customSortBy;
      }
    } else if (key) {
      query.sort.key = key;
      sortBy = sorting.sortBy;
    } else {
      sortErrors.push(`${sorting.sortBy} is not recorded here; sorted by lastModifiedAt`);
    }
    const newestFirst = query.sort.key === 'updatedAt' || query.sort.key === 'createdAt';
    query.sort.order = sorting.sortOrder ?? (newestFirst ? 'desc' : 'asc');
  }

  const pageNumber = body.pagination?.page ?? 1;
  const pageSize = Math.min(body.pagination?.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  if (problems.length > 0) throw new OpportunitySearchInvalidError(problems);
  if (pageNumber * pageSize > MAX_PAGED_RESULTS)
    throw new OpportunityPageTooDeepError(MAX_PAGED_RESULTS, `${paginationPointer}/page`);

  return {
    query,
    page: pageNumber,
    pageSize,
    matchesNothing,
    agencies,
    sortInfo: {
      sortBy,
      ...(customSortBy && { customSortBy }),
      sortOrder: query.sort.order,
      ...(sortErrors.length > 0 && { errors: sortErrors }),
    },
    filterInfo: {
      filters: body.filters ?? {},
      ...(filterErrors.length > 0 && { errors: filterErrors }),
    },
  };
}

/** For comparing bounds only: a day as its UTC start (a zone moves it by hours, not days). */
const startOf = (b: DateBound): number =>
  'day' in b ? Date.parse(`${b.day}T00:00:00Z`) : b.instant.getTime();

/** A protocol decimal string as cents: "100", "100.", "100.5", "-3.25"; more than cents is refused. */
function cents(amount: string, pointer: string, problems: FieldProblem[]): bigint | null {
  const trimmed = amount.endsWith('.') ? amount.slice(0, -1) : amount;
  try {
    return toCents(trimmed);
  } catch {
    problems.push({ pointer, detail: 'must have at most 12 digits before the point and 2 after' });
    return null;
  }
}
