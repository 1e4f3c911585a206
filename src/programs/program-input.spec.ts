import type { AgencyConfig } from '../agencies/agency-config';
import { Program } from './entities/program.entity';
import { windowState } from './program-catalog';
import { crossFieldProblems, programChanges, publishProblems } from './program-input';

const missouri = {
  timeZone: 'America/Chicago',
  finance: { allowedFunctionCodes: ['1000', '2100'], allowedObjectCodes: ['100', '200', '600'] },
  applications: { allowedAttachmentTypes: ['application/pdf'] },
} as unknown as AgencyConfig;

describe('program input', () => {
  it('reads window times in the agency zone and money as two-decimal strings', () => {
    const { changes, problems } = programChanges(
      {
        opensAt: '2026-03-01T08:00',
        closesAt: '2026-03-31T17:00:00-05:00',
        fundsAvailable: '1500000',
        awardFloor: '0.5',
      },
      missouri,
    );
    expect(problems).toEqual([]);
    expect(changes.opensAt?.toISOString()).toBe('2026-03-01T14:00:00.000Z');
    expect(changes.closesAt?.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(changes).toMatchObject({ fundsAvailable: '1500000.00', awardFloor: '0.50' });
  });

  it('refuses codes and file types outside the agency configuration', () => {
    const { problems } = programChanges(
      {
        budgetRules: { allowedFunctionCodes: ['1000', '3000'] },
        requiredAttachments: [{ key: 'plan', label: 'Plan', allowedTypes: ['image/png'] }],
        opensAt: '2026-03-08T02:30',
      },
      missouri,
    );
    expect(problems.map((p) => p.pointer)).toEqual([
      '/opensAt',
      '/requiredAttachments/0/allowedTypes/0',
      '/budgetRules/allowedFunctionCodes/1',
    ]);
  });

  it('checks rules between fields', () => {
    expect(
      crossFieldProblems({
        opensAt: new Date('2026-04-01'),
        closesAt: new Date('2026-03-01'),
        awardFloor: '10.00',
        awardCeiling: '5.00',
        performanceStart: '2027-01-01',
        performanceEnd: '2026-01-01',
      }).map((p) => p.pointer),
    ).toEqual(['/closesAt', '/awardCeiling', '/performanceEnd']);
  });

  it('lists what a program lacks before it can be published', () => {
    const draft = {
      kind: 'competitive',
      fundingSource: 'federal',
      rubric: null,
      form: null,
    } as unknown as Program;
    expect(publishProblems(draft).map((p) => p.pointer)).toEqual([
      '/fiscalYear',
      '/fundsAvailable',
      '/opensAt',
      '/closesAt',
      '/form',
      '/rubric',
      '/assistanceListingNumber',
    ]);
  });
});

describe('the application window', () => {
  const terms = {
    status: 'published' as const,
    opensAt: new Date('2026-03-01T14:00:00Z'),
    acceptsUntil: new Date('2026-03-31T22:15:00Z'),
  };
  it('is open from opensAt through the last instant of grace, inclusive', () => {
    expect(windowState(terms, new Date('2026-03-01T13:59:59Z'))).toBe('not_yet_open');
    expect(windowState(terms, new Date('2026-03-01T14:00:00Z'))).toBe('open');
    expect(windowState(terms, new Date('2026-03-31T22:15:00Z'))).toBe('open');
    expect(windowState(terms, new Date('2026-03-31T22:15:01Z'))).toBe('closed');
    expect(windowState({ ...terms, status: 'closed' }, new Date('2026-03-15T00:00:00Z'))).toBe(
      'closed',
    );
  });
});
