import { Injectable } from '@nestjs/common';
import { AuditLog } from '../core/audit/audit-log';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { FieldProblem } from '../core/errors/domain-error';
import { toCents } from '../core/money/money';
import { ProgramCatalog, ProgramTerms } from '../programs/program-catalog';
import { AgencyDirectory } from '../agencies/agency-directory';
import {
  FormulaAllocationsDisabledError,
  FormulaConfigInvalidError,
  FormulaNotConfiguredError,
  NotFormulaProgramError,
} from './allocations.errors';
import { FormulaConfigDto } from './dto/allocation.dto';
import { FormulaConfigRecord } from './entities/formula-config.entity';
import { FormulaConfig } from './formula-allocation';

const FACTOR_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const WEIGHT = /^\d{1,6}(\.\d{1,4})?$/;
const RESERVED = new Set(['identifier', 'prior_allocation']);

export function configView(c: FormulaConfigRecord | null, programId: string) {
  return {
    programId,
    configured: c !== null,
    factors: c?.factors ?? {},
    minimumAllocation: c?.minimumAllocation ?? null,
    maximumAllocation: c?.maximumAllocation ?? null,
    holdHarmlessPercent: c?.holdHarmlessPercent ?? null,
    csvHeader: c ? ['identifier', ...Object.keys(c.factors), 'prior_allocation'].join(',') : null,
    version: c?.version ?? 0,
  };
}

/** A formula program's configuration: factors and weights, minimum, maximum, hold-harmless. */
@Injectable()
export class FormulaConfigs {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly catalog: ProgramCatalog,
    private readonly audit: AuditLog,
    private readonly agencies: AgencyDirectory,
  ) {}

  /**
   * The gate of every program-officer allocation route: the agency has formula allocations on
   * (`features.formulaAllocations`) and the program is a formula program. An organization's
   * published allocations stay readable when the feature is switched off.
   */
  async formulaProgram(programId: string): Promise<ProgramTerms> {
    // `=== false`: a row synced before the switch existed reads as on, as the default says.
    if (this.agencies.configOf(this.db.agencyId).features.formulaAllocations === false) {
      throw new FormulaAllocationsDisabledError();
    }
    const terms = await this.catalog.terms(programId);
    if (terms.kind !== 'formula') throw new NotFormulaProgramError();
    return terms;
  }

  private find(programId: string, lock = false) {
    return this.db.repo(FormulaConfigRecord).findOne({
      where: { agencyId: this.db.agencyId, programId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async get(programId: string) {
    await this.formulaProgram(programId);
    return configView(await this.find(programId), programId);
  }

  /** The configuration the computation takes; refuses when none is set. */
  async require(programId: string): Promise<FormulaConfig> {
    const c = await this.find(programId);
    if (!c) throw new FormulaNotConfiguredError();
    return {
      factors: c.factors,
      minimumAllocation: c.minimumAllocation ?? undefined,
      maximumAllocation: c.maximumAllocation ?? undefined,
      holdHarmlessPercent: c.holdHarmlessPercent ?? undefined,
    };
  }

  async put(programId: string, dto: FormulaConfigDto) {
    await this.formulaProgram(programId);
    const problems: FieldProblem[] = [];
    const entries = Object.entries(dto.factors);
    if (entries.length === 0 || entries.length > 20)
      problems.push({ pointer: '/factors', detail: 'must name 1 to 20 factors' });
    const factors: Record<string, string> = {};
    for (const [name, weight] of entries) {
      if (!FACTOR_NAME.test(name) || RESERVED.has(name))
        problems.push({
          pointer: `/factors/${name}`,
          detail: 'a factor name is a CSV column like low_income (lowercase, digits, _)',
        });
      else if (typeof weight !== 'string' || !WEIGHT.test(weight) || /^0+(\.0+)?$/.test(weight))
        problems.push({
          pointer: `/factors/${name}`,
          detail: 'must be a weight above 0 as a decimal string with up to 4 decimals, like "0.25"',
        });
      else factors[name] = weight;
    }
    if (
      dto.minimumAllocation &&
      dto.maximumAllocation &&
      toCents(dto.minimumAllocation) > toCents(dto.maximumAllocation)
    )
      problems.push({
        pointer: '/maximumAllocation',
        detail: 'must not be below minimumAllocation',
      });
    if (problems.length > 0) throw new FormulaConfigInvalidError(problems);

    const repo = this.db.repo(FormulaConfigRecord);
    const existing = await this.find(programId, true);
    const before = existing ? configView(existing, programId) : undefined;
    const saved = await repo.save(
      repo.merge(existing ?? repo.create({ agencyId: this.db.agencyId, programId, version: 0 }), {
        factors,
        minimumAllocation: dto.minimumAllocation ?? null,
        maximumAllocation: dto.maximumAllocation ?? null,
        holdHarmlessPercent: dto.holdHarmlessPercent ?? null,
        updatedBy: this.context.actor?.userId ?? null,
        version: (existing?.version ?? 0) + 1,
      }),
    );
    const after = configView(saved, programId);
    await this.audit.record({
      action: 'allocation.formula_configured',
      entityType: 'program',
      entityId: programId,
      before,
      after,
    });
    return after;
  }
}
