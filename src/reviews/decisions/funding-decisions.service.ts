import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { fromCents, toCents } from '../../core/money/money';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { ProgramCatalog } from '../../programs/program-catalog';
import { DecideDto } from '../dto/decision.dto';
import { FundingDecision } from '../entities/funding-decision.entity';
import { ReviewSettings } from '../review-settings.service';
import { PanelRanking } from '../scoring/panel-ranking.service';
import { ReviewStages } from '../stages/review-stages.service';
import {
  DecisionInvalidError,
  DecisionNotFoundError,
  FundsNotSetError,
  NothingToDecideError,
} from './decisions.errors';
import { recommendFunding } from './funding-recommendation';
import { sql } from '../../core/database/sql-statement';

const DELETE_STALE = sql(
  'reviews.decisions-delete-of-applications',
  `DELETE FROM funding_decisions WHERE agency_id = $1 AND program_id = $2 AND application_id = ANY($3::uuid[])`,
);

export function decisionView(d: FundingDecision, organizationName?: string | null) {
  return {
    id: d.id,
    applicationId: d.applicationId,
    organizationId: d.organizationId,
    ...(organizationName !== undefined ? { organizationName } : {}),
    rank: d.rank,
    finalScore: d.finalScore === null ? null : Number(d.finalScore),
    method: d.method,
    explanation: d.explanation,
    amountRequested: d.amountRequested,
    recommended: { outcome: d.recommendedOutcome, amount: d.recommendedAmount, partial: d.partial },
    outcome: d.outcome,
    amount: d.amount,
    overridden: d.outcome !== d.recommendedOutcome || d.amount !== d.recommendedAmount,
    justification: d.justification,
    releasedAt: d.releasedAt?.toISOString() ?? null,
    version: d.version,
  };
}

/**
 * Funding decisions of a competitive program: the recommendation funds down the ranked list of
 * applications in the final decision stage until the funds are used (a partial award for the
 * last where the program allows it); program officers override with a recorded justification.
 */
@Injectable()
export class FundingDecisions {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly ranking: PanelRanking,
    private readonly settings: ReviewSettings,
    private readonly stages: ReviewStages,
    private readonly catalog: ProgramCatalog,
    private readonly organizations: OrganizationDirectory,
    private readonly audit: AuditLog,
  ) {}

  /**
   * (Re)computes the recommendation and resets every unreleased decision of the program to it
   * (earlier overrides are discarded, and audited as such).
   */
  async recommend(programId: string) {
    const terms = await this.catalog.terms(programId);
    if (!terms.fundsAvailable) throw new FundsNotSetError();
    const settings = await this.settings.ensureRow(programId); // locks the program's decisions
    await this.settings.assertNotReleased(programId);
    const effective = await this.settings.effective(programId);
    const ranking = await this.ranking.rank(programId, { stages: ['final_decision'] });
    if (ranking.items.length === 0) throw new NothingToDecideError();
    const recommendations = recommendFunding(
      ranking.items.map((i) => ({
        applicationId: i.applicationId,
        rank: i.rank,
        requested: i.amountRequested,
      })),
      {
        fundsAvailable: terms.fundsAvailable,
        allowPartialAward: effective.allowPartialAward,
        awardFloor: terms.awardFloor ?? undefined,
      },
    );
    const repo = this.db.repo(FundingDecision);
    const existing = new Map(
      (await repo.find({ where: { agencyId: this.db.agencyId, programId } })).map((d) => [
        d.applicationId,
        d,
      ]),
    );
    const discardedOverrides = [...existing.values()].filter(
      (d) => d.outcome !== d.recommendedOutcome || d.amount !== d.recommendedAmount,
    ).length;
    const itemOf = new Map(ranking.items.map((i) => [i.applicationId, i]));
    const rows: FundingDecision[] = recommendations.map((r) => {
      const item = itemOf.get(r.applicationId)!;
      return repo.merge(
        existing.get(r.applicationId) ?? repo.create({ agencyId: this.db.agencyId, version: 0 }),
        {
          programId,
          applicationId: r.applicationId,
          organizationId: item.organizationId,
          rank: r.rank,
          finalScore: item.finalScore.toFixed(4),
          method: ranking.method,
          explanation: item.explanation,
          amountRequested: item.amountRequested,
          recommendedOutcome: r.outcome,
          recommendedAmount: r.amount,
          partial: r.partial,
          outcome: r.outcome,
          amount: r.amount,
          justification: null,
          decidedBy: this.context.actor?.userId ?? null,
        },
      );
    });
    for (const row of rows) row.version += 1;
    // Cases moved back out of the final stage lose their (unreleased) decision.
    const stale = [...existing.keys()].filter((id) => !itemOf.has(id));
    if (stale.length > 0) await this.db.rows(DELETE_STALE, [this.db.agencyId, programId, stale]);
    await repo.save(rows, { chunk: 500 });
    const approved = recommendations.filter((r) => r.outcome === 'approved');
    const total = approved.reduce((sum, r) => sum + toCents(r.amount), 0n);
    await this.audit.record({
      action: 'decisions.recommended',
      entityType: 'program',
      entityId: programId,
      after: {
        method: ranking.method,
        fundsAvailable: terms.fundsAvailable,
        allowPartialAward: settings.allowPartialAward,
        applications: recommendations.length,
        approved: approved.length,
        approvedTotal: fromCents(total),
        partial: recommendations.find((r) => r.partial)?.applicationId ?? null,
        discardedOverrides,
      },
    });
    return this.list(programId);
  }

  async list(programId: string) {
    const terms = await this.catalog.terms(programId);
    const rows = await this.db.repo(FundingDecision).find({
      where: { agencyId: this.db.agencyId, programId },
      order: { rank: 'ASC', applicationId: 'ASC' },
    });
    const names = await this.organizations.names(rows.map((r) => r.organizationId));
    const approved = rows
      .filter((r) => r.outcome === 'approved')
      .reduce((sum, r) => sum + toCents(r.amount), 0n);
    const settings = await this.settings.effective(programId);
    return {
      programId,
      fundsAvailable: terms.fundsAvailable,
      approvedTotal: fromCents(approved),
      remaining: terms.fundsAvailable ? fromCents(toCents(terms.fundsAvailable) - approved) : null,
      releasedAt: settings.decisionsReleasedAt?.toISOString() ?? null,
      items: rows.map((r) => decisionView(r, names.get(r.organizationId) ?? null)),
    };
  }

  /** A program officer's decision; one that differs from the recommendation needs a justification. */
  async decide(programId: string, applicationId: string, dto: DecideDto) {
    await this.settings.ensureRow(programId);
    await this.settings.assertNotReleased(programId);
    await this.stages.find(programId, applicationId);
    const repo = this.db.repo(FundingDecision);
    const decision = await repo.findOne({
      where: { agencyId: this.db.agencyId, programId, applicationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!decision) throw new DecisionNotFoundError();

    const problems = [];
    let amount = '0.00';
    if (dto.outcome === 'approved') {
      if (!dto.amount || toCents(dto.amount) <= 0n)
        problems.push({ pointer: '/amount', detail: 'is required and above 0 when approved' });
      else if (toCents(dto.amount) > toCents(decision.amountRequested))
        problems.push({
          pointer: '/amount',
          detail: `must not exceed the amount requested (${decision.amountRequested})`,
        });
      else amount = fromCents(toCents(dto.amount));
    } else if (dto.amount !== undefined && toCents(dto.amount) !== 0n) {
      problems.push({ pointer: '/amount', detail: `must be absent when ${dto.outcome}` });
    }
    const differs =
      dto.outcome !== decision.recommendedOutcome || amount !== decision.recommendedAmount;
    if (differs && !dto.justification?.trim())
      problems.push({
        pointer: '/justification',
        detail: 'is required when the decision differs from the recommendation',
      });
    if (problems.length > 0) throw new DecisionInvalidError(problems);

    const before = { outcome: decision.outcome, amount: decision.amount };
    decision.outcome = dto.outcome;
    decision.amount = amount;
    decision.justification = differs ? dto.justification!.trim() : null;
    decision.decidedBy = this.context.actor?.userId ?? null;
    decision.version += 1;
    await repo.save(decision);
    await this.audit.record({
      action: differs ? 'decision.overridden' : 'decision.confirmed',
      entityType: 'funding_decision',
      entityId: decision.id,
      before,
      after: {
        applicationId,
        outcome: decision.outcome,
        amount: decision.amount,
        recommended: { outcome: decision.recommendedOutcome, amount: decision.recommendedAmount },
        justification: decision.justification,
      },
    });
    return decisionView(decision);
  }
}
