import { Injectable } from '@nestjs/common';
import { ApplicationDirectory } from '../../applications/application-directory';
import { TenantDb } from '../../core/context/tenant-db';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { ReviewStage } from '../entities/review-case.entity';
import { ReviewSettings } from '../review-settings.service';
import {
  AggregationMethod,
  ApplicationInput,
  rankApplications,
  ScoredApplication,
  SubmittedReview,
} from './panel-scoring';
import { entitySql } from '../../core/database/sql-statement';
import { ReviewCase } from '../entities/review-case.entity';
import { Review } from '../entities/review.entity';

const CASES = entitySql(
  'reviews.cases-in-stages',
  ReviewCase,
  'c',
  `SELECT {columns} FROM review_cases c
    WHERE c.agency_id = $1 AND c.program_id = $2 AND c.stage = ANY($3::text[])`,
  { pick: ['applicationId', 'organizationId', 'submittedAt', 'amountRequested', 'stage'] },
);

// Rows come back already in the shape the scoring rules take (no copy of 30,000 objects).
const SUBMITTED_REVIEWS = entitySql(
  'reviews.reviews-submitted',
  Review,
  'r',
  `SELECT {columns} FROM reviews r
    WHERE r.agency_id = $1 AND r.program_id = $2 AND r.status = 'submitted'`,
  { pick: ['applicationId', 'reviewerId', 'points'] },
);

export interface RankedCase extends ScoredApplication {
  organizationId: string;
  amountRequested: string;
  stage: ReviewStage;
}

export interface ProgramRanking {
  programId: string;
  method: AggregationMethod;
  outlierThresholdPoints: number;
  items: RankedCase[];
}

const RANKED_STAGES: ReviewStage[] = ['merit_review', 'final_decision'];

/**
 * Loads a program's submitted reviews and ranks its applications with the pure panel-scoring
 * rules. Two set queries (cases, submitted review points) and one for applications that left
 * review (withdrawn or returned), then everything runs in memory: the cost that
 * `npm run bench:ranking` measures.
 */
@Injectable()
export class PanelRanking {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ReviewSettings,
    private readonly applications: ApplicationDirectory,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async rank(
    programId: string,
    options: { method?: AggregationMethod; stages?: ReviewStage[] } = {},
  ): Promise<ProgramRanking> {
    const rubric = await this.settings.rubric(programId);
    const settings = await this.settings.effective(programId);
    const method = options.method ?? settings.aggregation;
    // One connection (the request's transaction): queries run one after another.
    const cases = await this.db.rows(CASES, [
      this.db.agencyId,
      programId,
      options.stages ?? RANKED_STAGES,
    ]);
    // Rows come back already in the shape the scoring rules take (no copy of 30,000 objects).
    const reviews: SubmittedReview[] = await this.db.rows(SUBMITTED_REVIEWS, [
      this.db.agencyId,
      programId,
    ]);
    const left = await this.applications.idsWithStatus(programId, ['withdrawn', 'returned']);
    const included = cases.filter((c) => !left.has(c.applicationId));
    const caseOf = new Map(included.map((c) => [c.applicationId, c]));
    const inputs: ApplicationInput[] = included.map((c) => ({
      applicationId: c.applicationId,
      submittedAt: c.submittedAt.toISOString(),
    }));
    const submitted = reviews.filter((r) => caseOf.has(r.applicationId));
    const ranked = rankApplications(rubric.criteria, inputs, submitted, {
      method,
      outlierThresholdPoints: settings.outlierThresholdPoints,
    });
    return {
      programId,
      method,
      outlierThresholdPoints: settings.outlierThresholdPoints,
      items: ranked.map((s) => {
        const c = caseOf.get(s.applicationId)!;
        return {
          ...s,
          organizationId: c.organizationId,
          amountRequested: c.amountRequested,
          stage: c.stage,
        };
      }),
    };
  }

  /** The ranked list as program officers read it, with organization names. */
  async view(programId: string, method?: AggregationMethod) {
    const ranking = await this.rank(programId, { method });
    const names = await this.organizations.names(ranking.items.map((i) => i.organizationId));
    return {
      ...ranking,
      items: ranking.items.map((i) => ({
        rank: i.rank,
        applicationId: i.applicationId,
        organizationId: i.organizationId,
        organizationName: names.get(i.organizationId) ?? null,
        stage: i.stage,
        amountRequested: i.amountRequested,
        finalScore: i.finalScore,
        rawMean: i.rawMean,
        flagged: i.reviews.some((r) => r.outlier),
        reviews: i.reviews,
        explanation: i.explanation,
      })),
    };
  }
}
