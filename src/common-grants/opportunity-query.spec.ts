import { OpportunityPageTooDeepError, OpportunitySearchInvalidError } from './common-grants.errors';
import { MAX_PAGE_SIZE, parseListQuery, parseSearchBody } from './opportunity-query';

const pointers = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (
      error instanceof OpportunitySearchInvalidError ||
      error instanceof OpportunityPageTooDeepError
    )
      return (error.extensions.errors as Array<{ pointer: string }>).map((e) => e.pointer);
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('CommonGrants search requests', () => {
  it('defaults to the protocol list: newest change first, page 1 of 100', () => {
    const search = parseSearchBody(undefined);
    expect(search.query.sort).toEqual({ key: 'updatedAt', order: 'desc' });
    expect(search).toMatchObject({ page: 1, pageSize: MAX_PAGE_SIZE, matchesNothing: false });
    expect(search.sortInfo).toEqual({ sortBy: 'lastModifiedAt', sortOrder: 'desc' });
  });

  it('maps status filters to program windows, including notIn and custom', () => {
    const windows = (operator: string, value: string[]) =>
      parseSearchBody({ filters: { status: { operator, value } } });
    expect(windows('in', ['forecasted', 'open']).query.windows).toEqual(['upcoming', 'open']);
    expect(windows('notIn', ['open']).query.windows).toEqual(['upcoming', 'closed']);
    expect(windows('in', ['custom']).matchesNothing).toBe(true);
    expect(windows('notIn', ['forecasted', 'open', 'closed']).matchesNothing).toBe(true);
  });

  it('reads money bounds as exact cents, never floats', () => {
    const search = parseSearchBody({
      filters: {
        totalFundingAvailableRange: {
          operator: 'outside',
          value: {
            min: { amount: '0.1', currency: 'USD' },
            max: { amount: '999999999999.99', currency: 'USD' },
          },
        },
      },
    });
    expect(search.query.fundsAvailable).toEqual({ min: 10n, max: 99999999999999n, outside: true });
    expect(
      pointers(() =>
        parseSearchBody({
          filters: {
            maxAwardAmountRange: {
              operator: 'between',
              value: {
                min: { amount: '1', currency: 'USD' },
                max: { amount: '1', currency: 'EUR' },
              },
            },
          },
        }),
      ),
    ).toEqual(['/filters/maxAwardAmountRange/value']);
  });

  it('treats another currency as matching nothing, and says so', () => {
    const search = parseSearchBody({
      filters: {
        minAwardAmountRange: {
          operator: 'between',
          value: { min: { amount: '1', currency: 'CAD' }, max: { amount: '2', currency: 'CAD' } },
        },
      },
    });
    expect(search.matchesNothing).toBe(true);
    expect(search.filterInfo.errors).toHaveLength(1);
  });

  it('reads close-date bounds as days or instants', () => {
    const search = parseSearchBody({
      filters: {
        closeDateRange: {
          operator: 'between',
          value: { min: '2027-01-01', max: '2027-03-31T17:00:00-05:00' },
        },
      },
    });
    expect(search.query.closes).toEqual({
      min: { day: '2027-01-01' },
      max: { instant: new Date('2027-03-31T22:00:00Z') },
      outside: false,
    });
  });

  it('refuses what it does not implement rather than ignoring it', () => {
    expect(pointers(() => parseSearchBody({ filters: { agency: {} } }))).toEqual([
      '/filters/agency',
    ]);
    expect(pointers(() => parseSearchBody({ sorting: { sortBy: 'custom' } }))).toEqual([
      '/sorting/customSortBy',
    ]);
    expect(pointers(() => parseListQuery({ page: '1', q: 'x' }))).toEqual(['/q']);
    expect(pointers(() => parseListQuery({ page: '101', pageSize: '100' }))).toEqual(['/page']);
  });

  it('serves oversized pages at the protocol default size', () => {
    expect(parseListQuery({ pageSize: '5000' }).pageSize).toBe(MAX_PAGE_SIZE);
  });
});
