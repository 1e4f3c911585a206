import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { AllocationNotFoundError } from './allocations.errors';
import { isUuid } from '../core/ids';

/** A final formula allocation, as awards and budgets read it. */
export interface FinalAllocationView {
  allocationId: string;
  programId: string;
  organizationId: string;
  /** Decimal string, e.g. "51000.00". */
  amount: string;
  publishedAt: Date;
}

const SELECT_FINAL = `
  SELECT fa.id AS "allocationId", fa.program_id AS "programId",
         fa.organization_id AS "organizationId", fa.amount, r.published_at AS "publishedAt"
    FROM formula_allocations fa
    JOIN allocation_runs r ON r.agency_id = fa.agency_id AND r.id = fa.run_id
   WHERE fa.agency_id = $1 AND r.status = 'final'`;

/**
 * The allocations module's public surface: final (published) allocations only, never a
 * preliminary or unpublished figure. Runs in the current agency's transaction.
 */
@Injectable()
export class FinalAllocations {
  constructor(private readonly db: TenantDb) {}

  async get(allocationId: string): Promise<FinalAllocationView> {
    const rows: FinalAllocationView[] = isUuid(allocationId)
      ? await this.db.manager.query(`${SELECT_FINAL} AND fa.id = $2`, [
          this.db.agencyId,
          allocationId,
        ])
      : [];
    if (!rows[0]) throw new AllocationNotFoundError('final allocation');
    return rows[0];
  }

  async listForProgram(programId: string): Promise<FinalAllocationView[]> {
    if (!isUuid(programId)) return [];
    return this.db.manager.query(`${SELECT_FINAL} AND fa.program_id = $2 ORDER BY fa.identifier`, [
      this.db.agencyId,
      programId,
    ]);
  }

  /**
   * The most an organization's application to a formula program may budget: its final
   * allocation; null when the program has no final allocation for it (no cap from here).
   */
  async capFor(programId: string, organizationId: string): Promise<string | null> {
    if (!isUuid(programId) || !isUuid(organizationId)) return null;
    const rows: Array<{ amount: string }> = await this.db.manager.query(
      `${SELECT_FINAL} AND fa.program_id = $2 AND fa.organization_id = $3`,
      [this.db.agencyId, programId, organizationId],
    );
    return rows[0]?.amount ?? null;
  }
}
