import { diffDocuments } from './version-diff';

describe('diff between submitted versions', () => {
  it('lists replaced, added and removed members as JSON pointers', () => {
    const v1 = {
      amountRequested: '1000.00',
      answers: { narrative: { summary: 'A', 'a/b': 1 } },
      budget: [{ amount: '1000.00' }],
    };
    const v2 = {
      amountRequested: '1200.00',
      answers: { narrative: { summary: 'A', goals: 'more' } },
      budget: [{ amount: '1000.00' }, { amount: '200.00' }],
    };
    expect(diffDocuments(v1, v2)).toEqual([
      { op: 'replace', path: '/amountRequested', oldValue: '1000.00', value: '1200.00' },
      { op: 'remove', path: '/answers/narrative/a~1b', oldValue: 1 },
      { op: 'add', path: '/answers/narrative/goals', value: 'more' },
      { op: 'add', path: '/budget/1', value: { amount: '200.00' } },
    ]);
  });

  it('is empty for identical documents', () => {
    expect(diffDocuments({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});
