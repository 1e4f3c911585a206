import { Injectable } from '@nestjs/common';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { OrganizationDirectory } from '../organizations/organization-directory';
import {
  AllocationNotFoundError,
  FinalPublishedError,
  FundsNotSetError,
  RunNotPublishableError,
} from './allocations.errors';
import { AllocationRun } from './entities/allocation-run.entity';
import { FormulaAllocation } from './entities/formula-allocation.entity';
import { computeAllocations } from './formula-allocation';
import { FormulaConfigs } from './formula-configs.service';
import { FormulaInputs } from './formula-inputs.service';
import { isUuid } from '../core/ids';
import { sql } from '../core/database/sql-statement';

const LOCK_PROGRAM = sql(
  'allocations.program-lock',
  `SELECT pg_advisory_xact_lock(hashtext('allocations:' || $1))`,
);
const NEXT_RUN_NUMBER = sql<{ next: AllocationRun['number'] }>(
  'allocations.run-next-number',
  `SELECT COALESCE(max(number), 0) + 1 AS next FROM allocation_runs WHERE agency_id = $1 AND program_id = $2`,
);
const LATEST_RUN_NUMBER = sql<{ latest: AllocationRun['number'] }>(
  'allocations.run-latest-number',
  `SELECT max(number) AS latest FROM allocation_runs WHERE agency_id = $1 AND program_id = $2`,
);
/** An organization's published allocations, preliminary or final, newest first. */
const OF_ORGANIZATION = sql<{
  allocationId: FormulaAllocation['id'];
  programId: FormulaAllocation['programId'];
  runId: AllocationRun['id'];
  stage: AllocationRun['status'];
  amount: FormulaAllocation['amount'];
  publishedAt: NonNullable<AllocationRun['publishedAt']>;
}>(
  'allocations.of-organization',
  `SELECT fa.id AS "allocationId", fa.program_id AS "programId", r.id AS "runId",
          r.status AS stage, fa.amount, r.published_at AS "publishedAt"
     FROM formula_allocations fa
     JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
    WHERE fa.agency_id = $1 AND fa.organization_id = $2 AND r.status IN ('preliminary', 'final')
    ORDER BY r.published_at DESC`,
);

const runSummary = (r: AllocationRun) => ({
  id: r.id,
  programId: r.programId,
  number: r.number,
  status: r.status,
  inputSetId: r.inputSetId,
  funds: r.funds,
  config: r.config,
  allocated: r.allocated,
  unallocated: r.unallocated,
  computedAt: r.computedAt.toISOString(),
  publishedAt: r.publishedAt?.toISOString() ?? null,
});

/**
 * Allocation runs: compute from an input set and the formula configuration, publish one run as
 * preliminary (a later published run supersedes it: the revision), then publish one final.
 * A program's runs are serialised by a transaction-scoped advisory lock.
 */
@Injectable()
export class AllocationRuns {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly configs: FormulaConfigs,
    private readonly inputs: FormulaInputs,
    private readonly organizations: OrganizationDirectory,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  private async lockProgram(programId: string): Promise<void> {
    await this.db.rows(LOCK_PROGRAM, [programId]);
  }

  private async assertNoFinal(programId: string): Promise<void> {
    const final = await this.db.repo(AllocationRun).findOne({
      where: { agencyId: this.db.agencyId, programId, status: 'final' },
    });
    if (final) throw new FinalPublishedError();
  }

  async compute(programId: string, inputSetId?: string) {
    const terms = await this.configs.formulaProgram(programId);
    if (!terms.fundsAvailable) throw new FundsNotSetError();
    await this.lockProgram(programId);
    await this.assertNoFinal(programId);
    const config = await this.configs.require(programId);
    const { set, rows } = await this.inputs.load(programId, inputSetId);
    const result = computeAllocations(terms.fundsAvailable, config, rows);

    const [{ next }] = await this.db.rows(NEXT_RUN_NUMBER, [this.db.agencyId, programId]);
    const repo = this.db.repo(AllocationRun);
    const run = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        programId,
        number: next,
        inputSetId: set.id,
        status: 'computed',
        funds: terms.fundsAvailable,
        config,
        allocated: result.allocated,
        unallocated: result.unallocated,
        computedBy: this.context.actor?.userId ?? null,
      }),
    );
    await this.db.repo(FormulaAllocation).insert(
      result.allocations.map((a) => ({
        agencyId: this.db.agencyId,
        runId: run.id,
        programId,
        organizationId: a.organizationId,
        identifier: a.identifier,
        weightedCount: a.weightedCount,
        proportionalShare: a.proportionalShare,
        amount: a.amount,
        appliedConstraint: a.constraint,
      })),
    );
    await this.audit.record({
      action: 'allocation.computed',
      entityType: 'allocation_run',
      entityId: run.id,
      after: {
        programId,
        number: run.number,
        inputSetId: set.id,
        funds: run.funds,
        allocated: run.allocated,
        unallocated: run.unallocated,
        organizations: result.allocations.length,
      },
    });
    return this.get(programId, run.id);
  }

  async list(programId: string) {
    await this.configs.formulaProgram(programId);
    const runs = await this.db.repo(AllocationRun).find({
      where: { agencyId: this.db.agencyId, programId },
      order: { number: 'DESC' },
    });
    return { items: runs.map(runSummary) };
  }

  private async find(programId: string, runId: string, lock = false): Promise<AllocationRun> {
    const run = isUuid(runId)
      ? await this.db.repo(AllocationRun).findOne({
          where: { agencyId: this.db.agencyId, programId, id: runId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!run) throw new AllocationNotFoundError('allocation run');
    return run;
  }

  async get(programId: string, runId: string) {
    await this.configs.formulaProgram(programId);
    const run = await this.find(programId, runId);
    const allocations = await this.db.repo(FormulaAllocation).find({
      where: { agencyId: this.db.agencyId, runId: run.id },
      order: { identifier: 'ASC' },
    });
    const names = await this.organizations.names(allocations.map((a) => a.organizationId));
    return {
      ...runSummary(run),
      allocations: allocations.map((a) => ({
        id: a.id,
        organizationId: a.organizationId,
        organizationName: names.get(a.organizationId) ?? null,
        identifier: a.identifier,
        weightedCount: a.weightedCount,
        proportionalShare: a.proportionalShare,
        amount: a.amount,
        constraint: a.appliedConstraint,
      })),
    };
  }

  /**
   * Publishes a run. Preliminary: any computed run, superseding the previous preliminary one.
   * Final: only the latest run, once; every other published run is superseded and nothing of the
   * program's allocations can change afterwards.
   */
  async publish(programId: string, runId: string, stage: 'preliminary' | 'final') {
    await this.configs.formulaProgram(programId);
    await this.lockProgram(programId);
    await this.assertNoFinal(programId);
    const run = await this.find(programId, runId, true);
    if (stage === 'preliminary' && run.status !== 'computed')
      throw new RunNotPublishableError(run.status, `it is already ${run.status}`);
    if (stage === 'final') {
      if (run.status === 'superseded')
        throw new RunNotPublishableError(run.status, 'a later run superseded it');
      const [{ latest }] = await this.db.rows(LATEST_RUN_NUMBER, [this.db.agencyId, programId]);
      if (run.number !== latest)
        throw new RunNotPublishableError(run.status, `run ${latest} is more recent`);
    }
    const superseded = await this.db.repo(AllocationRun).find({
      where: {
        agencyId: this.db.agencyId,
        programId,
        status: 'preliminary',
      },
    });
    for (const other of superseded.filter((r) => r.id !== run.id)) {
      other.status = 'superseded';
      await this.db.repo(AllocationRun).save(other);
    }
    const before = run.status;
    run.status = stage;
    run.publishedAt = this.clock.now();
    run.publishedBy = this.context.actor?.userId ?? null;
    await this.db.repo(AllocationRun).save(run);
    await this.audit.record({
      action: stage === 'final' ? 'allocation.published_final' : 'allocation.published_preliminary',
      entityType: 'allocation_run',
      entityId: run.id,
      before: { status: before },
      after: {
        status: stage,
        number: run.number,
        allocated: run.allocated,
        superseded: superseded.filter((r) => r.id !== run.id).map((r) => r.id),
      },
    });
    return this.get(programId, run.id);
  }

  /** An organization's published allocations (preliminary or final), by program. */
  async forOrganization(organizationId: string) {
    if (!isUuid(organizationId)) return { items: [] };
    const rows = await this.db.rows(OF_ORGANIZATION, [this.db.agencyId, organizationId]);
    return {
      items: rows.map(({ allocationId, ...r }) => ({
        id: allocationId,
        ...r,
        publishedAt: r.publishedAt.toISOString(),
      })),
    };
  }
}
