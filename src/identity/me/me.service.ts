import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { RequestContext } from '../../core/context/request-context';
import { sql, sqlRows } from '../../core/database/sql-statement';
import { NotFoundError } from '../../core/errors/domain-error';

export interface MeView {
  user: { id: string; email: string; name: string; platformAdmin: boolean };
  agencies: Array<{ agencyId: string; agencyCode: string; agencyName: string; roles: string[] }>;
  organizations: Array<{
    agencyId: string;
    agencyCode: string;
    organizationId: string;
    roles: string[];
  }>;
}

/** The user and their active memberships, as JSON (names come from the agency directory). */
const ME = sql<MeRow>(
  'identity.me',
  `SELECT json_build_object('id', u.id, 'email', u.email, 'name', u.name,
                                'platformAdmin', u.platform_admin) AS "user",
              COALESCE((SELECT json_agg(json_build_object(
                          'agencyId', am.agency_id, 'roles', am.roles))
                          FROM agency_memberships am
                         WHERE am.user_id = u.id AND am.status = 'active'), '[]'::json)
                AS "agencies",
              COALESCE((SELECT json_agg(json_build_object(
                          'agencyId', om.agency_id,
                          'organizationId', om.organization_id, 'roles', om.roles))
                          FROM organization_memberships om
                         WHERE om.user_id = u.id AND om.status = 'active'), '[]'::json)
                AS "organizations"
         FROM users u WHERE u.id = $1`,
);

/**
 * The signed-in user and their active memberships in every agency. Runs outside any agency: the
 * membership rows are visible only through the own-rows policy (app.user_id, set by the access
 * policy for this transaction), never another user's and never by agency.
 */
@Injectable()
export class MeService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly agencies: AgencyDirectory,
  ) {}

  async me(): Promise<MeView> {
    const { userId } = this.context.requireUser();
    const rows = await sqlRows(this.txHost.tx, ME, [userId]);
    if (!rows[0]) throw new NotFoundError('user', 'user.not_found');
    const { user, agencies, organizations } = rows[0];
    // Agency codes and names come from the agency directory, so the list is ordered here.
    const named = <T extends { agencyId: string }>(memberships: T[]) =>
      memberships.flatMap((m) => {
        const agency = this.agencies.describe(m.agencyId);
        return agency ? [{ ...m, agency }] : [];
      });
    return {
      user,
      agencies: named(agencies)
        .sort((a, b) => compare(a.agency.code, b.agency.code))
        .map(({ agency, agencyId, roles }) => ({
          agencyId,
          agencyCode: agency.code,
          agencyName: agency.name,
          roles,
        })),
      organizations: named(organizations)
        .sort(
          (a, b) =>
            compare(a.agency.code, b.agency.code) || compare(a.organizationId, b.organizationId),
        )
        .map(({ agency, agencyId, organizationId, roles }) => ({
          agencyId,
          agencyCode: agency.code,
          organizationId,
          roles,
        })),
    };
  }
}

interface MeRow {
  user: MeView['user'];
  agencies: Array<{ agencyId: string; roles: string[] }>;
  organizations: Array<{ agencyId: string; organizationId: string; roles: string[] }>;
}

/** Codes and uuids are lowercase ASCII, compared by code point (the C collation's order). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
