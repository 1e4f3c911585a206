import { AgencyConfig } from './agency-config';
import { LoadedAgency } from './agency-config.loader';
import { planAgencySync } from './agency-sync';

const agency = (code: string, configHash: string): LoadedAgency => ({
  file: `${code}.yaml`,
  config: { code } as AgencyConfig,
  configHash,
});
const codes = (list: LoadedAgency[]) => list.map((a) => a.config.code);

describe('planning the agency sync', () => {
  it('inserts new, updates changed or returning, deactivates removed, leaves the rest', () => {
    const plan = planAgencySync(
      [
        { code: 'same', configHash: 'h1', active: true },
        { code: 'changed', configHash: 'old', active: true },
        { code: 'returning', configHash: 'h3', active: false },
        { code: 'removed', configHash: 'h4', active: true },
        { code: 'long-gone', configHash: 'h5', active: false },
      ],
      [
        agency('same', 'h1'),
        agency('changed', 'new'),
        agency('returning', 'h3'),
        agency('new', 'h6'),
      ],
    );
    expect(codes(plan.insert)).toEqual(['new']);
    expect(codes(plan.update)).toEqual(['changed', 'returning']);
    expect(plan.deactivate).toEqual(['removed']);
    expect(plan.unchanged).toEqual(['same']);
  });

  it('plans nothing when the table already matches (idempotent)', () => {
    const plan = planAgencySync([{ code: 'a', configHash: 'h', active: true }], [agency('a', 'h')]);
    expect(plan.insert.length + plan.update.length + plan.deactivate.length).toBe(0);
  });
});
