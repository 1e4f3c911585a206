import type { OpenProgram } from '../programs/program-opportunities';
import { applicantTypes, toOpportunity } from './opportunity';

const program = (overrides: Partial<OpenProgram> = {}): OpenProgram => ({
  id: '3f2d7c1e-8b1a-4c55-9d5e-2f1b0a9c8d7e',
  code: 'T1-2027',
  title: 'Title I',
  description: 'Formula funds',
  kind: 'formula',
  fundingSource: 'federal',
  assistanceListingNumber: '84.010',
  assistanceListingTitle: 'Title I Grants to Local Educational Agencies',
  fiscalYear: 2027,
  fundsAvailable: '1500000.5',
  awardFloor: null,
  awardCeiling: '250000.00',
  performanceStart: '2026-07-01',
  performanceEnd: '2027-09-30',
  opensAt: new Date('2026-01-15T14:00:00Z'),
  closesAt: new Date('2026-03-31T22:00:00Z'),
  acceptsUntil: new Date('2026-03-31T22:15:00Z'),
  eligibility: { organizationTypes: ['lea'] },
  window: 'open',
  publishedAt: new Date('2026-01-10T15:30:00Z'),
  createdAt: new Date('2026-01-02T10:00:00Z'),
  updatedAt: new Date('2026-01-10T15:30:00Z'),
  ...overrides,
});
const agency = { code: 'mo-dese', name: 'Missouri DESE', timeZone: 'America/Chicago' };

describe('a program as a CommonGrants opportunity', () => {
  it('writes money as two-decimal strings in USD and leaves out what is unknown', () => {
    const o = toOpportunity(program(), agency, 'https://grants.example');
    expect(o.funding).toEqual({
      totalAmountAvailable: { amount: '1500000.50', currency: 'USD' },
      maxAwardAmount: { amount: '250000.00', currency: 'USD' },
    });
    const none = toOpportunity(
      program({ fundsAvailable: null, awardCeiling: null }),
      agency,
      'https://grants.example',
    );
    expect(none.funding).toBeUndefined();
  });

  it("gives key dates as the agency's wall clock (CST in January, CDT in March)", () => {
    const o = toOpportunity(program(), agency, 'https://grants.example');
    expect(o.keyDates?.closeDate).toMatchObject({ date: '2026-03-31', time: '17:00:00' });
    expect(o.keyDates?.otherDates?.applicationPeriod).toMatchObject({
      startDate: '2026-01-15',
      startTime: '08:00:00',
      endDate: '2026-03-31',
      endTime: '17:00:00',
    });
    expect(o.keyDates?.postDate).toMatchObject({ date: '2026-01-10', time: '09:30:00' });
  });

  it('maps window states to protocol statuses and links the portal page', () => {
    expect(
      toOpportunity(program({ window: 'upcoming' }), agency, 'https://g.example').status.value,
    ).toBe('forecasted');
    expect(toOpportunity(program({ window: 'closed' }), agency, 'https://g.example').source).toBe(
      'https://g.example/mo-dese/programs/3f2d7c1e-8b1a-4c55-9d5e-2f1b0a9c8d7e',
    );
  });

  it('lists every protocol applicant type our organization type spans', () => {
    expect(applicantTypes(undefined)).toEqual([
      { value: 'organization', description: 'Any type of organization' },
    ]);
    expect(applicantTypes(['ihe', 'charter']).map((a) => a.customValue ?? a.value)).toEqual([
      'higher_education_public',
      'higher_education_private',
      'charter',
    ]);
  });
});
