import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { OrganizationNotFoundError } from './organizations.errors';
import { isUuid } from '../core/ids';
import { entitySql } from '../core/database/sql-statement';
import { Organization } from './entities/organization.entity';

const SUMMARY_COLUMNS = [
  'id',
  'legalName',
  'type',
  'status',
  'stateDistrictCode',
  'ncesLeaId',
  'uei',
] as const;
export type OrganizationSummary = Pick<Organization, (typeof SUMMARY_COLUMNS)[number]>;

// On the submission path: plain SQL, only the summary's columns.
const SUMMARY = entitySql(
  'organizations.summary',
  Organization,
  'o',
  `SELECT {columns} FROM organizations o WHERE o.agency_id = $1 AND o.id = $2`,
  { pick: SUMMARY_COLUMNS },
);

const BY_IDENTIFIER = entitySql(
  'organizations.by-identifier',
  Organization,
  'o',
  `SELECT {columns} FROM organizations o
    WHERE o.agency_id = $1 AND o.status <> 'rejected'
      AND (o.state_district_code = ANY($2::text[]) OR o.nces_lea_id = ANY($2::text[]))`,
  { pick: ['id', 'stateDistrictCode', 'ncesLeaId'] },
);

/** Legal names by id (also read by identity, per agency, for invitations). */
export const ORGANIZATION_NAMES = entitySql(
  'organizations.names',
  Organization,
  'o',
  'SELECT {columns} FROM organizations o WHERE o.agency_id = $1 AND o.id = ANY($2::uuid[])',
  { pick: ['id', 'legalName'] },
);

/** The organizations module's public surface: what other modules may know of an applicant. */
@Injectable()
export class OrganizationDirectory {
  constructor(private readonly db: TenantDb) {}

  async get(organizationId: string): Promise<OrganizationSummary> {
    const [summary] = isUuid(organizationId)
      ? await this.db.rows(SUMMARY, [this.db.agencyId, organizationId])
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
    const rows = await this.db.rows(BY_IDENTIFIER, [this.db.agencyId, wanted]);
    const byIdentifier = new Map<string, string>();
    for (const row of rows) {
      if (row.ncesLeaId) byIdentifier.set(row.ncesLeaId, row.id);
    }
    // A state district code wins over an NCES id that happens to read the same.
    for (const row of rows) {
      if (row.stateDistrictCode) byIdentifier.set(row.stateDistrictCode, row.id);
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
    const rows = await this.db.rows(ORGANIZATION_NAMES, [
      this.db.agencyId,
      [...new Set(organizationIds)],
    ]);
    return new Map(rows.map((r) => [r.id, r.legalName]));
  }
}
