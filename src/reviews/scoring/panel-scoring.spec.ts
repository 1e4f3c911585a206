import {
  rankApplications,
  RubricCriterion,
  SubmittedReview,
  trimmedMean,
  weightedTotal,
} from './panel-scoring';

const single: RubricCriterion[] = [{ id: 'merit', weight: 1, maxPoints: 100 }];
const apps = (...ids: string[]) =>
  ids.map((id, i) => ({ applicationId: id, submittedAt: `2026-01-0${i + 1}T00:00:00Z` }));
const review = (applicationId: string, reviewerId: string, merit: number): SubmittedReview => ({
  applicationId,
  reviewerId,
  points: { merit },
});

describe('weightedTotal', () => {
  it('puts each criterion on its share of the maximum, weighted, on a 0-100 scale', () => {
    const criteria = [
      { id: 'need', weight: 3, maxPoints: 30 },
      { id: 'plan', weight: 1, maxPoints: 10 },
    ];
    // need 15/30 = 0.5 * 3 = 1.5; plan 10/10 = 1 * 1 = 1; (2.5 / 4) * 100 = 62.5
    expect(weightedTotal(criteria, { need: 15, plan: 10 })).toBe(62.5);
  });
});

describe('trimmedMean', () => {
  it('drops the highest and lowest with three or more scores', () => {
    expect(trimmedMean([10, 50, 60, 100])).toBe(55);
    expect(trimmedMean([10, 50])).toBe(30);
  });
});

describe('rankApplications', () => {
  // A harsh reviewer H scores A=70, B=50 (mean 60, spread 10); a lenient L scores C=95, D=85
  // (mean 90, spread 5). Raw order: C, D, A, B. Normalized, A's 70 is H's best (z=+1) and D's 85
  // is L's worst (z=-1), so A must rank above D: C, A, D, B.
  const reviews = [
    review('A', 'H', 70),
    review('B', 'H', 50),
    review('C', 'L', 95),
    review('D', 'L', 85),
  ];

  it('ranks by the raw mean with the mean method', () => {
    const ranked = rankApplications(single, apps('A', 'B', 'C', 'D'), reviews, {
      method: 'mean',
      outlierThresholdPoints: 20,
    });
    expect(ranked.map((r) => r.applicationId)).toEqual(['C', 'D', 'A', 'B']);
  });

  it('lets a harsh and a lenient reviewer count alike with z-score normalization', () => {
    const ranked = rankApplications(single, apps('A', 'B', 'C', 'D'), reviews, {
      method: 'z-score',
      outlierThresholdPoints: 20,
    });
    expect(ranked.map((r) => r.applicationId)).toEqual(['C', 'A', 'D', 'B']);
    // Panel: totals 70, 50, 95, 85 -> mean 75, population spread sqrt(287.5) = 16.9558.
    const a = ranked.find((r) => r.applicationId === 'A')!;
    expect(a.reviews[0].zScore).toBe(1);
    expect(a.finalScore).toBeCloseTo(75 + Math.sqrt(287.5), 3);
    expect(a.explanation).toContain('z=1.00');
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  it('breaks ties deterministically: raw mean, then earlier submission, then id', () => {
    const tied = [review('X', 'R1', 80), review('Y', 'R1', 80), review('Z', 'R1', 80)];
    const inputs = [
      { applicationId: 'Z', submittedAt: '2026-01-01T00:00:00Z' },
      { applicationId: 'Y', submittedAt: '2026-01-02T00:00:00Z' },
      { applicationId: 'X', submittedAt: '2026-01-02T00:00:00Z' },
    ];
    const ranked = rankApplications(single, inputs, tied, {
      method: 'mean',
      outlierThresholdPoints: 20,
    });
    expect(ranked.map((r) => r.applicationId)).toEqual(['Z', 'X', 'Y']);
  });

  it('flags a review far from the rest of its panel', () => {
    const panel = [review('A', 'R1', 80), review('A', 'R2', 82), review('A', 'R3', 30)];
    const [a] = rankApplications(single, apps('A'), panel, {
      method: 'trimmed-mean',
      outlierThresholdPoints: 15,
    });
    expect(a.reviews.filter((r) => r.outlier).map((r) => r.reviewerId)).toEqual(['R3']);
    expect(a.finalScore).toBe(80); // 30 and 82 dropped
  });

  it('scores an application without reviews as 0 and says so', () => {
    const [a] = rankApplications(single, apps('A'), [], {
      method: 'z-score',
      outlierThresholdPoints: 15,
    });
    expect(a.finalScore).toBe(0);
    expect(a.explanation).toMatch(/No submitted reviews/);
  });
});
