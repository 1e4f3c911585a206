import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { FinalAllocations, FinalAllocationView } from '../../allocations/final-allocations';
import { DecisionNotFoundError } from './decisions.errors';
import { isUuid } from '../../core/ids';
import { sql } from '../../core/database/sql-statement';
import { FundingDecision } from '../entities/funding-decision.entity';

/** A released approval, as the awards module reads it. */
export interface ApprovedDecision {
  decisionId: FundingDecision['id'];
  applicationId: FundingDecision['applicationId'];
  programId: FundingDecision['programId'];
  organizationId: FundingDecision['organizationId'];
  /** Decimal string, e.g. "100000.00". */
  amount: FundingDecision['amount'];
  releasedAt: NonNullable<FundingDecision['releasedAt']>;
}

export type { FinalAllocationView };

const SELECT_APPROVED = `
  SELECT id AS "decisionId", application_id AS "applicationId", program_id AS "programId",
         organization_id AS "organizationId", amount, released_at AS "releasedAt"
    FROM funding_decisions
   WHERE agency_id = $1 AND outcome = 'approved' AND released_at IS NOT NULL`;

const APPROVED = sql<ApprovedDecision>(
  'reviews.decision-approved',
  `${SELECT_APPROVED} AND id = $2`,
);
const APPROVED_FOR_APPLICATION = sql<ApprovedDecision>(
  'reviews.decision-approved-for-application',
  `${SELECT_APPROVED} AND application_id = $2`,
);
const APPROVED_OF_PROGRAM = sql<ApprovedDecision>(
  'reviews.decisions-approved-of-program',
  `${SELECT_APPROVED} AND program_id = $2 ORDER BY rank, id`,
);

/**
 * What funding was decided, for the awards module: released approvals of competitive programs
 * and final allocations of formula programs. Nothing unreleased or preliminary is visible here.
 * Runs in the current agency's transaction; an id of another agency is simply not found.
 */
@Injectable()
export class FundingDecisionsReader {
  constructor(
    private readonly db: TenantDb,
    private readonly allocations: FinalAllocations,
  ) {}

  /** Throws DecisionNotFoundError (404, `decision.not_found`) unless released and approved. */
  async getApprovedDecision(decisionId: string): Promise<ApprovedDecision> {
    const rows = isUuid(decisionId)
      ? await this.db.rows(APPROVED, [this.db.agencyId, decisionId])
      : [];
    if (!rows[0]) throw new DecisionNotFoundError();
    return rows[0];
  }

  /** The released approval of one application, if any (null otherwise). */
  async findApprovedForApplication(applicationId: string): Promise<ApprovedDecision | null> {
    if (!isUuid(applicationId)) return null;
    const rows = await this.db.rows(APPROVED_FOR_APPLICATION, [this.db.agencyId, applicationId]);
    return rows[0] ?? null;
  }

  async listApprovedDecisions(programId: string): Promise<ApprovedDecision[]> {
    if (!isUuid(programId)) return [];
    return this.db.rows(APPROVED_OF_PROGRAM, [this.db.agencyId, programId]);
  }

  /** Throws AllocationNotFoundError (404, `allocation.not_found`) unless published final. */
  getFinalAllocation(allocationId: string): Promise<FinalAllocationView> {
    return this.allocations.get(allocationId);
  }

  listFinalAllocations(programId: string): Promise<FinalAllocationView[]> {
    return this.allocations.listForProgram(programId);
  }
}
