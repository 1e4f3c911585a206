import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { sql, sqlRows } from '../../core/database/sql-statement';
import { RequestContext } from '../../core/context/request-context';
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

/** The response itself, built in one statement. */
const ME = sql<MeView>(
  'identity.me',
  `SELECT json_build_object('id', u.id, 'email', u.email, 'name', u.name,
                                'platformAdmin', u.platform_admin) AS "user",
              COALESCE((SELECT json_agg(json_build_object(
                          'agencyId', a.id, 'agencyCode', a.code, 'agencyName', a.name,
                          'roles', am.roles) ORDER BY a.code)
                          FROM agency_memberships am JOIN agencies a ON a.id = am.agency_id
                         WHERE am.user_id = u.id AND am.status = 'active'), '[]'::json)
                AS "agencies",
              COALESCE((SELECT json_agg(json_build_object(
                          'agencyId', a.id, 'agencyCode', a.code,
                          'organizationId', om.organization_id, 'roles', om.roles)
                          ORDER BY a.code, om.organization_id)
                          FROM organization_memberships om JOIN agencies a ON a.id = om.agency_id
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
  ) {}

  async me(): Promise<MeView> {
    const { userId } = this.context.requireUser();
    const rows = await sqlRows(this.txHost.tx, ME, [userId]);
    if (!rows[0]) throw new NotFoundError('user', 'user.not_found');
    return rows[0];
  }
}
