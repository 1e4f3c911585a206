import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { AllocationNotFoundError } from './allocations.errors';
import { isUuid } from '../core/ids';
import { sql } from '../core/database/sql-statement';
import { AllocationRun } from './entities/allocation-run.entity';
import { FormulaAllocation } from './entities/formula-allocation.entity';

/** A final formula allocation, as awards and budgets read it (amount a decimal string). */
export interface FinalAllocationView {
  allocationId: FormulaAllocation['id'];
  programId: FormulaAllocation['programId'];
  organizationId: FormulaAllocation['organizationId'];
  amount: FormulaAllocation['amount'];
  publishedAt: NonNullable<AllocationRun['publishedAt']>;
}

const SELECT_FINAL = `
  SELECT fa.id AS "allocationId", fa.program_id AS "programId",
         fa.organization_id AS "organizationId", fa.amount, r.published_at AS "publishedAt"
    FROM formula_allocations fa
    JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
   WHERE fa.agency_id = $1 AND r.status = 'final'`;

const FINAL = sql<FinalAllocationView>('allocations.final', `${SELECT_FINAL} AND fa.id = $2`);
const FINAL_OF_PROGRAM = sql<FinalAllocationView>(
  'allocations.final-of-program',
  `${SELECT_FINAL} AND fa.program_id = $2 ORDER BY fa.identifier`,
);
const FINAL_OF_ORGANIZATION = sql<FinalAllocationView>(
  'allocations.final-of-organization',
  `${SELECT_FINAL} AND fa.program_id = $2 AND fa.organization_id = $3`,
);

/**
 * The allocations module's public surface: final (published) allocations only, never a
 * preliminary or unpublished figure. Runs in the current agency's transaction.
 */
@Injectable()
export class FinalAllocations {
  constructor(private readonly db: TenantDb) {}

  async get(allocationId: string): Promise<FinalAllocationView> {
    const rows = isUuid(allocationId)
      ? await this.db.rows(FINAL, [this.db.agencyId, allocationId])
      : [];
    if (!rows[0]) throw new AllocationNotFoundError('final allocation');
    return rows[0];
  }

  async listForProgram(programId: string): Promise<FinalAllocationView[]> {
    if (!isUuid(programId)) return [];
    return this.db.rows(FINAL_OF_PROGRAM, [this.db.agencyId, programId]);
  }

  /**
   * The most an organization's application to a formula program may budget: its final
   * allocation; null when the program has no final allocation for it (no cap from here).
   */
  async capFor(programId: string, organizationId: string): Promise<string | null> {
    if (!isUuid(programId) || !isUuid(organizationId)) return null;
    const rows = await this.db.rows(FINAL_OF_ORGANIZATION, [
      this.db.agencyId,
      programId,
      organizationId,
    ]);
    return rows[0]?.amount ?? null;
  }
}
