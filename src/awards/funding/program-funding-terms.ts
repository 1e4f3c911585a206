import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { BudgetLineInput } from '../budget/award-budget-math';

export interface ProgramFundingTerms {
  programId: string;
  title: string;
  fain: string | null;
  assistanceListingNumber: string | null;
  assistanceListingTitle: string | null;
  fiscalYear: number | null;
  performanceStart: string | null;
  performanceEnd: string | null;
}

/**
 * Reads what an award copies from its program and its application. The programs and
 * applications modules do not (yet) export these fields (ProgramCatalog.terms lacks FAIN,
 * Assistance Listing title and the period of performance; applications exports nothing), so
 * this is the one place awards reads their tables, read-only, in the tenant transaction.
 * Replace with their public services when they offer them.
 */
@Injectable()
export class ProgramFundingTermsReader {
  constructor(private readonly db: TenantDb) {}

  async program(programId: string): Promise<ProgramFundingTerms | undefined> {
    const rows: Array<{
      id: string;
      title: string;
      fain: string | null;
      assistance_listing_number: string | null;
      assistance_listing_title: string | null;
      fiscal_year: number | null;
      performance_start: string | null;
      performance_end: string | null;
    }> = await this.db.manager.query(
      `SELECT id, title, fain, assistance_listing_number, assistance_listing_title, fiscal_year,
              performance_start::text AS performance_start, performance_end::text AS performance_end
         FROM programs WHERE agency_id = $1 AND id = $2`,
      [this.db.agencyId, programId],
    );
    const p = rows[0];
    return (
      p && {
        programId: p.id,
        title: p.title,
        fain: p.fain,
        assistanceListingNumber: p.assistance_listing_number,
        assistanceListingTitle: p.assistance_listing_title,
        fiscalYear: p.fiscal_year,
        performanceStart: p.performance_start,
        performanceEnd: p.performance_end,
      }
    );
  }

  /** The budget of the application's latest submitted version (what was decided on). */
  async submittedBudget(applicationId: string): Promise<BudgetLineInput[] | undefined> {
    const rows: Array<{ organization_id: string; budget: BudgetLineInput[] }> =
      await this.db.manager.query(
        `SELECT a.organization_id, s.budget
           FROM application_submissions s
           JOIN applications a ON a.agency_id = s.agency_id AND a.id = s.application_id
          WHERE s.agency_id = $1 AND s.application_id = $2
          ORDER BY s.number DESC LIMIT 1`,
        [this.db.agencyId, applicationId],
      );
    return rows[0]?.budget;
  }
}
