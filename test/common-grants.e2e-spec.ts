import { formatInZone } from '../src/core/clock/zoned-time';
import { createProgram, openProgram } from './factories/grants';
import { signedInStaff, SignedIn } from './factories/identity';
import { commonGrantsOpenApi, responseChecker } from './support/common-grants-conformance';
import { expectStatus, TestApp } from './support/test-app';
import { useTestApp } from './support/use-test-app';

/**
 * CommonGrants opportunities (the protocol of @common-grants/core): every list, read and search
 * response, per agency (both shipped agencies) and across the deployment, is validated against
 * the protocol's own OpenAPI document, compiled from its TypeSpec at test time.
 */

const DAY = 86_400_000;
/** The programs are made at the real time; the tests look at them five days later. */
const MADE_AT = Date.now();
const SEEN_AT = new Date(MADE_AT + 5 * DAY);
const iso = (ms: number) => new Date(ms).toISOString();

const LIST = '/common-grants/opportunities';
const READ = '/common-grants/opportunities/{oppId}';
const SEARCH = '/common-grants/opportunities/search';
const base = (agencyCode?: string) => (agencyCode ? `/api/v1/agencies/${agencyCode}` : '/api/v1');

type Check = ReturnType<ReturnType<typeof responseChecker>>;

describe('CommonGrants opportunities', () => {
  const t = useTestApp({ clock: SEEN_AT });
  let conforms: ReturnType<typeof responseChecker>;
  let mo: SignedIn;
  const ids: Record<string, string> = {};

  async function lifecycle(agencyCode: string, officer: SignedIn, id: string, step: string) {
    const res = await t.request({
      method: 'POST',
      url: `${base(agencyCode)}/programs/${id}/${step}`,
      token: officer.token,
    });
    expectStatus(res, 200, step);
  }

  beforeAll(async () => {
    // Compiling the protocol takes seconds: done while the programs are made.
    const spec = commonGrantsOpenApi();
    mo = await signedInStaff(t, 'mo-dese', ['program_officer']);
    const window = (opensInDays: number, closesInDays: number) => ({
      opensAt: iso(MADE_AT + opensInDays * DAY),
      closesAt: iso(MADE_AT + closesInDays * DAY),
    });
    ids.open = (
      await openProgram(t, 'mo-dese', { title: 'Summer Literacy Grants' }, mo)
    ).program.id;
    ids.forecasted = (
      await openProgram(
        t,
        'mo-dese',
        {
          title: 'Rural STEM Futures',
          description: 'Robotics clubs for rural middle schools.',
          fundsAvailable: '500000.00',
          awardFloor: '5000.00',
          awardCeiling: '50000.00',
          eligibility: { organizationTypes: ['lea'] },
          fiscalYear: 2028,
          ...window(20, 50),
        },
        mo,
      )
    ).program.id;
    ids.ended = (
      await openProgram(
        t,
        'mo-dese',
        {
          title: 'Attendance Recovery Mini-Grants',
          fundsAvailable: '80000.00',
          awardFloor: '1000.00',
          awardCeiling: '8000.00',
          ...window(-1, 2),
        },
        mo,
      )
    ).program.id;
    ids.closed = (
      await openProgram(
        t,
        'mo-dese',
        { title: 'Teacher Residency Pilot', fundsAvailable: '750000.00' },
        mo,
      )
    ).program.id;
    await lifecycle('mo-dese', mo, ids.closed, 'close');
    ids.formula = (
      await openProgram(
        t,
        'mo-dese',
        {
          title: 'Title I Formula Allocations',
          kind: 'formula',
          rubric: null,
          fundsAvailable: '9000000.00',
          awardFloor: null, // allocations, not a range of awards
          awardCeiling: null,
          eligibility: {},
        },
        mo,
      )
    ).program.id;
    ids.archived = (await openProgram(t, 'mo-dese', { title: 'Archived Literacy' }, mo)).program.id;
    await lifecycle('mo-dese', mo, ids.archived, 'close');
    await lifecycle('mo-dese', mo, ids.archived, 'archive');
    ids.draft = (await createProgram(t, 'mo-dese', mo, { title: 'Draft Literacy Secret' })).id;
    const ks = await signedInStaff(t, 'ks-ksde', ['program_officer']);
    ids.kansas = (
      await openProgram(t, 'ks-ksde', { title: 'Kansas Literacy Grants' }, ks)
    ).program.id;
    ids.kansasDraft = (await createProgram(t, 'ks-ksde', ks, { title: 'Kansas Draft' })).id;
    conforms = responseChecker(await spec);
  });

  const MO_PUBLIC = () => [ids.open, ids.forecasted, ids.ended, ids.closed, ids.formula];

  /** A call whose response must be the protocol's for the operation and status. */
  async function call(
    method: 'GET' | 'POST',
    url: string,
    operation: string,
    status: number,
    payload?: unknown,
  ) {
    const res = await t.request({ method, url, payload });
    expect({ url, status: res.status }).toEqual({ url, status });
    const check: Check = conforms(method.toLowerCase(), operation, String(status));
    expect({ url, errors: check(res.json()) }).toEqual({ url, errors: [] });
    return res.json();
  }
  const list = (agencyCode?: string, query = '') =>
    call('GET', `${base(agencyCode)}${LIST}${query}`, LIST, 200);
  const read = (agencyCode: string | undefined, id: string) =>
    call('GET', `${base(agencyCode)}${LIST}/${id}`, READ, 200);
  const search = (agencyCode: string | undefined, body: unknown) =>
    call('POST', `${base(agencyCode)}${LIST}/search`, SEARCH, 200, body);
  const idsOf = (page: { items: Array<{ id: string }> }) => page.items.map((o) => o.id);

  it("lists each agency's published and closed programs, never drafts or archived ones", async () => {
    const missouri = await list('mo-dese');
    expect(new Set(idsOf(missouri))).toEqual(new Set(MO_PUBLIC()));
    expect(missouri.paginationInfo).toEqual({
      page: 1,
      pageSize: 100,
      totalItems: 5,
      totalPages: 1,
    });
    // The protocol's list order: most recently modified first.
    const modified = missouri.items.map((o: { lastModifiedAt: string }) => o.lastModifiedAt);
    expect(modified).toEqual([...modified].sort().reverse());

    const kansas = await list('ks-ksde');
    expect(idsOf(kansas)).toEqual([ids.kansas]);

    const everywhere = await list();
    expect(new Set(idsOf(everywhere))).toEqual(new Set([...MO_PUBLIC(), ids.kansas]));
    expect(everywhere.paginationInfo.totalItems).toBe(6);
  });

  it('maps a program to the protocol: status, money as decimal strings, local key dates, applicant types, custom fields', async () => {
    const { data } = await read('mo-dese', ids.open);
    const program = (
      await t.request({
        method: 'GET',
        url: `${base('mo-dese')}/programs/${ids.open}`,
        token: mo.token,
      })
    ).json();
    expect(data).toMatchObject({
      id: ids.open,
      title: 'Summer Literacy Grants',
      description: program.description,
      status: { value: 'open' },
      funding: {
        totalAmountAvailable: { amount: '1500000.00', currency: 'USD' },
        minAwardAmount: { amount: '10000.00', currency: 'USD' },
        maxAwardAmount: { amount: '250000.00', currency: 'USD' },
      },
      acceptedApplicantTypes: [
        { value: 'school_district_independent' },
        { value: 'custom', customValue: 'charter' },
      ],
      createdAt: program.createdAt,
      lastModifiedAt: program.updatedAt,
    });
    const [closeDate, closeTime] = formatInZone(
      new Date(program.closesAt),
      'America/Chicago',
    ).split('T');
    const [openDate, openTime] = formatInZone(new Date(program.opensAt), 'America/Chicago').split(
      'T',
    );
    expect(data.keyDates.closeDate).toMatchObject({
      eventType: 'singleDate',
      date: closeDate,
      time: closeTime,
    });
    expect(data.keyDates.postDate).toMatchObject({ eventType: 'singleDate' });
    expect(data.keyDates.otherDates.applicationPeriod).toMatchObject({
      eventType: 'dateRange',
      startDate: openDate,
      startTime: openTime,
      endDate: closeDate,
      endTime: closeTime,
    });
    expect(data.keyDates.otherDates.performancePeriod).toMatchObject({
      startDate: '2026-07-01',
      endDate: '2027-09-30',
    });
    expect(new URL(data.source).pathname).toBe(`/mo-dese/programs/${ids.open}`);
    expect(data.customFields).toMatchObject({
      agencyCode: { name: 'agencyCode', fieldType: 'string', value: 'mo-dese' },
      programCode: { fieldType: 'string', value: program.code },
      programType: { fieldType: 'string', value: 'competitive' },
      fundingSource: { fieldType: 'string', value: 'federal' },
      assistanceListing: { fieldType: 'object', value: { number: '84.010' } },
      fiscalYear: { fieldType: 'integer', value: 2027 },
      awardPeriod: {
        fieldType: 'object',
        value: { startDate: '2026-07-01', endDate: '2027-09-30' },
      },
      timeZone: { value: 'America/Chicago' },
      acceptsSubmissionsUntil: { value: program.acceptsSubmissionsUntil },
    });
    // What is not public stays out: the FAIN, the form, the rubric.
    expect(JSON.stringify(data)).not.toContain(program.fain);
    expect(JSON.stringify(data)).not.toContain('rubric');

    const statuses = async (id: string) => (await read('mo-dese', id)).data.status.value;
    expect(await statuses(ids.forecasted)).toBe('forecasted');
    expect(await statuses(ids.ended)).toBe('closed');
    expect(await statuses(ids.closed)).toBe('closed');
    const formula = (await read('mo-dese', ids.formula)).data;
    expect(formula.status.value).toBe('open');
    expect(formula.customFields.programType.value).toBe('formula');
    expect(formula.acceptedApplicantTypes).toEqual([
      { value: 'organization', description: 'Any type of organization' },
    ]);
  });

  it('reads every published program of both agencies, per agency and across the deployment', async () => {
    for (const id of MO_PUBLIC()) {
      expect((await read('mo-dese', id)).data.id).toBe(id);
      expect((await read(undefined, id)).data.customFields.agencyCode.value).toBe('mo-dese');
    }
    expect((await read('ks-ksde', ids.kansas)).data.customFields.agencyCode.value).toBe('ks-ksde');
    expect((await read(undefined, ids.kansas)).data.id).toBe(ids.kansas);
  });

  it("answers 404 for drafts, archived programs, another agency's programs and unknown ids", async () => {
    const notFound = async (url: string) => {
      const res = await t.request({ method: 'GET', url });
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      return res.json();
    };
    const cases = [
      `${base('mo-dese')}${LIST}/${ids.draft}`,
      `${base('mo-dese')}${LIST}/${ids.archived}`,
      `${base('mo-dese')}${LIST}/${ids.kansas}`, // Kansas's program under Missouri
      `${base('ks-ksde')}${LIST}/${ids.open}`,
      `${base('mo-dese')}${LIST}/00000000-0000-4000-8000-000000000000`,
      `${base('mo-dese')}${LIST}/not-a-uuid`,
      `${base()}${LIST}/${ids.draft}`,
      `${base()}${LIST}/${ids.kansasDraft}`,
      `${base()}${LIST}/${ids.archived}`,
      `${base()}${LIST}/00000000-0000-4000-8000-000000000000`,
    ];
    const protocolError = conforms('get', READ, '404');
    for (const url of cases) {
      const problem = await notFound(url);
      expect(problem).toMatchObject({ code: 'common_grants.opportunity_not_found', status: 404 });
      expect({ url, errors: protocolError(problem) }).toEqual({ url, errors: [] });
    }
    expect((await notFound(`${base('no-such-agency')}${LIST}`)).code).toBe('agency.not_found');
  });

  it('searches by text, status, close date and funding, per agency and across the deployment', async () => {
    const found = async (agencyCode: string | undefined, body: unknown) =>
      new Set(idsOf(await search(agencyCode, body)));

    expect(await found('mo-dese', { search: 'stem' })).toEqual(new Set([ids.forecasted]));
    expect(await found('mo-dese', { search: 'robotics' })).toEqual(new Set([ids.forecasted]));
    expect(await found('mo-dese', { search: 'secret' })).toEqual(new Set()); // a draft's title
    expect(await found(undefined, { search: 'teacher residency' })).toEqual(new Set([ids.closed]));
    expect(await found(undefined, { search: 'KANSAS' })).toEqual(new Set([ids.kansas]));
    // Descriptions too: every program but the STEM one has the factory's literacy description.
    expect(await found(undefined, { search: 'literacy' })).toEqual(
      new Set([ids.open, ids.ended, ids.closed, ids.formula, ids.kansas]),
    );
    expect(await found('mo-dese', { search: '%' })).toEqual(new Set()); // a wildcard is a character
    // Text is a parameter, never SQL; and drafts stay out whatever the text.
    expect(await found(undefined, { search: "' OR 1=1; DROP TABLE programs; --" })).toEqual(
      new Set(),
    );
    expect(await found(undefined, { search: "Draft' OR p.status = 'draft" })).toEqual(new Set());
    expect(idsOf(await list('mo-dese'))).toHaveLength(MO_PUBLIC().length);

    const byStatus = (value: string[], operator = 'in') => ({
      filters: { status: { operator, value } },
    });
    expect(await found('mo-dese', byStatus(['forecasted']))).toEqual(new Set([ids.forecasted]));
    expect(await found('mo-dese', byStatus(['closed']))).toEqual(new Set([ids.ended, ids.closed]));
    expect(await found('mo-dese', byStatus(['open']))).toEqual(new Set([ids.open, ids.formula]));
    expect(await found('mo-dese', byStatus(['closed', 'forecasted'], 'notIn'))).toEqual(
      new Set([ids.open, ids.formula]),
    );
    expect(await found(undefined, byStatus(['open']))).toEqual(
      new Set([ids.open, ids.formula, ids.kansas]),
    );
    expect(await found(undefined, byStatus(['custom']))).toEqual(new Set());

    // Close dates as calendar days in the agency's zone, or instants.
    const day = (ms: number) => formatInZone(new Date(ms), 'America/Chicago').slice(0, 10);
    const closing = (min: string, max: string, operator = 'between') => ({
      filters: { closeDateRange: { operator, value: { min, max } } },
    });
    expect(await found('mo-dese', closing(day(MADE_AT + 2 * DAY), day(MADE_AT + 2 * DAY)))).toEqual(
      new Set([ids.ended]),
    );
    expect(
      await found('mo-dese', closing(day(MADE_AT + 40 * DAY), day(MADE_AT + 60 * DAY))),
    ).toEqual(new Set([ids.forecasted]));
    expect(await found('mo-dese', closing(iso(MADE_AT + DAY), iso(MADE_AT + 3 * DAY)))).toEqual(
      new Set([ids.ended]),
    );
    expect(
      await found('mo-dese', closing(day(MADE_AT + DAY), day(MADE_AT + 35 * DAY), 'outside')),
    ).toEqual(new Set([ids.forecasted]));

    const funding = (filter: string, min: string, max: string, currency = 'USD') => ({
      filters: {
        [filter]: {
          operator: 'between',
          value: { min: { amount: min, currency }, max: { amount: max, currency } },
        },
      },
    });
    expect(
      await found('mo-dese', funding('totalFundingAvailableRange', '80000', '750000.00')),
    ).toEqual(new Set([ids.forecasted, ids.ended, ids.closed]));
    expect(await found('mo-dese', funding('maxAwardAmountRange', '0', '50000'))).toEqual(
      new Set([ids.forecasted, ids.ended]),
    );
    expect(await found('mo-dese', funding('minAwardAmountRange', '1000.', '5000.0'))).toEqual(
      new Set([ids.forecasted, ids.ended]),
    );
    const euros = await search('mo-dese', funding('totalFundingAvailableRange', '0', '1', 'EUR'));
    expect(euros.items).toEqual([]);
    expect(euros.filterInfo.errors).toHaveLength(1);

    const formulaOnly = {
      filters: { customFilters: { programType: { operator: 'in', value: ['formula'] } } },
    };
    expect(await found(undefined, formulaOnly)).toEqual(new Set([ids.formula]));
    const kansasOnly = {
      filters: { customFilters: { agencyCode: { operator: 'in', value: ['ks-ksde'] } } },
    };
    expect(await found(undefined, kansasOnly)).toEqual(new Set([ids.kansas]));
    expect(await found('mo-dese', kansasOnly)).toEqual(new Set());

    // Filters combine with AND; the response echoes them and its sort order.
    const both = {
      search: 'literacy',
      filters: { status: { operator: 'in', value: ['forecasted', 'closed'] } },
    };
    const answer = await search(undefined, both);
    expect(new Set(idsOf(answer))).toEqual(new Set([ids.ended, ids.closed]));
    expect(answer.filterInfo.filters).toEqual(both.filters);
    expect(answer.sortInfo).toEqual({ sortBy: 'lastModifiedAt', sortOrder: 'desc' });
  });

  it("sorts by the protocol's sortable fields, nulls last, in both directions", async () => {
    const order = async (agencyCode: string | undefined, sorting: object) =>
      idsOf(await search(agencyCode, { sorting }));
    expect(await order('mo-dese', { sortBy: 'title' })).toEqual([
      ids.ended, // Attendance
      ids.forecasted, // Rural
      ids.open, // Summer
      ids.closed, // Teacher
      ids.formula, // Title
    ]);
    expect(await order(undefined, { sortBy: 'title', sortOrder: 'desc' })).toEqual([
      ids.formula,
      ids.closed,
      ids.open,
      ids.forecasted,
      ids.kansas,
      ids.ended,
    ]);
    expect(
      await order('mo-dese', { sortBy: 'funding.totalAmountAvailable', sortOrder: 'desc' }),
    ).toEqual([
      ids.formula, // 9,000,000
      ids.open, // 1,500,000
      ids.closed, // 750,000
      ids.forecasted, // 500,000
      ids.ended, // 80,000
    ]);
    const byCeiling = await order('mo-dese', { sortBy: 'funding.maxAwardAmount' });
    expect(byCeiling.slice(0, 2)).toEqual([ids.ended, ids.forecasted]);
    // The formula program has no award range: last either way, here and across the deployment.
    for (const agencyCode of ['mo-dese', undefined])
      for (const sortOrder of ['asc', 'desc']) {
        const byFloor = await order(agencyCode, { sortBy: 'funding.minAwardAmount', sortOrder });
        expect(byFloor[byFloor.length - 1]).toBe(ids.formula);
      }
    expect(await order('mo-dese', { sortBy: 'status.value' })).toEqual(
      expect.arrayContaining([ids.ended, ids.closed]),
    );
    const byStatus = await search('mo-dese', { sorting: { sortBy: 'status.value' } });
    expect(byStatus.items.map((o: { status: { value: string } }) => o.status.value)).toEqual([
      'closed',
      'closed',
      'forecasted',
      'open',
      'open',
    ]);
    const byClose = await order('mo-dese', { sortBy: 'keyDates.closeDate' });
    expect(byClose[0]).toBe(ids.ended);
    expect(byClose[byClose.length - 1]).toBe(ids.forecasted);
    const byYear = await search('mo-dese', {
      sorting: { sortBy: 'custom', customSortBy: 'fiscalYear', sortOrder: 'desc' },
    });
    expect(byYear.items[0].id).toBe(ids.forecasted); // 2028; the others 2027
    expect(byYear.sortInfo).toEqual({
      sortBy: 'custom',
      customSortBy: 'fiscalYear',
      sortOrder: 'desc',
    });
    const unrecorded = await search('mo-dese', {
      sorting: { sortBy: 'funding.estimatedAwardCount' },
    });
    expect(unrecorded.sortInfo.sortBy).toBe('lastModifiedAt');
    expect(unrecorded.sortInfo.errors).toHaveLength(1);
  });

  it('pages stably: walking the pages gives every opportunity once, in the full order', async () => {
    for (const agencyCode of ['mo-dese', undefined]) {
      for (const sorting of [
        { sortBy: 'title' },
        { sortBy: 'lastModifiedAt' },
        { sortBy: 'status.value' }, // many ties: broken by id
        { sortBy: 'funding.minAwardAmount', sortOrder: 'desc' }, // nulls
      ]) {
        const whole = idsOf(await search(agencyCode, { sorting }));
        const walked: string[] = [];
        for (let page = 1; page <= Math.ceil(whole.length / 2) + 1; page++) {
          const answer = await search(agencyCode, { sorting, pagination: { page, pageSize: 2 } });
          expect(answer.paginationInfo).toEqual({
            page,
            pageSize: 2,
            totalItems: whole.length,
            totalPages: Math.ceil(whole.length / 2),
          });
          walked.push(...idsOf(answer));
        }
        expect({ agencyCode, sorting, walked }).toEqual({ agencyCode, sorting, walked: whole });
      }
    }
    const page2 = await list('mo-dese', '?page=2&pageSize=3');
    expect(page2.items).toHaveLength(2);
    expect(page2.paginationInfo).toEqual({ page: 2, pageSize: 3, totalItems: 5, totalPages: 2 });
    // Larger pages than the protocol's default are served at the default size.
    expect((await list(undefined, '?pageSize=1000')).paginationInfo.pageSize).toBe(100);
  });

  it('refuses an invalid search or list request with a coded 400 problem', async () => {
    const refused = async (url: string, method: 'GET' | 'POST', payload?: unknown) => {
      const res = await t.request({ method, url, payload });
      expect({ url, payload, status: res.status }).toEqual({ url, payload, status: 400 });
      const problem = res.json();
      expect(res.headers['content-type']).toContain('application/problem+json');
      // Our problem document, and the protocol's error members (status, message, errors).
      expect(problem).toMatchObject({ status: 400, message: expect.any(String) });
      expect(Array.isArray(problem.errors)).toBe(true);
      return problem;
    };
    const bad: Array<[unknown, string]> = [
      [{ filters: { colour: { operator: 'in', value: ['red'] } } }, '/filters/colour'],
      [{ filters: { status: { operator: 'eq', value: ['open'] } } }, '/filters/status/operator'],
      [{ filters: { status: { operator: 'in', value: ['pending'] } } }, '/filters/status/value/0'],
      [
        {
          filters: {
            closeDateRange: { operator: 'between', value: { min: 'soon', max: '2027-01-01' } },
          },
        },
        '/filters/closeDateRange/value/min',
      ],
      [
        {
          filters: {
            closeDateRange: {
              operator: 'between',
              value: { min: '2027-02-01', max: '2027-01-01' },
            },
          },
        },
        '/filters/closeDateRange/value',
      ],
      [
        {
          filters: {
            totalFundingAvailableRange: {
              operator: 'between',
              value: {
                min: { amount: '1.234', currency: 'USD' },
                max: { amount: '5', currency: 'USD' },
              },
            },
          },
        },
        '/filters/totalFundingAvailableRange/value/min/amount',
      ],
      [
        {
          filters: {
            maxAwardAmountRange: {
              operator: 'between',
              value: {
                min: { amount: 1000, currency: 'USD' },
                max: { amount: '5', currency: 'USD' },
              },
            },
          },
        },
        '/filters/maxAwardAmountRange/value/min/amount',
      ],
      [
        {
          filters: {
            minAwardAmountRange: {
              operator: 'between',
              value: {
                min: { amount: '10', currency: 'USD' },
                max: { amount: '5', currency: 'USD' },
              },
            },
          },
        },
        '/filters/minAwardAmountRange/value',
      ],
      [{ sorting: { sortBy: 'secretScore' } }, '/sorting/sortBy'],
      [{ sorting: { sortBy: 'custom', customSortBy: 'rubric' } }, '/sorting/customSortBy'],
      [{ sorting: { sortBy: 'title', sortOrder: 'sideways' } }, '/sorting/sortOrder'],
      [{ pagination: { page: 0 } }, '/pagination/page'],
      [{ pagination: { pageSize: 2.5 } }, '/pagination/pageSize'],
      [{ pagination: { page: 101, pageSize: 100 } }, '/pagination/page'],
      [{ search: 'x'.repeat(201) }, '/search'],
      [{ query: 'literacy' }, '/query'],
      [['not', 'an', 'object'], ''],
    ];
    for (const agencyCode of ['mo-dese', undefined]) {
      for (const [payload, pointer] of bad) {
        const problem = await refused(`${base(agencyCode)}${LIST}/search`, 'POST', payload);
        expect(problem.code).toMatch(/^common_grants\.(search_invalid|page_too_deep)$/);
        expect({
          payload,
          pointers: problem.errors.map((e: { pointer: string }) => e.pointer),
        }).toEqual({
          payload,
          pointers: expect.arrayContaining([pointer]),
        });
      }
      for (const query of [
        '?page=0',
        '?pageSize=abc',
        '?page=1&sort=title',
        '?page=200&pageSize=100',
      ]) {
        const problem = await refused(`${base(agencyCode)}${LIST}${query}`, 'GET');
        expect(problem.code).toMatch(/^common_grants\./);
      }
    }
  });

  it("the protocol check fails responses that break the protocol's models", async () => {
    const valid = await read('mo-dese', ids.open);
    const check = conforms('get', READ, '200');
    const broken = (change: (o: any) => void) => {
      const copy = structuredClone(valid);
      change(copy.data);
      return check(copy);
    };
    expect(check(valid)).toEqual([]);
    expect(broken((o) => (o.funding.totalAmountAvailable.amount = 1500000))).not.toEqual([]);
    expect(broken((o) => (o.funding.totalAmountAvailable.amount = '1,500,000'))).not.toEqual([]);
    expect(broken((o) => (o.status.value = 'published'))).not.toEqual([]);
    expect(broken((o) => delete o.createdAt)).not.toEqual([]);
    expect(broken((o) => (o.keyDates.closeDate.date = '03/31/2027'))).not.toEqual([]);
    expect(broken((o) => delete o.customFields.agencyCode.fieldType)).not.toEqual([]);
    expect(broken((o) => (o.acceptedApplicantTypes[0].value = 'district'))).not.toEqual([]);
    expect(broken((o) => (o.source = 'not a url'))).not.toEqual([]);
    const listCheck = conforms('get', LIST, '200');
    const page = await list('ks-ksde');
    expect(listCheck({ ...page, paginationInfo: { ...page.paginationInfo, page: 0 } })).not.toEqual(
      [],
    );
  });

  it('is read-only: writes to the feed are not routes', async () => {
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const res = await t.request({
        method,
        url: `${base('mo-dese')}${LIST}/${ids.open}`,
        payload: {},
      });
      expect(res.status).toBe(404);
    }
  });
});

describe('CommonGrants rate limit', () => {
  const t: TestApp = useTestApp({ env: { RATE_LIMIT_PUBLIC_DATA_PER_IP: '3' } });

  it('limits each client IP on the public feed and says when to come back', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await t.request({ method: 'GET', url: `/api/v1${LIST}` }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3].json().code).toBe('request.rate_limited');
    expect(Number(answers[3].headers['retry-after'])).toBeGreaterThan(0);
  });
});
