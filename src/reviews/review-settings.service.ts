import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { AuditLog } from '../core/audit/audit-log';
import { TenantDb } from '../core/context/tenant-db';
import { ProgramCatalog } from '../programs/program-catalog';
import { UpdateReviewSettingsDto } from './dto/review.dto';
import { ProgramReviewSettings } from './entities/program-review-settings.entity';
import { DecisionsReleasedError } from './decisions/decisions.errors';
import { NoRubricError } from './reviews.errors';
import { AggregationMethod, RubricCriterion } from './scoring/panel-scoring';
import { sql } from '../core/database/sql-statement';

const ENSURE_ROW = sql(
  'reviews.settings-ensure-row',
  `INSERT INTO program_review_settings (agency_id, program_id) VALUES ($1, $2)
   ON CONFLICT (agency_id, program_id) DO NOTHING`,
);

/** A program's review rules with the agency's defaults filled in. */
export interface EffectiveReviewSettings {
  programId: string;
  aggregation: AggregationMethod;
  outlierThresholdPoints: number;
  reviewersPerApplication: number;
  allowPartialAward: boolean;
  decisionsReleasedAt: Date | null;
}

export interface ProgramRubric {
  criteria: Array<RubricCriterion & { title: string }>;
  reviewersPerApplication: number;
}

/** Per-program review settings over the agency's review defaults. */
@Injectable()
export class ReviewSettings {
  constructor(
    private readonly db: TenantDb,
    private readonly catalog: ProgramCatalog,
    private readonly agencies: AgencyDirectory,
    private readonly audit: AuditLog,
  ) {}

  /** The rubric as the scoring rules take it (criterion key = id). */
  async rubric(programId: string): Promise<ProgramRubric> {
    const terms = await this.catalog.terms(programId);
    if (!terms.rubric || terms.rubric.criteria.length === 0) throw new NoRubricError();
    const agency = this.agencies.configOf(this.db.agencyId);
    return {
      criteria: terms.rubric.criteria.map((c) => ({
        id: c.key,
        title: c.title,
        weight: c.weight,
        maxPoints: c.maxPoints,
      })),
      reviewersPerApplication:
        terms.rubric.reviewersPerApplication ?? agency.review.reviewersPerApplication,
    };
  }

  async effective(programId: string, lock = false): Promise<EffectiveReviewSettings> {
    const terms = await this.catalog.terms(programId);
    const agency = this.agencies.configOf(this.db.agencyId).review;
    const row = await this.row(programId, lock);
    return {
      programId,
      aggregation: row?.aggregation ?? agency.aggregation,
      outlierThresholdPoints: Number(row?.outlierThresholdPoints ?? agency.outlierThresholdPoints),
      reviewersPerApplication:
        terms.rubric?.reviewersPerApplication ?? agency.reviewersPerApplication,
      allowPartialAward: row?.allowPartialAward ?? false,
      decisionsReleasedAt: row?.decisionsReleasedAt ?? null,
    };
  }

  async view(programId: string) {
    const e = await this.effective(programId);
    const row = await this.row(programId);
    return {
      programId,
      aggregation: e.aggregation,
      aggregationOverride: row?.aggregation ?? null,
      outlierThresholdPoints: e.outlierThresholdPoints,
      reviewersPerApplication: e.reviewersPerApplication,
      allowPartialAward: e.allowPartialAward,
      decisionsReleasedAt: e.decisionsReleasedAt?.toISOString() ?? null,
    };
  }

  async update(programId: string, dto: UpdateReviewSettingsDto) {
    const row = await this.ensureRow(programId);
    if (row.decisionsReleasedAt)
      throw new DecisionsReleasedError(row.decisionsReleasedAt.toISOString());
    const before = {
      aggregation: row.aggregation,
      outlierThresholdPoints: row.outlierThresholdPoints,
      allowPartialAward: row.allowPartialAward,
    };
    if (dto.aggregation !== undefined) row.aggregation = dto.aggregation;
    if (dto.outlierThresholdPoints !== undefined)
      row.outlierThresholdPoints = dto.outlierThresholdPoints;
    if (dto.allowPartialAward !== undefined) row.allowPartialAward = dto.allowPartialAward;
    row.version += 1;
    await this.db.repo(ProgramReviewSettings).save(row);
    await this.audit.record({
      action: 'review.settings_changed',
      entityType: 'program',
      entityId: programId,
      before,
      after: {
        aggregation: row.aggregation,
        outlierThresholdPoints: row.outlierThresholdPoints,
        allowPartialAward: row.allowPartialAward,
      },
    });
    return this.view(programId);
  }

  /**
   * The settings row, created when missing, locked: serialises decisions of one program. Looks
   * the program up before creating its row: a program that is not this agency's is the
   * catalog's 404, never a foreign-key failure (a 500) in the insert.
   */
  async ensureRow(programId: string): Promise<ProgramReviewSettings> {
    await this.catalog.terms(programId);
    await this.db.rows(ENSURE_ROW, [this.db.agencyId, programId]);
    return (await this.row(programId, true))!;
  }

  /** Refuses a change once the program's decisions are released. */
  async assertNotReleased(programId: string): Promise<void> {
    const row = await this.row(programId);
    if (row?.decisionsReleasedAt)
      throw new DecisionsReleasedError(row.decisionsReleasedAt.toISOString());
  }

  private row(programId: string, lock = false): Promise<ProgramReviewSettings | null> {
    return this.db.repo(ProgramReviewSettings).findOne({
      where: { agencyId: this.db.agencyId, programId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }
}
