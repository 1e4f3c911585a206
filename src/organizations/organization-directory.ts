import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { OrganizationNotFoundError } from './organizations.errors';
import { OrganizationStatus, OrganizationType } from './organization-types';
import { isUuid } from '../core/ids';

export interface OrganizationSummary {
  id: string;
  legalName: string;
  type: OrganizationType;
  status: OrganizationStatus;
  stateDistrictCode: string | null;
  ncesLeaId: string | null;
  uei: string | null;
}

/** The organizations module's public surface: what other modules may know of an applicant. */
@Injectable()
export class OrganizationDirectory {
  constructor(private readonly db: TenantDb) {}

  async get(organizationId: string): Promise<OrganizationSummary> {
    // On the submission path: plain SQL, only the summary's columns.
    const [summary] = isUuid(organizationId)
      ? await this.db.manager.query<OrganizationSummary[]>(
          `SELECT id, legal_name AS "legalName", type, status,
                  state_district_code AS "stateDistrictCode", nces_lea_id AS "ncesLeaId", uei
             FROM organizations WHERE agency_id = $1 AND id = $2`,
          [this.db.agencyId, organizationId],
        )
      : [];
    if (!summary) throw new OrganizationNotFoundError();
    return summary;
  }

  /**
   * Organizations of this agency by state district code or NCES LEA id (as data files name
   * districts): identifier as given -> organization id. Used by formula allocation uploads.
   */
  async idsByIdentifier(identifiers: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(identifiers.map((i) => i.trim().toUpperCase()).filter(Boolean))];
    if (wanted.length === 0) return new Map();
    const rows: Array<{
      id: string;
      state_district_code: string | null;
      nces_lea_id: string | null;
    }> = await this.db.manager.query(
      `SELECT id, state_district_code, nces_lea_id FROM organizations
          WHERE agency_id = $1 AND status <> 'rejected'
            AND (state_district_code = ANY($2::text[]) OR nces_lea_id = ANY($2::text[]))`,
      [this.db.agencyId, wanted],
    );
    const byIdentifier = new Map<string, string>();
    for (const row of rows) {
      if (row.nces_lea_id) byIdentifier.set(row.nces_lea_id, row.id);
    }
    // A state district code wins over an NCES id that happens to read the same.
    for (const row of rows) {
      if (row.state_district_code) byIdentifier.set(row.state_district_code, row.id);
    }
    const result = new Map<string, string>();
    for (const identifier of identifiers) {
      const id = byIdentifier.get(identifier.trim().toUpperCase());
      if (id) result.set(identifier, id);
    }
    return result;
  }

  /** Legal names by id, for lists and exports. */
  async names(organizationIds: string[]): Promise<Map<string, string>> {
    if (organizationIds.length === 0) return new Map();
    const rows: Array<{ id: string; legal_name: string }> = await this.db.manager.query(
      'SELECT id, legal_name FROM organizations WHERE agency_id = $1 AND id = ANY($2::uuid[])',
      [this.db.agencyId, [...new Set(organizationIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.legal_name]));
  }
}
