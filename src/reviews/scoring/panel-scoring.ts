/**
 * Panel scoring: from submitted reviews to one explainable score per application and a ranked list.
 * Pure functions (no I/O) so the rules are unit-tested and benchmarked on their own.
 *
 * Scores are not money: they are computed in doubles and rounded to 4 decimals before they are
 * compared, so the ranking is reproducible and ties are real ties.
 */

export interface RubricCriterion {
  id: string;
  weight: number; // relative weight, > 0
  maxPoints: number; // > 0
}

export interface SubmittedReview {
  applicationId: string;
  reviewerId: string;
  /** points per criterion id, each within 0..maxPoints */
  points: Record<string, number>;
}

/** How a panel's reviews become one score: the agency's default and a program's choice. */
export const AGGREGATION_METHODS = ['mean', 'trimmed-mean', 'z-score'] as const;
export type AggregationMethod = (typeof AGGREGATION_METHODS)[number];

export interface ApplicationInput {
  applicationId: string;
  /** ISO time of submission: the second tie-break (earlier first). */
  submittedAt: string;
}

export interface ReviewerStats {
  reviewerId: string;
  reviews: number;
  mean: number;
  stdDev: number;
}

export interface ReviewScore {
  reviewerId: string;
  /** Weighted total on a 0-100 scale. */
  weightedTotal: number;
  /** The reviewer-normalized score (z-score method only). */
  zScore?: number;
  /** True when this review is far from the rest of the panel on this application. */
  outlier: boolean;
  /** This review's distance from the panel's median on the application. */
  distanceFromPanel?: number;
}

export interface ScoredApplication {
  applicationId: string;
  rank: number;
  finalScore: number;
  rawMean: number;
  method: AggregationMethod;
  reviews: ReviewScore[];
  /** A sentence a program officer can read to an applicant or an auditor. */
  explanation: string;
}

export interface RankingOptions {
  method: AggregationMethod;
  /** A review further than this many points (0-100 scale) from the others is flagged. */
  outlierThresholdPoints: number;
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** Weighted total on a 0-100 scale: each criterion's share of its maximum, times its weight. */
export function weightedTotal(criteria: RubricCriterion[], points: Record<string, number>): number {
  let weightSum = 0;
  let total = 0;
  for (const criterion of criteria) {
    weightSum += criterion.weight;
    total += ((points[criterion.id] ?? 0) / criterion.maxPoints) * criterion.weight;
  }
  return weightSum === 0 ? 0 : round4((total / weightSum) * 100);
}

function meanOf(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : 0;
}

/** Population standard deviation: a reviewer's spread over everything they scored. */
function stdDevOf(values: number[], mean: number): number {
  if (values.length < 2) return 0;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return Math.sqrt(sq / values.length);
}

/** Drops the single highest and lowest score when there are at least three. */
export function trimmedMean(values: number[]): number {
  if (values.length < 3) return meanOf(values);
  const sorted = [...values].sort((a, b) => a - b);
  return meanOf(sorted.slice(1, -1));
}

export function reviewerStatistics(totals: Map<string, number[]>): Map<string, ReviewerStats> {
  const stats = new Map<string, ReviewerStats>();
  for (const [reviewerId, values] of totals) {
    const mean = meanOf(values);
    stats.set(reviewerId, {
      reviewerId,
      reviews: values.length,
      mean,
      stdDev: stdDevOf(values, mean),
    });
  }
  return stats;
}

/**
 * Aggregates and ranks. With z-score normalization each review becomes (total - reviewer mean) /
 * reviewer spread, so a harsh and a lenient reviewer count alike; the mean z is mapped back onto
 * the panel's 0-100 scale (panel mean + z * panel spread) so the number stays readable. A
 * reviewer with no spread (one review, or identical scores) contributes z = 0: no information.
 * Ties break on the raw mean (higher first), then the earlier submission, then the id.
 */
export function rankApplications(
  criteria: RubricCriterion[],
  applications: ApplicationInput[],
  reviews: SubmittedReview[],
  options: RankingOptions,
): ScoredApplication[] {
  const byApplication = new Map<string, ReviewScore[]>();
  const byReviewer = new Map<string, number[]>();
  for (const review of reviews) {
    const total = weightedTotal(criteria, review.points);
    let list = byApplication.get(review.applicationId);
    if (!list) byApplication.set(review.applicationId, (list = []));
    list.push({ reviewerId: review.reviewerId, weightedTotal: total, outlier: false });
    let mine = byReviewer.get(review.reviewerId);
    if (!mine) byReviewer.set(review.reviewerId, (mine = []));
    mine.push(total);
  }

  const stats = reviewerStatistics(byReviewer);
  const allTotals = [...byReviewer.values()].flat();
  const panelMean = meanOf(allTotals);
  const panelStd = stdDevOf(allTotals, panelMean);

  // Formatted once per reviewer and once for the panel: explanations reuse them.
  const described = new Map<string, string>();
  for (const [reviewerId, s] of stats)
    described.set(
      reviewerId,
      `a reviewer averaging ${s.mean.toFixed(2)} (spread ${s.stdDev.toFixed(2)})`,
    );
  const panel = `(panel mean ${panelMean.toFixed(2)}, spread ${panelStd.toFixed(2)})`;

  const scored: Array<ScoredApplication & { submittedAt: string }> = [];
  for (const application of applications) {
    const list = byApplication.get(application.applicationId) ?? [];
    const totals = list.map((r) => r.weightedTotal);
    const rawMean = round4(meanOf(totals));
    flagOutliers(list, options.outlierThresholdPoints);

    let finalScore: number;
    if (options.method === 'z-score') {
      let sumZ = 0;
      for (const review of list) {
        const s = stats.get(review.reviewerId)!;
        review.zScore = round4(s.stdDev === 0 ? 0 : (review.weightedTotal - s.mean) / s.stdDev);
        sumZ += review.zScore;
      }
      finalScore = list.length ? round4(panelMean + (sumZ / list.length) * panelStd) : 0;
    } else if (options.method === 'trimmed-mean') {
      finalScore = round4(trimmedMean(totals));
    } else {
      finalScore = rawMean;
    }
    scored.push({
      applicationId: application.applicationId,
      submittedAt: application.submittedAt,
      rank: 0,
      finalScore,
      rawMean,
      method: options.method,
      reviews: list,
      explanation: explain(options.method, list, finalScore, rawMean, described, panel),
    });
  }

  scored.sort(
    (a, b) =>
      b.finalScore - a.finalScore ||
      b.rawMean - a.rawMean ||
      (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0) ||
      (a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0),
  );
  const ranked: ScoredApplication[] = new Array<ScoredApplication>(scored.length);
  for (let i = 0; i < scored.length; i++) {
    const { submittedAt: _submittedAt, ...result } = scored[i];
    result.rank = i + 1;
    ranked[i] = result;
  }
  return ranked;
}

/**
 * A review is an outlier when it is further than the threshold from the panel's median for that
 * application. The median, not the mean of the others, so one wild score does not make every
 * other reviewer look far off. With two reviews, both sit half the gap away: both are flagged.
 */
function flagOutliers(list: ReviewScore[], threshold: number): void {
  if (list.length < 2) return;
  const sorted = list.map((r) => r.weightedTotal).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  for (const review of list) {
    review.distanceFromPanel = round4(Math.abs(review.weightedTotal - median));
    review.outlier = review.distanceFromPanel > threshold;
  }
}

function explain(
  method: AggregationMethod,
  list: ReviewScore[],
  finalScore: number,
  rawMean: number,
  described: Map<string, string>,
  panel: string,
): string {
  if (list.length === 0) return 'No submitted reviews: scored 0.';
  const totals = list.map((r) => r.weightedTotal.toFixed(2)).join(', ');
  const outliers = list.filter((r) => r.outlier).length;
  const flag = outliers ? ` ${outliers} review(s) flagged as far from the panel.` : '';
  if (method === 'mean')
    return `Mean of ${list.length} weighted totals (${totals}) = ${finalScore.toFixed(2)}.${flag}`;
  if (method === 'trimmed-mean') {
    const trimmed = list.length >= 3 ? 'highest and lowest dropped' : 'too few reviews to trim';
    return `Trimmed mean of weighted totals (${totals}; ${trimmed}) = ${finalScore.toFixed(2)}.${flag}`;
  }
  const parts = list
    .map(
      (r) =>
        `${r.weightedTotal.toFixed(2)} from ${described.get(r.reviewerId)!} is z=${r.zScore!.toFixed(2)}`,
    )
    .join('; ');
  return (
    `Reviewer-normalized: ${parts}. Mean z placed on the panel scale ${panel} = ` +
    `${finalScore.toFixed(2)}; raw mean ${rawMean.toFixed(2)}.${flag}`
  );
}
